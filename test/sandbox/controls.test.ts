// Every sandbox control shows in the trace: what it drops, delays, duplicates, reorders, stops and resumes.

import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../src/runtime/trace';
import { createEngine, runSandbox, SandboxEngine } from '../../src/sandbox/engine';
import { defaultSetup, type SandboxAction, type SandboxSetup } from '../../src/sandbox/setup';

const SEED = 31;
const CUT = { cut: true, lossPercent: 0, delayMs: 0 };
const HEALTHY = { cut: false, lossPercent: 0, delayMs: 0 };

/** 4 nodes, constant 10 ms links (no reordering of their own), 0.8 s of sending. */
function setupWith(actions: SandboxAction[], change: Partial<SandboxSetup['params']> = {}): SandboxSetup {
  const base = defaultSetup(4, SEED);
  return { ...base, params: { ...base.params, sendForMs: 800, waitForMs: 500, ...change }, network: { ...base.network, delay: 'constant' }, actions };
}

type Rec<E extends TraceRecord['ev']> = Extract<TraceRecord, { ev: E }>;
const of = <E extends TraceRecord['ev']>(records: TraceRecord[], ev: E): Rec<E>[] => records.filter((r): r is Rec<E> => r.ev === ev);
const onLink = (a: string, b: string) => (r: { node: string; to: string }) => (r.node === a && r.to === b) || (r.node === b && r.to === a);

/** One-way times of DATA frames from `from` to `to`: receive time minus the send time of the same (seq, copy). */
function flightTimesUs(records: TraceRecord[], from: string, to: string): number[] {
  const sent = new Map<number, number[]>();
  for (const r of of(records, 'send')) if (r.node === from && r.to === to && r.frame.kind === 'data') sent.set(r.frame.seq, [...(sent.get(r.frame.seq) ?? []), r.t]);
  const times: number[] = [];
  for (const r of of(records, 'recv')) {
    if (r.node !== to || r.from !== from || r.frame.kind !== 'data') continue;
    const at = sent.get(r.frame.seq)?.shift();
    if (at !== undefined) times.push(r.t - at);
  }
  return times;
}

