// A fetched trace joins the cluster trace only if it is valid and holds its sender's records alone.

import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/simulate';
import { traceLine, type TraceRecord } from '../../src/runtime/trace';
import { fetchedRecords } from '../../src/ui/replay/fetched-trace';

/** Each simulated node's trace as the JSON Lines text it would share. */
function tracesByNode(): Map<string, string> {
  const records: TraceRecord[] = [];
  simulate({
    nodes: 2,
    params: { sendForMs: 200, waitForMs: 300, seed: 4, tickMs: 50, window: 1 },
    network: { latencyMs: 10, delay: 'exponential', loss: 0, dup: 0, partitions: false, crash: false, skewMs: 0 },
    netSeed: 3,
    trace: (r) => records.push(r),
  });
  const texts = new Map<string, string>();
  for (const r of records) texts.set(r.node, (texts.get(r.node) ?? '') + traceLine(r) + '\n');
  return texts;
}

describe('a fetched trace', () => {
  const texts = tracesByNode();
  const [a, b] = [...texts.keys()];

  it('of the sender\'s own records is taken whole', async () => {
    const records = await fetchedRecords({ node: a, text: texts.get(a)!, missing: null });
    expect(Array.isArray(records) && records.length).toBe(texts.get(a)!.trim().split('\n').length);
  });

  it('holding another node\'s records is left out, naming both', async () => {
    const forged = texts.get(a)! + texts.get(b)!;
    expect(await fetchedRecords({ node: a, text: forged, missing: null })).toBe(`${a}'s trace holds records of ${b}; only its own are taken, so it is left out`);
  });

  it('that is not a trace is left out, naming the bad line', async () => {
    expect(await fetchedRecords({ node: a, text: texts.get(a)! + '{"t":1,\n', missing: null })).toMatch(new RegExp(`^${a}'s trace is not valid \\(line \\d+: not valid JSON\\)$`));
  });
});
