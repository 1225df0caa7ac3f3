// The sandbox driver with a hand-turned clock: speed, pause, full speed, bounded batches, actions and the end.

import { describe, expect, it } from 'vitest';
import type { Timers } from '../../src/net/timers';
import { traceLine } from '../../src/runtime/trace';
import { FRAME_MS, SandboxDriver, type FromSandbox, type Speed } from '../../src/sandbox/driver';
import type { SandboxFrame } from '../../src/sandbox/frame-report';
import { runSandbox } from '../../src/sandbox/engine';
import { defaultSetup, type SandboxSetup } from '../../src/sandbox/setup';

/** A clock and timers the test moves by hand; `busyMs` is how long each clock reading takes (work at full speed). */
class ManualTime implements Timers {
  nowMs = 0;
  busyMs = 0;
  private pending: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  readonly clock = (): number => {
    this.nowMs += this.busyMs;
    return this.nowMs;
  };
  set(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.pending.push({ at: this.nowMs + delayMs, callback, id });
    return id;
  }
  clear(handle: unknown): void {
    this.pending = this.pending.filter((t) => t.id !== handle);
  }
  get scheduled(): number {
    return this.pending.length;
  }
  /** Moves time on by `ms`, firing due timers in order. */
  pass(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at);
      const next = this.pending[0];
      if (!next || next.at > end) break;
      this.pending.shift();
      this.nowMs = Math.max(this.nowMs, next.at);
      next.callback();
    }
    this.nowMs = end;
  }
}

function small(seed = 4): SandboxSetup {
  const setup = defaultSetup(4, seed);
  return { ...setup, params: { ...setup.params, sendForMs: 500, waitForMs: 300 } };
}

function start(setup: SandboxSetup, speed: Speed, maxBatch?: number) {
  const time = new ManualTime();
  const posted: FromSandbox[] = [];
  const driver = new SandboxDriver(time.clock, time, (m) => posted.push(m), maxBatch);
  driver.handle({ type: 'load', setup, speed });
  const batches = () => posted.filter((m): m is Extract<FromSandbox, { type: 'frame' }> => m.type === 'frame').map((m) => JSON.parse(m.json) as SandboxFrame);
  const done = () => posted.find((m): m is Extract<FromSandbox, { type: 'done' }> => m.type === 'done');
  return { time, posted, driver, batches, done };
}

