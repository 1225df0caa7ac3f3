// A trace on the timeline: every recording node rebuilt by the reducer, frames in flight matched
// from their send and receive records, and what the replay says about the recorded results.

import { compareIds, formatFixed, isProtocolFrame, type MemberId, type ProtocolFrame, type RunParams } from '../../core';
import type { NodeSnapshot } from '../../runtime/snapshot';
import type { TraceRecord } from '../../runtime/trace';
import { resultLine } from '../../runtime/agreement';
import type { LoggedCommit } from '../live/commit-log';
import type { MemberResult, ThroughputSeries } from '../store';
import type { CommitRows } from '../views/CommitLogList';
import { COMMIT_ANIMATION_US, type CommitMark, type Flight } from '../timeline/flights';
import { IntervalLog } from '../timeline/interval-log';
import { countAtOrBefore } from '../timeline/search';
import type { Timeline } from '../timeline/timeline';
import { NodeReplay } from './node-replay';
import type { ParsedTrace } from './trace-parser';

/** Used for a frame's flight when the trace tells nothing about its link. */
const FALLBACK_FLIGHT_US = 1000;
const THROUGHPUT_BUCKET_US = 250_000;

export interface ReplaySummary {
  members: MemberId[];
  recorded: MemberId[];
  start: number;
  end: number;
  params: RunParams | null;
  results: Record<MemberId, MemberResult>;
  notes: string[];
  throughput: ThroughputSeries[];
  /** Typical one-way flight (µs), to pick a replay speed at which frames can be followed. */
  typicalFlightUs: number;
}

export class ReplayTimeline implements Timeline {
  readonly summary: ReplaySummary;
  private readonly nodes = new Map<MemberId, NodeReplay>();
  private readonly flightLog = new IntervalLog<Flight>(Infinity);
  private readonly commitLog = new IntervalLog<CommitMark>(Infinity);
  private readonly committedBy = new Map<MemberId, LoggedCommit[]>();

  constructor(trace: ParsedTrace) {
    const records = trace.records;
    for (const [id, own] of groupByNode(records)) {
      if (own.some((r) => r.ev === 'start')) this.nodes.set(id, new NodeReplay(id, own));
    }
    const typicalFlightUs = this.addFlights(records);
    for (const r of records) if (r.ev === 'commit') this.addCommit(r);
    this.summary = this.summarize(records, typicalFlightUs);
  }

  snapshotAt(node: MemberId, time: number): NodeSnapshot | null {
    return this.nodes.get(node)?.snapshotAt(time) ?? null;
  }

  flights(from: number, to: number, limit: number): Flight[] {
    return this.flightLog.overlapping(from, to, limit);
  }

  commits(from: number, to: number, limit: number): CommitMark[] {
    return this.commitLog.overlapping(from, to, limit);
  }

  /** A node's commits up to `time`, newest first, for the commit log. */
  commitRows(node: MemberId, time: number): CommitRows {
    const log = this.committedBy.get(node) ?? [];
    const size = countAtOrBefore(log, time, (entry) => entry.at);
    return { size, row: (offset) => log[size - 1 - offset] ?? null };
  }

  private addCommit(r: Extract<TraceRecord, { ev: 'commit' }>): void {
    this.commitLog.add({ node: r.node, from: r.from, seq: r.seq, start: r.t, end: r.t + COMMIT_ANIMATION_US });
    const log = this.committedBy.get(r.node) ?? [];
    this.committedBy.set(r.node, log);
    log.push({ from: r.from, seq: r.seq, sentAt: r.sentAt, value: r.value, index: log.length + 1, at: r.t });
  }

  /**
   * Every received frame flies from its latest matching send; sends never received fly for the
   * typical flight time (lost ones fade out halfway); receives with no send in the trace (a
   * one-node trace) fly in over the typical flight time. Returns the typical flight.
   */
  private addFlights(records: readonly TraceRecord[]): number {
    const sends = new Map<string, { t: number; matched: boolean; lost: boolean }[]>();
    for (const r of records) {
      if (r.ev !== 'send' && r.ev !== 'drop') continue;
      if (!isProtocolFrame(r.frame)) continue;
      const list = sends.get(flightKey(r.node, r.to, r.frame)) ?? [];
      sends.set(flightKey(r.node, r.to, r.frame), list);
      if (r.ev === 'send') list.push({ t: r.t, matched: false, lost: false });
      else if (list.length > 0) list[list.length - 1].lost = true;
    }
    const received: Flight[] = [];
    const unsent: { record: Extract<TraceRecord, { ev: 'recv' }>; frame: ProtocolFrame }[] = [];
    for (const r of records) {
      if (r.ev !== 'recv' || !isProtocolFrame(r.frame)) continue;
      const send = latestAtOrBefore(sends.get(flightKey(r.from, r.node, r.frame)) ?? [], r.t);
      if (!send) {
        unsent.push({ record: r, frame: r.frame });
        continue;
      }
      send.matched = true;
      received.push(flight(r.from, r.node, r.frame, send.t, r.t, false));
    }
    const typical = typicalFlight(received, records);
    for (const f of received) this.flightLog.add(f);
    for (const { record, frame } of unsent) this.flightLog.add(flight(record.from, record.node, frame, record.t - typical, record.t, false));
    for (const r of records) {
      if (r.ev !== 'send' || !isProtocolFrame(r.frame)) continue;
      const send = (sends.get(flightKey(r.node, r.to, r.frame)) ?? []).find((s) => s.t === r.t && !s.matched);
      if (!send) continue;
      send.matched = true; // one flight per send record, even for equal keys at equal times
      this.flightLog.add(flight(r.node, r.to, r.frame, r.t, r.t + typical, send.lost));
    }
    return typical;
  }

