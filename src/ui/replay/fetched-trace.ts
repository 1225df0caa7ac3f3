// A member's trace fetched through the server, checked before it joins a cluster trace: valid
// records (as a trace file's), and every one of them the sending member's own.

import type { FetchedTrace } from '../../runtime/trace-collector';
import type { TraceRecord } from '../../runtime/trace';
import { parseTrace } from './trace-parser';

/** The member's records, or why its trace is left out (naming the member). */
export async function fetchedRecords(trace: FetchedTrace): Promise<TraceRecord[] | string> {
  const parsed = await parseTrace(trace.text);
  if (!parsed.ok) return `${trace.node}'s trace is not valid (line ${parsed.line}: ${parsed.message})`;
  const foreign = parsed.trace.records.find((record) => record.node !== trace.node);
  if (foreign) return `${trace.node}'s trace holds records of ${foreign.node}; only its own are taken, so it is left out`;
  return parsed.trace.records;
}
