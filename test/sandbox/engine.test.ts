// The sandbox engine: the same run as `chatterbox sim`, deterministic however it is advanced, and every control visible in the trace.

import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traceLine, type TraceRecord } from '../../src/runtime/trace';
import { simulate } from '../../src/sim/simulate';
import { runSandbox, SandboxEngine } from '../../src/sandbox/engine';
import { defaultSetup, type SandboxAction, type SandboxSetup } from '../../src/sandbox/setup';

function chatterboxSim(...args: string[]) {
  const run = spawnSync(process.execPath, ['bin/chatterbox.js', 'sim', ...args, '--json'], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { nodes: { id: string; count: number; checksum: string }[]; agree: boolean };
}

/** A short, busy run: 4 nodes, 0.6 s of sending. */
function small(seed: number, actions: SandboxAction[] = []): SandboxSetup {
  const setup = defaultSetup(4, seed);
  return { ...setup, params: { ...setup.params, sendForMs: 600, waitForMs: 400, tickMs: 50 }, actions };
}

function lines(records: TraceRecord[]): string[] {
  return records.map(traceLine);
}

/** Runs a setup advancing it in slices of `sliceUs`, taking records every `maxRecords` at most. */
function runInSlices(setup: SandboxSetup, sliceUs: number, maxRecords: number): string[] {
  const engine = new SandboxEngine(setup);
  const out: string[] = [];
  let until = 0;
  while (!engine.done) {
    until += sliceUs;
    engine.advance(until, maxRecords);
    const taken = engine.takeRecords();
    expect(taken.length).toBeLessThanOrEqual(maxRecords + 4 * 8);
    out.push(...lines(taken));
  }
  return out;
}

describe('sandbox engine', () => {
  it.each([
    { nodes: 5, seed: 7, flags: [] as string[], change: (s: SandboxSetup) => s },
    { nodes: 5, seed: 12, flags: ['--window', '4', '--latency', '25', '--delay', 'exponential'], change: (s: SandboxSetup) => ({ ...s, params: { ...s.params, window: 4 }, network: { ...s.network, latencyMs: 25, delay: 'exponential' as const } }) },
    { nodes: 3, seed: 3, flags: ['--loss', '0.1', '--dup', '0.05', '--batching', '--send-for', '1'], change: (s: SandboxSetup) => ({ ...s, batching: true, params: { ...s.params, sendForMs: 1000 }, network: { ...s.network, lossPercent: 10, dupPercent: 5 } }) },
  ])('with no actions, prints what `chatterbox sim --nodes $nodes --with-seed $seed $flags` prints', ({ nodes, seed, flags, change }) => {
    const cli = chatterboxSim('--nodes', String(nodes), '--with-seed', String(seed), ...flags);
    const { results } = runSandbox(change(defaultSetup(nodes, seed)));
    expect(results.nodes.map(({ id, count, checksum }) => ({ id, count, checksum })), `seed ${seed}`).toEqual(cli.nodes.map(({ id, count, checksum }) => ({ id, count, checksum })));
    expect(results.agree).toBe(cli.agree);
    expect(results.nodes[0].count).toBeGreaterThan(0);
  });

  it('with no actions, writes the very trace `chatterbox sim --trace` writes', () => {
    const setup = small(21);
    const simLines: string[] = [];
    const net = setup.network;
    simulate({
      nodes: setup.nodes,
      params: setup.params,
      netSeed: setup.netSeed,
      network: { latencyMs: net.latencyMs, delay: net.delay, loss: 0, dup: 0, partitions: false, crash: false, skewMs: 0 },
      trace: (r) => simLines.push(traceLine(r)),
    });
    expect(lines(runSandbox(setup).records)).toEqual(simLines);
  });

  it('records every reducer input: start, recv, timer (and stop when stopped)', () => {
    const { records } = runSandbox(small(2, [{ at: 300_000, type: 'stop' }]));
    const kinds = new Set(records.map((r) => r.ev));
    for (const ev of ['start', 'recv', 'timer', 'stop', 'send', 'commit', 'phase', 'result']) expect(kinds, ev).toContain(ev);
    const stops = records.filter((r) => r.ev === 'stop');
    expect(stops.map((r) => r.node).sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(records.filter((r) => r.ev === 'phase' && r.phase === 'done' && r.t === 300_000)).toHaveLength(4);
  });

  it('gives the same trace however it is advanced (slices, batch caps) and on a second run', () => {
    const setup = small(5, [
      { at: 100_000, type: 'link', a: 'n1', b: 'n2', settings: { cut: true, lossPercent: 0, delayMs: 0 } },
      { at: 150_000, type: 'crash', node: 'n3' },
      { at: 200_000, type: 'reorder', percent: 30 },
      { at: 250_000, type: 'restart', node: 'n3' },
      { at: 300_000, type: 'link', a: 'n1', b: 'n2', settings: { cut: false, lossPercent: 0, delayMs: 0 } },
    ]);
    const whole = lines(runSandbox(setup).records);
    expect(lines(runSandbox(setup).records)).toEqual(whole);
    expect(runInSlices(setup, 777, 50)).toEqual(whole);
    expect(runInSlices(setup, 16_000, 1)).toEqual(whole);
  });

  it('replays a run with live actions from its replay setup (what a shared link carries)', () => {
    const live = new SandboxEngine(small(8));
    const taken: string[] = [];
    live.advance(123_456);
    expect(live.act({ type: 'crash', node: 'n2' })).toMatchObject({ ok: true, action: { at: 124_000 } });
    live.advance(180_000);
    expect(live.act({ type: 'loss', percent: 20 }).ok).toBe(true);
    live.advance(400_001);
    expect(live.act({ type: 'restart', node: 'n2' }).ok).toBe(true);
    live.runToEnd();
    taken.push(...lines(live.takeRecords()));
    expect(lines(runSandbox(live.replaySetup()).records)).toEqual(taken);
  });

  it('is deterministic for random action lists (property)', () => {
    const members = ['n1', 'n2', 'n3', 'n4'];
    const node = fc.constantFrom(...members);
    const pair = fc.tuple(node, node).filter(([a, b]) => a !== b);
    const command = fc.oneof(
      pair.chain(([a, b]) => fc.record({ cut: fc.boolean(), lossPercent: fc.integer({ min: 0, max: 100 }), delayMs: fc.integer({ min: 0, max: 300 }) }).map((settings) => ({ type: 'link' as const, a, b, settings }))),
      fc.integer({ min: 1, max: 80 }).map((ms) => ({ type: 'latency' as const, ms })),
      fc.integer({ min: 0, max: 60 }).map((percent) => ({ type: 'loss' as const, percent })),
      fc.integer({ min: 0, max: 60 }).map((percent) => ({ type: 'dup' as const, percent })),
      fc.integer({ min: 0, max: 60 }).map((percent) => ({ type: 'reorder' as const, percent })),
      fc.subarray(members, { minLength: 1, maxLength: 3 }).map((side) => ({ type: 'partition' as const, side })),
      fc.constant({ type: 'heal' as const }),
      pair.chain(([from, to]) => fc.constantFrom('data', 'ack', 'fin').map((kind) => ({ type: 'lose-next' as const, from, to, kind }))),
      node.map((n) => ({ type: 'crash' as const, node: n })),
      node.map((n) => ({ type: 'restart' as const, node: n })),
    );
    const timed = fc.array(fc.tuple(fc.integer({ min: 0, max: 1_200_000 }), command), { maxLength: 12 }).map((list) =>
      list.sort((a, b) => a[0] - b[0]).map(([at, c]) => ({ ...c, at }) as SandboxAction),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), timed, fc.integer({ min: 200, max: 50_000 }), (seed, actions, slice) => {
        const setup = small(seed, actions);
        const first = runSandbox(setup);
        expect(lines(runSandbox(setup).records), `seed ${seed}`).toEqual(lines(first.records));
        expect(runInSlices(setup, slice, 64), `seed ${seed}`).toEqual(lines(first.records));
        expect(first.results.violations, `seed ${seed}: ${JSON.stringify(first.results.firstViolations[0])}`).toBe(0);
      }),
      { numRuns: 25 },
    );
  });
});
