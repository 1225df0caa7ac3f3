// A compact, JSON-friendly picture of one node's protocol state (for telemetry, the UI and progress).

import { committedCount, formatFixed, highestSent, isMemberId, type MemberId, type NodeState, type Phase } from '../core';

export interface BufferSnapshot {
  from: MemberId;
  /** Highest serial received contiguously. */
  contiguous: number;
  committed: number;
  /** Serials received and not yet committed: the lowest MAX_LISTED_BUFFERED of them. */
  buffered: number[];
  /** How many serials are held in all (more than listed at large windows). */
  bufferedCount?: number;
  finished: boolean;
}

export interface NodeSnapshot {
  id: MemberId;
  phase: Phase;
  count: number;
  /** Highest serial this node has sent (its current message, or its FIN). */
  seq: number;
  fin: boolean;
  /** Members (self included) that acked the current message / FIN. */
  acked: MemberId[];
  buffers: BufferSnapshot[];
  /** The final result once done. */
  result: { count: number; checksum: string; complete: boolean } | null;
  /** Measured round trips to peers in milliseconds (published in telemetry; absent when unknown). */
  rttMs?: Record<MemberId, number>;
}

/**
 * A snapshot lists at most this many buffered serials per sender: at W = 1024 a buffer holds up to
 * 2048, and telemetry must fit the server's 8,704-byte frame whatever the window (32 members).
 */
export const MAX_LISTED_BUFFERED = 16;

export function snapshotNode(state: NodeState): NodeSnapshot {
  const seq = highestSent(state);
  const acked = state.members.filter((m) => (state.sender.ackedUpTo.get(m) ?? 0) >= seq && seq > 0);
  const buffers = state.members.map((from): BufferSnapshot => {
    const buffer = state.receivers.get(from)!;
    const held = [...buffer.buffer.keys()].sort((a, b) => a - b);
    return {
      from,
      contiguous: buffer.contiguous,
      committed: buffer.committed,
      buffered: held.length > MAX_LISTED_BUFFERED ? held.slice(0, MAX_LISTED_BUFFERED) : held,
      bufferedCount: held.length,
      finished: buffer.finished,
    };
  });
  const result = state.result ? { count: state.result.count, checksum: formatFixed(state.result.checksum), complete: state.result.complete } : null;
  return { id: state.self, phase: state.phase, count: committedCount(state), seq, fin: state.sender.finSeq !== null, acked, buffers, result };
}

// ---- validation of snapshots other nodes publish (telemetry comes from the network) ----

const PHASES = new Set(['connecting', 'sending', 'waiting', 'done']);
const MAX_MEMBERS = 64;

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a telemetry payload is a well-formed snapshot of node `from`. */
export function isNodeSnapshotOf(value: unknown, from: string): value is NodeSnapshot {
  if (!isObject(value) || value.id !== from) return false;
  return (
    typeof value.phase === 'string' && PHASES.has(value.phase) &&
    isCount(value.count) && isCount(value.seq) && typeof value.fin === 'boolean' &&
    Array.isArray(value.acked) && value.acked.length <= MAX_MEMBERS && value.acked.every(isMemberId) &&
    Array.isArray(value.buffers) && value.buffers.length <= MAX_MEMBERS && value.buffers.every(isBufferSnapshot) &&
    (value.result === null || isResult(value.result)) &&
    (value.rttMs === undefined || isRttTable(value.rttMs))
  );
}

function isRttTable(value: unknown): boolean {
  if (!isObject(value)) return false;
  const entries = Object.entries(value);
  return entries.length <= MAX_MEMBERS && entries.every(([peer, ms]) => isMemberId(peer) && typeof ms === 'number' && ms >= 0 && ms < 60_000);
}

function isBufferSnapshot(value: unknown): value is BufferSnapshot {
  return (
    isObject(value) && isMemberId(value.from) && isCount(value.contiguous) && isCount(value.committed) &&
    Array.isArray(value.buffered) && value.buffered.length <= 4096 && value.buffered.every(isCount) &&
    (value.bufferedCount === undefined || (isCount(value.bufferedCount) && value.bufferedCount >= value.buffered.length)) &&
    typeof value.finished === 'boolean'
  );
}

function isResult(value: unknown): boolean {
  return isObject(value) && isCount(value.count) && typeof value.checksum === 'string' && /^\d{1,40}\.\d{10}$/.test(value.checksum) && typeof value.complete === 'boolean';
}
