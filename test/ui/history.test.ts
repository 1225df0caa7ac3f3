// The run history: appended piece by piece (as a live source streams it) or loaded at once (a file),
// it shows the same scene; seeking anywhere through checkpoints gives what replaying from the start
// gives; and every figure of a node at one moment agrees (count, commit log, counters).

import { describe, expect, it } from 'vitest';
import { traceLine, type TraceRecord } from '../../src/core';
import { simulate } from '../../src/sim/simulate';
import { RunHistory } from '../../src/ui/history/history';
import { commitRowsOf, phaseOf, replayNotes, resultsDueAt, resultsOf, scene, throughputOf } from '../../src/ui/history/scene';
import type { NodeSnapshot } from '../../src/runtime/snapshot';
import { ZERO_COUNTERS } from '../../src/ui/live/feed';

function simulatedRun(sendForMs = 400, latencyMs = 10, loss = 0.1): TraceRecord[] {
  const records: TraceRecord[] = [];
  simulate({
    nodes: 3,
    params: { sendForMs, waitForMs: 600, seed: 9, tickMs: 50, window: 2 },
    network: { latencyMs, delay: 'exponential', loss, dup: 0.05, partitions: false, crash: false, skewMs: 0 },
    netSeed: 12,
    trace: (r) => records.push(JSON.parse(traceLine(r))),
  });
  return records;
}

const records = simulatedRun();
const start = records[0].t;
const end = records[records.length - 1].t;
const moments = Array.from({ length: 12 }, (_, i) => start + ((end - start) * i) / 11);

describe('a history of recorded inputs', () => {
  it('shows the same scene whether its records were appended piece by piece or loaded at once', () => {
    const loaded = RunHistory.fromRecords(records);
    const streamed = new RunHistory();
    for (let i = 0; i < records.length; i += 37) streamed.appendRecords(records.slice(i, i + 37));
    expect(streamed.memberIds).toEqual(loaded.memberIds);
    for (const t of moments) {
      const a = scene(loaded, t);
      const b = scene(streamed, t);
      expect(b.snapshots).toEqual(a.snapshots);
      expect(b.inFlight).toEqual(a.inFlight);
      expect(streamed.trafficLog.flights(t - 200_000, t, Infinity)).toEqual(loaded.trafficLog.flights(t - 200_000, t, Infinity));
      expect(b.committing).toEqual(a.committing);
    }
  });

  it('rebuilds a node anywhere, backwards and forwards, as replaying from the start does (checkpoints)', () => {
    const long = simulatedRun(1000, 1, 0);
    expect(long.filter((r) => r.node === 'n1').length).toBeGreaterThan(4000); // more than one checkpoint
    const lastT = long[long.length - 1].t;
    const times = [0.9, 0.2, 0.7, 0.1, 0.95, 0.5].map((f) => long[0].t + (lastT - long[0].t) * f);
    const seeking = RunHistory.fromRecords(long);
    for (const t of times) {
      const fresh = RunHistory.fromRecords(long);
      expect(seeking.track('n1')!.figuresAt(t)).toEqual(fresh.track('n1')!.figuresAt(t));
    }
  });

  it('agrees with itself at every moment: count, newest commit row, counters and commits up to then', () => {
    const history = RunHistory.fromRecords(records);
    for (const t of moments) {
      const view = scene(history, t);
      for (const id of history.rebuilt) {
        const figures = view.nodes[id];
        const committedByThen = records.filter((r) => r.node === id && r.ev === 'commit' && r.t <= t).length;
        const count = figures?.snapshot.count ?? 0;
        expect(count).toBe(committedByThen);
        const rows = commitRowsOf(history, view, id)!;
        expect(rows.size).toBe(count);
        expect(rows.row(0)?.index ?? 0).toBe(count);
        if (figures) expect(figures.counters!.commits).toBe(count);
      }
    }
  });

  it('reaches the recorded results, and says so', () => {
    const history = RunHistory.fromRecords(records);
    const final = scene(history, end);
    const recorded = records.filter((r) => r.ev === 'result');
    expect(Object.keys(resultsOf(history, final))).toHaveLength(3);
    for (const r of recorded) expect(resultsOf(history, final)[r.node]).toMatchObject({ count: (r as { count: number }).count });
    expect(resultsOf(history, scene(history, start))).toEqual({});
    expect(replayNotes(history)).toEqual(history.rebuilt.map((id) => expect.stringContaining(`${id}: the replay reproduces the recorded result`)));
    expect(phaseOf(history, final)).toBe('done');
    expect(phaseOf(history, scene(history, start + 1000))).toBe('sending');
  });

  it('charts each node\'s commits per second up to the moment shown', () => {
    const history = RunHistory.fromRecords(records);
    const series = throughputOf(history, scene(history, start + 300_000));
    expect(series.map((s) => s.id)).toEqual(['n1', 'n2', 'n3']);
    expect(series[0].points.at(-1)!.t).toBeCloseTo(0.25, 5);
    expect(series.some((s) => s.points.some((p) => p.rate > 0))).toBe(true);
  });
});

