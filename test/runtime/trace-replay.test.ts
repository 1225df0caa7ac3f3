// The trace contract (docs/TRACE.md): a node's recorded inputs, fed to the reducer, reproduce its run.

import { describe, expect, it } from 'vitest';
import { createNode, formatFixed, step, type Effect, type NodeState, type ProtocolFrame } from '../../src/core';
import { simulate } from '../../src/sim/simulate';
import type { TraceRecord } from '../../src/runtime/trace';
import { traceLine } from '../../src/runtime/trace';

function recordRun(): TraceRecord[] {
  const records: TraceRecord[] = [];
  simulate({
    nodes: 3,
    params: { sendForMs: 400, waitForMs: 600, seed: 9, tickMs: 50, window: 2 },
    network: { latencyMs: 10, delay: 'exponential', loss: 0.1, dup: 0.1, partitions: false, crash: false, skewMs: 4 },
    netSeed: 12,
    trace: (r) => records.push(JSON.parse(traceLine(r))),
  });
  return records;
}

/** Replays one node's start/recv/timer/stop records through step; returns the state and its outputs. */
function replay(records: TraceRecord[], node: string): { state: NodeState; outputs: string[] } {
  let state = createNode(node);
  const outputs: string[] = [];
  const collect = (effects: Effect[]): void => {
    for (const e of effects) {
      if (e.type === 'send') outputs.push(`send ${e.to} ${JSON.stringify(e.frame)}`);
      if (e.type === 'commit') outputs.push(`commit ${e.entry.from}#${e.entry.seq}`);
    }
  };
  for (const r of records) {
    if (r.node !== node) continue;
    if (r.ev === 'start') ({ state } = run(state, { type: 'start', now: r.t, run: r.run, members: r.members, params: r.params }, collect));
    if (r.ev === 'recv') ({ state } = run(state, { type: 'frame', now: r.t, frame: r.frame as ProtocolFrame }, collect));
    if (r.ev === 'timer') ({ state } = run(state, { type: 'timer', now: r.t, name: r.name }, collect));
    if (r.ev === 'stop') ({ state } = run(state, { type: 'stop', now: r.t }, collect));
  }
  return { state, outputs };
}

function run(state: NodeState, event: Parameters<typeof step>[1], collect: (effects: Effect[]) => void) {
  const result = step(state, event);
  collect(result.effects);
  return result;
}

describe('traces', () => {
  const records = recordRun();

  it.each(['n1', 'n2', 'n3'])('replaying %s\'s inputs reproduces its sends, commits and result', (node) => {
    const { state, outputs } = replay(records, node);
    const recorded = records
      .filter((r) => r.node === node && (r.ev === 'send' || r.ev === 'commit'))
      .map((r) => (r.ev === 'send' ? `send ${r.to} ${JSON.stringify(r.frame)}` : r.ev === 'commit' ? `commit ${r.from}#${r.seq}` : ''));
    expect(outputs).toEqual(recorded);
    const result = records.find((r) => r.node === node && r.ev === 'result');
    expect(result).toMatchObject({ count: state.result!.count, checksum: formatFixed(state.result!.checksum) });
  });

  it('every line is one JSON object with t, node and ev', () => {
    for (const r of records) expect(Object.keys(r).slice(0, 3)).toEqual(['t', 'node', 'ev']);
  });
});
