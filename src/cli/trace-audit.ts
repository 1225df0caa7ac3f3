// Recomputes a run's (count, checksum) from one node's trace alone: its DATA and FIN frames, the documented value function and checksum.

import { compareIds, formatFixed, value, type MemberId } from '../core';

/** What one trace says the whole run committed, recomputed without reading its `commit` or `result` records. */
export interface TraceAudit {
  node: MemberId | null;
  members: MemberId[];
  /** Null when the trace does not hold every member's stream up to its FIN. */
  count: number | null;
  checksum: string | null;
  problems: string[];
}

interface StartRecord {
  node: MemberId;
  run: number;
  members: MemberId[];
  seed: number;
}

interface FrameRecord {
  kind: string;
  run: number;
  from: MemberId;
  seq: number;
  sentAt?: number;
}

interface Streams {
  /** sentAt of every DATA seen, by sender and serial. */
  sentAt: Map<MemberId, Map<number, number>>;
  /** The FIN serial of every sender whose FIN was seen. */
  fin: Map<MemberId, number>;
}

/**
 * Reads a trace (docs/TRACE.md; of one node, or the records of `node` in a simulator trace that
 * holds every node's) and recomputes the result every node of a complete run must print:
 * every member's messages 1 … FIN − 1 (from the `send` and `recv` records of DATA and FIN), valued
 * by value(seed, member, seq), ordered by (sentAt, from, seq), checksum Σ i · value_i.
 */
export function auditTrace(text: string, node?: MemberId): TraceAudit {
  const problems: string[] = [];
  const all = parseRecords(text, problems);
  const start = findStart(all, node ?? (all.find((record) => record.ev === 'start')?.node as MemberId | undefined), problems);
  const records = all.filter((record) => record.node === start?.node);
  if (!start) return { node: null, members: [], count: null, checksum: null, problems };
  const streams = collectStreams(records, start, problems);
  const complete = checkComplete(streams, start, problems);
  if (!complete) return { node: start.node, members: start.members, count: null, checksum: null, problems };
  return { node: start.node, members: start.members, ...recompute(streams, start), problems };
}

function parseRecords(text: string, problems: string[]): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const record = JSON.parse(line);
      if (record && typeof record === 'object' && !Array.isArray(record)) records.push(record);
      else problems.push(`line ${index + 1} is not a JSON object`);
    } catch {
      problems.push(`line ${index + 1} is not JSON`);
    }
  });
  return records;
}

function findStart(records: Record<string, unknown>[], node: MemberId | undefined, problems: string[]): StartRecord | null {
  const start = records.find((record) => record.ev === 'start' && record.node === node);
  const params = start?.params as Record<string, unknown> | undefined;
  if (!start || typeof start.node !== 'string' || typeof start.run !== 'number' || !Array.isArray(start.members) || typeof params?.seed !== 'number') {
    problems.push('the trace has no valid start record');
    return null;
  }
  return { node: start.node, run: start.run, members: start.members.map(String), seed: params.seed };
}

function collectStreams(records: Record<string, unknown>[], start: StartRecord, problems: string[]): Streams {
  const streams: Streams = { sentAt: new Map(start.members.map((id) => [id, new Map()])), fin: new Map() };
  const forged = new Set<MemberId>();
  for (const record of records) {
    if (record.ev !== 'send' && record.ev !== 'recv') continue;
    const frame = record.frame as FrameRecord | undefined;
    if (!frame || frame.run !== start.run || !streams.sentAt.has(frame.from)) continue;
    if (frame.kind === 'data') noteData(streams, start, record.frame as FrameRecord & { value: number; sentAt: number }, forged, problems);
    if (frame.kind === 'fin') noteFin(streams, frame, problems);
  }
  return streams;
}

function noteData(streams: Streams, start: StartRecord, frame: FrameRecord & { value: number; sentAt: number }, forged: Set<MemberId>, problems: string[]): void {
  if (frame.value !== value(start.seed, frame.from, frame.seq) && !forged.has(frame.from)) {
    forged.add(frame.from);
    problems.push(`DATA ${frame.seq} from ${frame.from} carries ${frame.value}, not value(seed, ${frame.from}, ${frame.seq}) = ${value(start.seed, frame.from, frame.seq)}`);
  }
  const stream = streams.sentAt.get(frame.from)!;
  const known = stream.get(frame.seq);
  if (known !== undefined && known !== frame.sentAt) problems.push(`DATA ${frame.seq} from ${frame.from} was seen with two sentAt: ${known} and ${frame.sentAt}`);
  if (known === undefined) stream.set(frame.seq, frame.sentAt);
}

function noteFin(streams: Streams, frame: FrameRecord, problems: string[]): void {
  const known = streams.fin.get(frame.from);
  if (known !== undefined && known !== frame.seq) problems.push(`${frame.from} sent two FINs: ${known} and ${frame.seq}`);
  if (known === undefined) streams.fin.set(frame.from, frame.seq);
}

/** Every member's FIN, every DATA before it, and no DATA at or after it; sentAt rising with seq. */
function checkComplete(streams: Streams, start: StartRecord, problems: string[]): boolean {
  let complete = true;
  for (const member of start.members) {
    const fin = streams.fin.get(member);
    const stream = streams.sentAt.get(member)!;
    if (fin === undefined) {
      problems.push(`${start.node}'s trace has no FIN from ${member}`);
      complete = false;
      continue;
    }
    const missing = Array.from({ length: fin - 1 }, (_, i) => i + 1).filter((seq) => !stream.has(seq));
    if (missing.length > 0) {
      problems.push(`${start.node}'s trace lacks DATA ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ' …' : ''} from ${member} (FIN ${fin})`);
      complete = false;
    }
    if ([...stream.keys()].some((seq) => seq >= fin)) problems.push(`${member} sent DATA at or after its FIN ${fin}`);
    for (let seq = 2; seq < fin; seq += 1) {
      if ((stream.get(seq) ?? Infinity) <= (stream.get(seq - 1) ?? -Infinity)) {
        problems.push(`${member}'s sentAt does not rise from DATA ${seq - 1} to ${seq}`);
        break;
      }
    }
  }
  return complete;
}

function recompute(streams: Streams, start: StartRecord): { count: number; checksum: string } {
  const messages: { from: MemberId; seq: number; sentAt: number }[] = [];
  for (const [from, stream] of streams.sentAt) {
    const fin = streams.fin.get(from)!;
    for (const [seq, sentAt] of stream) if (seq < fin) messages.push({ from, seq, sentAt });
  }
  messages.sort((a, b) => a.sentAt - b.sentAt || compareIds(a.from, b.from) || a.seq - b.seq);
  let sum = 0n;
  messages.forEach((message, index) => (sum += BigInt(index + 1) * BigInt(value(start.seed, message.from, message.seq))));
  return { count: messages.length, checksum: formatFixed(sum) };
}
