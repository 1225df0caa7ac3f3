// What a run has shown so far, folded from its trace records: the facts guided scenarios wait for
// and narrate (commits, resends, drops, FINs, phases, results, crashes). Pure: records in, counts out.

import type { MemberId, Phase } from '../core';
import type { TraceRecord } from '../runtime/trace';

/** Something that can happen in a run, optionally narrowed to a node, a peer, a frame kind or a serial. */
export type WatchEvent =
  /** `node` committed a message (of sender `from`, serial `seq`). */
  | { type: 'commit'; node?: MemberId; from?: MemberId; seq?: number }
  /** `node` sent a new DATA (serial `seq`) or a FIN for the first time to a peer. */
  | { type: 'send'; node?: MemberId; kind?: 'data' | 'fin'; seq?: number }
  /** `node` sent a DATA or FIN again to a peer that had it already (a resend on a tick). */
  | { type: 'resend'; node?: MemberId; to?: MemberId; kind?: 'data' | 'fin' }
  /** The network lost a message `node` sent (a frame of `kind`, for `reason`). */
  | { type: 'drop'; node?: MemberId; to?: MemberId; kind?: 'data' | 'ack' | 'fin'; reason?: string }
  | { type: 'phase'; node?: MemberId; phase: Phase }
  | { type: 'result'; node?: MemberId }
  | { type: 'crash'; node?: MemberId }
  | { type: 'restart'; node?: MemberId };

/** Running facts about one run; `observe` updates it in place (it only grows). */
export interface RunWatch {
  /** Highest record time seen (node clocks, µs). */
  lastAt: number;
  commits: Record<MemberId, number>;
  phases: Record<MemberId, Phase>;
  results: Record<MemberId, { count: number; checksum: string; complete: boolean }>;
  crashed: Record<MemberId, boolean>;
  /** Per directed link "from>to": the highest DATA or FIN serial sent on it, to tell resends from new sends. */
  highestSent: Record<string, number>;
  totals: { sends: number; resends: number; drops: number; commits: number };
}

export function createWatch(): RunWatch {
  return { lastAt: 0, commits: {}, phases: {}, results: {}, crashed: {}, highestSent: {}, totals: { sends: 0, resends: 0, drops: 0, commits: 0 } };
}

/**
 * Folds one record into the watch and returns the events it shows (most records show none or one).
 * Call it for every record, in order.
 */
export function observe(watch: RunWatch, record: TraceRecord): WatchEvent[] {
  watch.lastAt = Math.max(watch.lastAt, record.t);
  const node = record.node;
  switch (record.ev) {
    case 'commit':
      watch.commits[node] = (watch.commits[node] ?? 0) + 1;
      watch.totals.commits += 1;
      return [{ type: 'commit', node, from: record.from, seq: record.seq }];
    case 'send':
      return observeSend(watch, node, record.to, record.frame.kind, 'seq' in record.frame ? record.frame.seq : 0);
    case 'drop':
      watch.totals.drops += 1;
      return isCountedKind(record.frame.kind) ? [{ type: 'drop', node, to: record.to, kind: record.frame.kind, reason: record.reason }] : [];
    case 'phase':
      watch.phases[node] = record.phase;
      return [{ type: 'phase', node, phase: record.phase }];
    case 'result':
      watch.results[node] = { count: record.count, checksum: record.checksum, complete: record.complete };
      return [{ type: 'result', node }];
    case 'crash':
      watch.crashed[node] = true;
      return [{ type: 'crash', node }];
    case 'restart':
      watch.crashed[node] = false;
      return [{ type: 'restart', node }];
    default:
      return [];
  }
}

function observeSend(watch: RunWatch, node: MemberId, to: MemberId, kind: string, seq: number): WatchEvent[] {
  if (kind !== 'data' && kind !== 'fin') return [];
  const key = `${node}>${to}`;
  const highest = watch.highestSent[key] ?? 0;
  if (seq <= highest) {
    watch.totals.resends += 1;
    return [{ type: 'resend', node, to, kind }];
  }
  watch.highestSent[key] = seq;
  watch.totals.sends += 1;
  return [{ type: 'send', node, kind, seq }];
}

function isCountedKind(kind: string): kind is 'data' | 'ack' | 'fin' {
  return kind === 'data' || kind === 'ack' || kind === 'fin';
}

/** Whether an event that happened matches a wanted one: every field the wanted event names is equal. */
export function eventMatches(wanted: WatchEvent, happened: WatchEvent): boolean {
  if (wanted.type !== happened.type) return false;
  for (const [key, value] of Object.entries(wanted)) {
    if (value !== undefined && (happened as Record<string, unknown>)[key] !== value) return false;
  }
  return true;
}

/** Nodes whose latest record says they are done or crashed: when all are, nothing will move any more. */
export function everyNodeSettled(watch: RunWatch, members: readonly MemberId[]): boolean {
  return members.every((m) => watch.crashed[m] || watch.phases[m] === 'done');
}
