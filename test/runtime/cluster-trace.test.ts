// A cluster trace: per-node traces on skewed clocks, merged onto one clock by their frame exchanges.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockRecords, mergeClusterTrace } from '../../src/runtime/cluster-trace';
import { traceLine, type TraceRecord } from '../../src/runtime/trace';
import { simulate } from '../../src/sim/simulate';

type Delay = 'constant' | 'exponential';

/** A simulated run split per node, on one clock unless `skewMs` gives each node a random clock offset. */
function perNodeTraces(delay: Delay, seed: number, skewMs = 0): Map<string, TraceRecord[]> {
  const byNode = new Map<string, TraceRecord[]>();
  simulate({
    nodes: 4,
    params: { sendForMs: 300, waitForMs: 300, seed, tickMs: 50, window: 2 },
    network: { latencyMs: 5, delay, loss: 0, dup: 0, partitions: false, crash: false, skewMs },
    netSeed: seed,
    trace: (r) => {
      const list = byNode.get(r.node) ?? [];
      byNode.set(r.node, list);
      list.push(JSON.parse(traceLine(r)));
    },
  });
  return byNode;
}

/** The same traces as if each node's clock ran `offsets[node]` µs ahead. */
function skewed(byNode: Map<string, TraceRecord[]>, offsets: Record<string, number>): TraceRecord[][] {
  return [...byNode].map(([node, records]) => records.map((r) => ({ ...r, t: r.t + (offsets[node] ?? 0) })));
}

const offsetsArb = fc.record({ n2: fc.integer({ min: -5e6, max: 5e6 }), n3: fc.integer({ min: -5e6, max: 5e6 }), n4: fc.integer({ min: -5e6, max: 5e6 }) });

describe('mergeClusterTrace', () => {
  it('recovers every clock offset exactly when delays are symmetric', () => {
    const traces = perNodeTraces('constant', 3);
    fc.assert(
      fc.property(offsetsArb, (offsets) => {
        const merged = mergeClusterTrace(skewed(traces, offsets));
        expect(merged.reference).toBe('n1');
        for (const clock of merged.clocks) expect(clock.offsetUs, `offset of ${clock.node}`).toBe(clock.node === 'n1' ? 0 : offsets[clock.node as 'n2']);
      }),
      { numRuns: 25 },
    );
  });

  it('is within half the round trip it reports when delays vary, and keeps every node\'s own order', () => {
    const traces = perNodeTraces('exponential', 5);
    fc.assert(
      fc.property(offsetsArb, (offsets) => {
        const merged = mergeClusterTrace(skewed(traces, offsets));
        for (const clock of merged.clocks) {
          if (clock.node === 'n1') continue;
          expect(clock.rttUs).not.toBeNull();
          expect(Math.abs(clock.offsetUs - offsets[clock.node as 'n2'])).toBeLessThanOrEqual(clock.rttUs! / 2);
        }
        for (const [node, original] of traces) expect(merged.records.filter((r) => r.node === node).map((r) => r.ev)).toEqual(original.map((r) => r.ev));
        const times = merged.records.map((r) => r.t);
        expect(times).toEqual([...times].sort((a, b) => a - b));
      }),
      { numRuns: 25 },
    );
  });

  it('leaves a node that exchanged nothing on its own clock, and says so', () => {
    const traces = perNodeTraces('constant', 7);
    const loner: TraceRecord[] = [{ t: 42, node: 'z9', ev: 'phase', phase: 'sending' }];
    const merged = mergeClusterTrace([...skewed(traces, {}), loner]);
    expect(merged.clocks.find((c) => c.node === 'z9')).toEqual({ node: 'z9', offsetUs: 0, rttUs: null, via: 'z9' });
    expect(clockRecords(merged).map((r) => r.node)).toEqual(['n1', 'n2', 'n3', 'n4', 'z9']);
  });
});

describe('a merged cluster trace replays', () => {
  it('every node through step on its own clock (t + offsetUs) reaches the result it recorded', async () => {
    const { RunHistory } = await import('../../src/ui/history/history');
    const { replayNotes } = await import('../../src/ui/history/scene');
    const traces = perNodeTraces('exponential', 11, 2000);
    const merged = mergeClusterTrace([...traces.values()]);
    expect(merged.clocks.some((c) => Math.abs(c.offsetUs) > 100_000)).toBe(true);
    const history = RunHistory.fromRecords([...clockRecords(merged), ...merged.records]);
    const notes = replayNotes(history);
    expect(notes).toHaveLength(4);
    for (const note of notes) expect(note).toMatch(/^n\d: the replay reproduces the recorded result/);
  });
});