  private summarize(records: readonly TraceRecord[], typicalFlightUs: number): ReplaySummary {
    const members = new Set<MemberId>();
    let params: RunParams | null = null;
    let start = Infinity;
    let end = -Infinity;
    const recordedResults: Record<MemberId, MemberResult> = {};
    for (const r of records) {
      members.add(r.node);
      start = Math.min(start, r.t);
      end = Math.max(end, r.t);
      if (r.ev === 'start') {
        for (const m of r.members) members.add(m);
        params ??= r.params;
      }
      if (r.ev === 'result') recordedResults[r.node] = { count: r.count, checksum: r.checksum, complete: r.complete };
    }
    const { results, notes } = this.checkResults(recordedResults);
    return {
      members: [...members].sort(compareIds),
      recorded: [...this.nodes.keys()].sort(compareIds),
      start,
      end,
      params,
      results,
      notes,
      throughput: throughputOf(records, start),
      typicalFlightUs,
    };
  }

  /** Compares each rebuilt node's final result with the one it recorded. */
  private checkResults(recorded: Record<MemberId, MemberResult>): { results: Record<MemberId, MemberResult>; notes: string[] } {
    const results: Record<MemberId, MemberResult> = { ...recorded };
    const notes: string[] = [];
    for (const [id, node] of [...this.nodes].sort(([a], [b]) => compareIds(a, b))) {
      const replayed = node.finalResult;
      const line = replayed?.line ?? null;
      const mine = recorded[id];
      if (mine && line === resultLine(mine)) notes.push(`${id}: the replay reproduces the recorded result ${line}.`);
      else if (mine) notes.push(`${id}: the replay ends with ${line ?? 'no result'}, but the trace recorded ${resultLine(mine)}.`);
      else if (replayed) {
        results[id] = { count: replayed.count, checksum: formatFixed(replayed.checksum), complete: replayed.complete };
        notes.push(`${id}: no result recorded; the replay reaches ${line}.`);
      } else notes.push(`${id}: the trace ends before ${id} was done.`);
    }
    return { results, notes };
  }
}

function flightKey(from: MemberId, to: MemberId, frame: ProtocolFrame): string {
  return `${from}>${to}:${frame.kind}:${frame.seq}`;
}

function flight(from: MemberId, to: MemberId, frame: ProtocolFrame, start: number, end: number, lost: boolean): Flight {
  return { from, to, kind: frame.kind, seq: frame.seq, start: Math.min(start, end), end, lost };
}

/** The last send at or before `time` (sends of one key are in time order). */
function latestAtOrBefore<T extends { t: number }>(list: readonly T[], time: number): T | null {
  let found: T | null = null;
  for (const item of list) {
    if (item.t > time) break;
    found = item;
  }
  return found;
}

function groupByNode(records: readonly TraceRecord[]): Map<MemberId, TraceRecord[]> {
  const groups = new Map<MemberId, TraceRecord[]>();
  for (const r of records) {
    const list = groups.get(r.node) ?? [];
    groups.set(r.node, list);
    list.push(r);
  }
  return groups;
}

/**
 * The median flight of matched frames; without any (a one-node trace), half the median time
 * from a DATA's first send to the ack that covers it.
 */
function typicalFlight(matched: readonly Flight[], records: readonly TraceRecord[]): number {
  if (matched.length > 0) return median(matched.map((f) => f.end - f.start));
  const firstSent = new Map<string, number>();
  const roundTrips: number[] = [];
  for (const r of records) {
    if (r.ev === 'send' && r.frame.kind === 'data') {
      const key = `${r.node}>${r.to}:${r.frame.seq}`;
      if (!firstSent.has(key)) firstSent.set(key, r.t);
    } else if (r.ev === 'recv' && r.frame.kind === 'ack') {
      const key = `${r.node}>${r.from}:${r.frame.seq}`;
      const sent = firstSent.get(key);
      if (sent !== undefined) {
        roundTrips.push(r.t - sent);
        firstSent.delete(key);
      }
    }
  }
  return roundTrips.length > 0 ? Math.max(1, median(roundTrips) / 2) : FALLBACK_FLIGHT_US;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Commits per second per node, in quarter-second buckets. */
function throughputOf(records: readonly TraceRecord[], start: number): ThroughputSeries[] {
  const buckets = new Map<MemberId, number[]>();
  for (const r of records) {
    if (r.ev !== 'commit') continue;
    const list = buckets.get(r.node) ?? [];
    buckets.set(r.node, list);
    const index = Math.floor((r.t - start) / THROUGHPUT_BUCKET_US);
    while (list.length <= index) list.push(0);
    list[index] += 1;
  }
  const perSecond = 1_000_000 / THROUGHPUT_BUCKET_US;
  return [...buckets]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([id, counts]) => ({ id, points: counts.map((n, i) => ({ t: ((i + 1) * THROUGHPUT_BUCKET_US) / 1_000_000, rate: n * perSecond })) }));
}
