// Writes a cluster's merged trace (DIR/cluster.jsonl) from its nodes' trace files in DIR.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clockRecords, mergeClusterTrace } from '../runtime/cluster-trace';
import { traceLine, type TraceRecord } from '../runtime/trace';
import type { CommandOutput } from './output';

export const CLUSTER_TRACE_FILE = 'cluster.jsonl';

/** Merges DIR/<id>.jsonl of every node into DIR/cluster.jsonl; a missing or unreadable node trace is named and left out. */
export function writeClusterTrace(dir: string, ids: readonly string[], out: CommandOutput): void {
  const traces: TraceRecord[][] = [];
  for (const id of ids) {
    const records = readNodeTrace(join(dir, `${id}.jsonl`), out);
    if (records) traces.push(records);
  }
  const merged = mergeClusterTrace(traces);
  const lines = [...clockRecords(merged), ...merged.records].map(traceLine);
  const path = join(dir, CLUSTER_TRACE_FILE);
  writeFileSync(path, lines.length > 0 ? lines.join('\n') + '\n' : '');
  const unaligned = merged.clocks.filter((c) => c.rttUs === null).map((c) => c.node);
  if (unaligned.length > 0) out.stderr(`cluster trace: no frames in both directions with ${unaligned.join(', ')}; their clocks are not aligned`);
  out.stderr(`cluster trace: ${path} (${merged.records.length} records from ${traces.length} nodes, clocks aligned to ${merged.reference})`);
}

function readNodeTrace(path: string, out: CommandOutput): TraceRecord[] | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    out.stderr(`cluster trace: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); left out`);
    return null;
  }
  const records: TraceRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i].trim() === '') continue;
    try {
      records.push(JSON.parse(lines[i]) as TraceRecord);
    } catch {
      out.stderr(`cluster trace: ${path} line ${i + 1} is not JSON (the node may have been killed while writing); the rest is left out`);
      break;
    }
  }
  return records;
}