describe('sandbox controls', () => {
  it('a cut link drops frames both ways between its ends only, until healed; the run then agrees', () => {
    const { records, results } = runSandbox(setupWith([
      { at: 200_000, type: 'link', a: 'n1', b: 'n3', settings: CUT },
      { at: 500_000, type: 'link', a: 'n1', b: 'n3', settings: HEALTHY },
    ]));
    const cut = of(records, 'drop').filter((r) => r.reason === 'cut');
    expect(cut.length).toBeGreaterThan(2);
    expect(cut.every(onLink('n1', 'n3')), `seed ${SEED}`).toBe(true);
    expect(new Set(cut.map((r) => r.node))).toEqual(new Set(['n1', 'n3']));
    expect(cut.every((r) => r.t >= 200_000 && r.t < 500_000)).toBe(true);
    expect(results).toMatchObject({ agree: true, violations: 0 });
  });

  it('link loss drops frames on that link only; global loss everywhere', () => {
    const link = runSandbox(setupWith([{ at: 0, type: 'link', a: 'n2', b: 'n4', settings: { cut: false, lossPercent: 50, delayMs: 0 } }])).records;
    const linkDrops = of(link, 'drop');
    expect(linkDrops.length).toBeGreaterThan(5);
    expect(linkDrops.every((r) => r.reason === 'loss' && onLink('n2', 'n4')(r))).toBe(true);
    const global = of(runSandbox(setupWith([{ at: 0, type: 'loss', percent: 20 }])).records, 'drop');
    expect(new Set(global.map((r) => r.node)).size).toBe(4);
  });

  it('link delay adds its milliseconds to that link; latency ("slow network") to every link', () => {
    const plain = runSandbox(setupWith([])).records;
    const delayed = runSandbox(setupWith([{ at: 0, type: 'link', a: 'n1', b: 'n2', settings: { cut: false, lossPercent: 0, delayMs: 40 } }])).records;
    expect(Math.min(...flightTimesUs(plain, 'n1', 'n2'))).toBe(10_000);
    expect(Math.min(...flightTimesUs(delayed, 'n1', 'n2'))).toBe(50_000);
    expect(Math.min(...flightTimesUs(delayed, 'n1', 'n3'))).toBe(10_000);
    const slow = runSandbox(setupWith([{ at: 0, type: 'latency', ms: 30 }])).records;
    expect(Math.min(...flightTimesUs(slow, 'n3', 'n4'))).toBe(30_000);
    expect(of(slow, 'commit').length).toBeLessThan(of(plain, 'commit').length / 2);
  });

  it('dup delivers frames twice; reorder lets later DATA overtake earlier', () => {
    const plain = runSandbox(setupWith([], { window: 8 })).records;
    const dup = runSandbox(setupWith([{ at: 0, type: 'dup', percent: 30 }], { window: 8 })).records;
    expect(of(plain, 'recv').length).toBeLessThanOrEqual(of(plain, 'send').length);
    expect(of(dup, 'recv').length).toBeGreaterThan(of(dup, 'send').length);
    const overtaken = (records: TraceRecord[]): number => {
      let count = 0;
      const highest = new Map<string, number>();
      for (const r of of(records, 'recv')) {
        if (r.frame.kind !== 'data') continue;
        const key = `${r.from}>${r.node}`;
        if (r.frame.seq < (highest.get(key) ?? 0)) count += 1;
        highest.set(key, Math.max(highest.get(key) ?? 0, r.frame.seq));
      }
      return count;
    };
    expect(overtaken(plain)).toBe(0);
    const reordered = runSandbox(setupWith([{ at: 0, type: 'reorder', percent: 30 }], { window: 8 }));
    expect(overtaken(reordered.records), `seed ${SEED}`).toBeGreaterThan(10);
    expect(reordered.results).toMatchObject({ agree: true, violations: 0 });
  });

  it('a partition drops exactly the frames that cross it, until healed', () => {
    const { records, results } = runSandbox(setupWith([
      { at: 100_000, type: 'partition', side: ['n1', 'n2'] },
      { at: 400_000, type: 'heal' },
    ]));
    const dropped = of(records, 'drop');
    expect(dropped.length).toBeGreaterThan(4);
    const side = new Set(['n1', 'n2']);
    expect(dropped.every((r) => r.reason === 'partition' && side.has(r.node) !== side.has(r.to))).toBe(true);
    expect(dropped.every((r) => r.t >= 100_000 && r.t < 400_000)).toBe(true);
    expect(results.agree).toBe(true);
  });

  it('lose-next drops exactly one message, of that kind, on that directed link; the sender resends', () => {
    const { records } = runSandbox(setupWith([{ at: 50_000, type: 'lose-next', from: 'n2', to: 'n1', kind: 'ack' }]));
    const dropped = of(records, 'drop');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ node: 'n2', to: 'n1', reason: 'injected', frame: { kind: 'ack' } });
    const lostSeq = (dropped[0].frame as { seq: number }).seq;
    const resends = of(records, 'send').filter((r) => r.node === 'n1' && r.to === 'n2' && r.frame.kind === 'data' && r.frame.seq === lostSeq);
    expect(resends).toHaveLength(2);
  });

  it('a crashed node does nothing until restarted, then resumes with its state and the run agrees', () => {
    const { records, results } = runSandbox(setupWith([
      { at: 200_000, type: 'crash', node: 'n2' },
      { at: 450_000, type: 'restart', node: 'n2' },
    ]));
    const n2 = records.filter((r) => r.node === 'n2');
    expect(n2.filter((r) => r.ev === 'crash').map((r) => r.t)).toEqual([200_000]);
    expect(n2.filter((r) => r.ev === 'restart').map((r) => r.t)).toEqual([450_000]);
    expect(n2.filter((r) => r.t > 200_000 && r.t < 450_000)).toEqual([]);
    const committedBefore = of(n2, 'commit').filter((r) => r.t <= 200_000).length;
    expect(of(n2, 'commit').length).toBeGreaterThan(committedBefore);
    expect(results).toMatchObject({ agree: true, violations: 0 });
    expect(results.nodes.every((n) => n.complete && !n.crashed)).toBe(true);
  });

  it('a node crashed for good leaves survivors that report it as missing', () => {
    const { results } = runSandbox(setupWith([{ at: 200_000, type: 'crash', node: 'n4' }]));
    const survivors = results.nodes.filter((n) => n.id !== 'n4');
    expect(results.nodes.find((n) => n.id === 'n4')).toMatchObject({ crashed: true, complete: false });
    for (const node of survivors) expect(node).toMatchObject({ complete: false, reason: 'deadline', unackedBy: ['n4'] });
    for (const node of survivors) expect(node.missingFins).toContain('n4');
  });

  it('refuses bad actions with a clear message, and never throws', () => {
    const engine = new SandboxEngine(setupWith([]));
    expect(engine.act({ type: 'crash', node: 'n9' })).toEqual({ ok: false, error: '"n9" is not a node of this run (n1..n4)' });
    expect(engine.act({ type: 'link', a: 'n1', b: 'n1', settings: CUT })).toMatchObject({ ok: false, error: 'a link joins two different nodes' });
    expect(engine.act({ type: 'loss', percent: 140 })).toMatchObject({ ok: false, error: 'loss must be from 0 to 100 %, got 140' });
    expect(engine.act({ type: 'partition', side: ['n1', 'n2', 'n3', 'n4'] }).ok).toBe(false);
    engine.advance(300_000);
    expect(engine.schedule({ at: 100_000, type: 'heal' })).toMatchObject({ ok: false, error: expect.stringContaining('in the past') });
    engine.runToEnd();
    expect(engine.act({ type: 'heal' })).toMatchObject({ ok: false, error: expect.stringContaining('the run is over') });
    expect(createEngine({ ...setupWith([]), nodes: 1 })).toEqual({ ok: false, error: 'nodes must be an integer from 2 to 64, got 1' });
    expect(createEngine(setupWith([{ at: 5, type: 'heal' }, { at: 1, type: 'heal' }]))).toMatchObject({ ok: false, error: expect.stringContaining('time order') });
  });

  it('runs 64 nodes (for layout tests)', () => {
    const base = defaultSetup(64, 1);
    const { results } = runSandbox({ ...base, params: { ...base.params, sendForMs: 100, waitForMs: 200 } });
    expect(results.nodes).toHaveLength(64);
    expect(results.nodes[63].id).toBe('n64');
    expect(results).toMatchObject({ agree: true, violations: 0 });
  });
});

describe('sandbox record times', () => {
  it('stay whole microseconds whatever the fractional delays and latencies', () => {
    const { records } = runSandbox(setupWith([
      { at: 0, type: 'link', a: 'n1', b: 'n2', settings: { cut: false, lossPercent: 0, delayMs: 12.3456 } },
      { at: 1000, type: 'latency', ms: 7.77777 },
      { at: 2000, type: 'reorder', percent: 50 },
    ]));
    expect(records.every((r) => Number.isSafeInteger(r.t))).toBe(true);
    expect(records.every((r) => r.ev !== 'commit' || Number.isSafeInteger(r.sentAt))).toBe(true);
  });
});
