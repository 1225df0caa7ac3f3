// A compact, JSON-friendly picture of one node's protocol state (for telemetry, the UI and progress).

import { committedCount, formatFixed, highestSent, type NodeState } from '../core';
import type { BufferSnapshot, NodeSnapshot } from '../signaling';

// The snapshot's types are its wire form, part of the signaling contract (docs/schemas/telemetry-data.json).
export type { BufferSnapshot, NodeSnapshot };

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