function snapshotOf(id: string, count: number): NodeSnapshot {
  return { id, phase: 'sending', count, seq: count, fin: false, acked: [id], buffers: [], result: null };
}

describe('a history of reported nodes (this tab\'s node, peers\' telemetry)', () => {
  const run = { runId: 'r', run: 1, members: ['a', 'b'], params: { sendForMs: 1000, waitForMs: 1000, seed: 1, tickMs: 100, window: 1 }, startedAt: 0 };

  it('shows each node as its latest report at or before the moment, and nothing re-run', () => {
    const history = new RunHistory({ run, self: 'a', realTime: true });
    history.report('a', { figures: { at: 100, snapshot: snapshotOf('a', 2), counters: { ...ZERO_COUNTERS, commits: 2 }, runningChecksum: '0.1000000000', phaseEndsAt: 1_000_000, rttMs: {} } });
    history.telemetry('b', 150, snapshotOf('b', 1));
    history.report('a', { figures: { at: 200, snapshot: snapshotOf('a', 5), counters: { ...ZERO_COUNTERS, commits: 5 }, runningChecksum: '0.2000000000', phaseEndsAt: 1_000_000, rttMs: {} } });
    expect(scene(history, 50).nodes).toEqual({ a: null, b: null });
    expect(scene(history, 160).snapshots.a?.count).toBe(2);
    expect(scene(history, 160).snapshots.b?.count).toBe(1);
    expect(scene(history, 250).snapshots.a?.count).toBe(5);
    history.telemetry('stranger', 300, snapshotOf('stranger', 9));
    expect(history.memberIds).toEqual(['a', 'b']);
  });

  it('cuts the commit log at the count shown, although the node has reported newer commits (issue 8, item 4)', () => {
    const history = new RunHistory({ run, self: 'a', realTime: true });
    const log = Array.from({ length: 21 }, (_, i) => ({ from: 'b', seq: i + 1, sentAt: i, value: 1, index: i + 1, at: 100 + i }));
    history.report('a', { figures: { at: 100, snapshot: snapshotOf('a', 19), counters: { ...ZERO_COUNTERS, commits: 19 }, runningChecksum: null, phaseEndsAt: null, rttMs: {} } });
    history.report('a', { figures: { at: 300, snapshot: snapshotOf('a', 21), counters: { ...ZERO_COUNTERS, commits: 21 }, runningChecksum: null, phaseEndsAt: null, rttMs: {} }, log });
    const view = scene(history, 200);
    const rows = commitRowsOf(history, view, 'a')!;
    expect(view.snapshots.a?.count).toBe(19);
    expect(rows.row(0)?.index).toBe(19);
    expect(commitRowsOf(history, view, 'b')).toBeNull(); // telemetry carries no commit log
  });

  it('keeps a scene\'s node objects while nothing changed, so drawings can skip', () => {
    const history = new RunHistory({ run, self: 'a', realTime: true });
    history.telemetry('a', 100, snapshotOf('a', 1));
    const first = scene(history, 150);
    expect(scene(history, 160, {}, first).snapshots).toBe(first.snapshots);
    history.telemetry('a', 170, snapshotOf('a', 2));
    expect(scene(history, 180, {}, first).snapshots).not.toBe(first.snapshots);
  });

  it('is bounded: a node keeps its newest reports only', () => {
    const history = new RunHistory({ run, self: 'a', realTime: true });
    for (let i = 1; i <= 9000; i += 1) history.telemetry('b', i, snapshotOf('b', i));
    expect(scene(history, 10).nodes.b).toBeNull();
    expect(scene(history, 9000).snapshots.b?.count).toBe(9000);
  });
});

describe('when an observer\'s results panel stops waiting', () => {
  const run = { runId: 'r', run: 1, members: ['a', 'b'], params: { sendForMs: 1000, waitForMs: 500, seed: 1, tickMs: 100, window: 1 }, startedAt: 10_000 };
  const done = (id: string): NodeSnapshot => ({ ...snapshotOf(id, 3), phase: 'done', result: { count: 3, checksum: '1.0000000000', complete: true } });

  it('once every member reported DONE, at the last of them', () => {
    const history = new RunHistory({ run, realTime: true });
    history.telemetry('a', 1_400_000, done('a'));
    history.telemetry('b', 1_450_000, done('b'));
    expect(resultsDueAt(history)).toBe(1_450_000);
  });

  it('at the run\'s end by its clock when a member\'s last report never came (it exited at once)', () => {
    const history = new RunHistory({ run, realTime: true });
    history.telemetry('a', 1_400_000, done('a'));
    history.telemetry('b', 900_000, snapshotOf('b', 2));
    expect(resultsDueAt(history)).toBe(10_000 + 1_500_000);
  });

  it('for a member tab, when its own node is done (never by the clock)', () => {
    const history = new RunHistory({ run, self: 'a', realTime: true });
    history.telemetry('b', 1_400_000, done('b'));
    expect(resultsDueAt(history)).toBeNull();
  });
});
