// Validation of the node snapshots other members publish: telemetry comes from the network.

import { isMemberId } from '../../core';
import type { BufferSnapshot, NodeSnapshot } from '../../runtime/snapshot';

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
    (value.result === null || isResult(value.result))
  );
}

function isBufferSnapshot(value: unknown): value is BufferSnapshot {
  return (
    isObject(value) && isMemberId(value.from) && isCount(value.contiguous) && isCount(value.committed) &&
    Array.isArray(value.buffered) && value.buffered.length <= 4096 && value.buffered.every(isCount) &&
    typeof value.finished === 'boolean'
  );
}

function isResult(value: unknown): boolean {
  return isObject(value) && isCount(value.count) && typeof value.checksum === 'string' && /^\d{1,40}\.\d{10}$/.test(value.checksum) && typeof value.complete === 'boolean';
}