describe('sandbox driver', () => {
  it('at speed 1, virtual time follows real time; at 0.1, ten times slower', () => {
    const real = start(small(), 1);
    real.time.pass(200);
    expect(real.batches().at(-1)!.cursorUs).toBeGreaterThan(180_000);
    expect(real.batches().at(-1)!.cursorUs).toBeLessThanOrEqual(200_000);
    const slow = start(small(), 0.1);
    slow.time.pass(200);
    expect(slow.batches().at(-1)!.cursorUs).toBeLessThanOrEqual(20_000);
    expect(slow.batches().at(-1)!.cursorUs).toBeGreaterThan(15_000);
  });

  it('posts at most once a frame, and pausing stops virtual time and the frames', () => {
    const run = start(small(), 1);
    run.time.pass(160);
    expect(run.batches().length).toBeLessThanOrEqual(160 / FRAME_MS);
    run.driver.handle({ type: 'speed', speed: 0 });
    const pausedAt = run.batches().at(-1)!.cursorUs;
    const count = run.batches().length;
    run.time.pass(1000);
    expect(run.batches().length).toBe(count);
    expect(run.time.scheduled).toBe(0);
    run.driver.handle({ type: 'speed', speed: 1 });
    run.time.pass(100);
    expect(run.batches().at(-1)!.cursorUs - pausedAt).toBeLessThanOrEqual(100_000);
    expect(run.batches().at(-1)!.cursorUs - pausedAt).toBeGreaterThan(80_000);
  });

  it('at full speed finishes with the very records and results of a synchronous run, in bounded frames, yielding every frame', () => {
    const setup = small(9);
    const run = start(setup, 'max', 500);
    run.time.busyMs = 0.01;
    for (let i = 0; i < 10_000 && !run.done(); i += 1) run.time.pass(FRAME_MS);
    const expected = runSandbox(setup);
    expect(run.done()?.results).toEqual(expected.results);
    run.driver.handle({ type: 'trace', id: 3 });
    expect(run.posted.at(-1)).toEqual({ type: 'trace', run: 1, id: 3, text: expected.records.map((record) => traceLine(record) + '\n').join('') });
    const counts = run.batches().map((b) => b.records);
    expect(counts.at(-1)).toBe(expected.records.length);
    const perFrame = counts.map((count, i) => count - (counts[i - 1] ?? 0));
    expect(Math.max(...perFrame)).toBeLessThanOrEqual(500 + 40);
    expect(run.batches().length).toBeGreaterThan(expected.records.length / 540);
  });

  it('hands over each node’s figures at the cursor, the inspected node’s commits in order (no other node’s), and whole messages of the traffic', () => {
    const setup = small(6);
    const expected = runSandbox(setup);
    const commitsOf = (id: string): string[] => expected.records.filter((r) => r.ev === 'commit' && r.node === id).map((r) => `${(r as { from: string }).from}#${(r as { seq: number }).seq}`);
    for (const inspected of [null, 'n3']) {
      const time = new ManualTime();
      const posted: FromSandbox[] = [];
      const driver = new SandboxDriver(time.clock, time, (m) => posted.push(m), 300);
      driver.handle({ type: 'inspect', node: inspected });
      driver.handle({ type: 'load', setup, speed: 'max' });
      time.busyMs = 0.01;
      for (let i = 0; i < 10_000 && !posted.some((m) => m.type === 'done'); i += 1) time.pass(FRAME_MS);
      const frames = posted.filter((m): m is Extract<FromSandbox, { type: 'frame' }> => m.type === 'frame').map((m) => JSON.parse(m.json) as SandboxFrame);
      for (const node of expected.results.nodes) {
        const last = frames.findLast((frame) => frame.nodes[node.id])!.nodes[node.id];
        expect(last.snapshot.count).toBe(node.count);
      }
      const shown = inspected ?? 'n1';
      const logged = frames.flatMap((frame) => frame.commits[shown] ?? []);
      expect(logged.map((entry) => entry.index)).toEqual(logged.map((_, i) => i + 1));
      expect(logged.map((entry) => `${entry.from}#${entry.seq}`)).toEqual(commitsOf(shown));
      expect(frames.flatMap((frame) => Object.keys(frame.commits)).filter((id) => id !== shown)).toEqual([]);
      expect(frames[0].nodes).toHaveProperty(expected.results.nodes[0].id);
      const traffic = frames.flatMap((frame) => frame.traffic).map(traceLine);
      const sampledSend = expected.records.find((r) => r.ev === 'send' && traffic.includes(traceLine(r)) && r.frame.kind === 'data')!;
      const receipt = expected.records.find((r) => r.ev === 'recv' && r.node === (sampledSend as { to: string }).to && r.frame.kind === 'data' && r.frame.seq === (sampledSend as { frame: { seq: number } }).frame.seq && (r as { from: string }).from === sampledSend.node);
      expect(traffic).toContain(traceLine(receipt!));
    }
  });

  it('a node picked for inspection gets its newest commits at once, even in a finished run, then its new ones', () => {
    const setup = small(6);
    const expected = runSandbox(setup);
    const run = start(setup, 'max', 300);
    run.time.busyMs = 0.01;
    for (let i = 0; i < 40; i += 1) run.time.pass(FRAME_MS);
    run.driver.handle({ type: 'inspect', node: 'n2' });
    for (let i = 0; i < 10_000 && !run.done(); i += 1) run.time.pass(FRAME_MS);
    const frames = run.batches();
    const first = frames.findIndex((frame) => frame.commitHistory && frame.commits.n2 !== undefined);
    expect(first).toBeGreaterThan(0);
    const logged = frames.slice(first).flatMap((frame) => frame.commits.n2 ?? []);
    const all = expected.records.filter((r) => r.ev === 'commit' && r.node === 'n2');
    expect(logged.map((entry) => entry.index)).toEqual(logged.map((_, i) => all.length - logged.length + i + 1)); // contiguous up to the last
    expect(logged.length).toBe(Math.min(all.length, 500 + all.length - frames[first].commits.n2.at(-1)!.index));
    const sent = run.posted.length;
    run.driver.handle({ type: 'inspect', node: 'n4' }); // the run is over: no frame is coming, so one goes at once
    const after = run.posted.slice(sent).filter((m) => m.type === 'frame').map((m) => JSON.parse((m as { json: string }).json) as SandboxFrame);
    expect(after).toHaveLength(1);
    expect(after[0].commitHistory).toBe(true);
    const n4 = expected.records.filter((r) => r.ev === 'commit' && r.node === 'n4').length;
    expect(after[0].commits.n4.map((entry) => entry.index)).toEqual(Array.from({ length: Math.min(500, n4) }, (_, i) => n4 - Math.min(500, n4) + i + 1));
  });

  it('applies a user action at the next whole virtual millisecond and answers it; the done message carries it for the link', () => {
    const run = start(small(), 1);
    run.time.pass(100.5);
    run.driver.handle({ type: 'act', id: 7, command: { type: 'crash', node: 'n3' } });
    const acted = run.posted.find((m) => m.type === 'acted');
    expect(acted).toMatchObject({ id: 7, accepted: { ok: true, action: { type: 'crash', node: 'n3' } } });
    const at = (acted as { accepted: { action: { at: number } } }).accepted.action.at;
    expect(at % 1000).toBe(0);
    run.driver.handle({ type: 'act', id: 8, command: { type: 'crash', node: 'n99' } });
    expect(run.posted.at(-1)).toMatchObject({ type: 'acted', id: 8, accepted: { ok: false, error: expect.stringContaining('n99') } });
    run.driver.handle({ type: 'speed', speed: 'max' });
    for (let i = 0; i < 10_000 && !run.done(); i += 1) run.time.pass(FRAME_MS);
    expect(run.done()!.actions).toEqual([{ type: 'crash', node: 'n3', at }]);
    expect(run.done()!.results.nodes.find((n) => n.id === 'n3')!.crashed).toBe(true);
  });

  it('refuses a bad setup, speed or message with an error message, without throwing', () => {
    const run = start({ ...small(), nodes: 0 }, 1);
    expect(run.posted).toEqual([{ type: 'error', message: 'nodes must be an integer from 2 to 64, got 0' }]);
    run.driver.handle({ type: 'speed', speed: -1 });
    expect(run.posted.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('speed must be') });
    run.driver.handle({ type: 'act', id: 1, command: { type: 'heal' } });
    expect(run.posted.at(-1)).toEqual({ type: 'error', message: 'no sandbox run is loaded' });
    run.driver.handle({ type: 'bogus' } as never);
    expect(run.posted.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('does not know') });
  });

  it('frames carry the scenario events only while the page watches them', () => {
    const run = start(small(), 1);
    run.time.pass(100);
    expect(run.batches().flatMap((b) => b.events)).toEqual([]);
    run.driver.handle({ type: 'watch', on: true });
    run.time.pass(100);
    expect(run.batches().flatMap((b) => b.events).some((event) => event.type === 'commit')).toBe(true);
  });

  it('a new load replaces the run: later batches carry the new run number', () => {
    const run = start(small(), 1);
    run.time.pass(50);
    run.driver.handle({ type: 'load', setup: small(5), speed: 1 });
    run.time.pass(50);
    const loaded = run.posted.filter((m) => m.type === 'loaded') as { run: number }[];
    expect(loaded.map((m) => m.run)).toEqual([1, 2]);
    expect(run.posted.at(-1)).toMatchObject({ type: 'frame', run: 2 });
  });
});
