// A compact, JSON-friendly picture of one node's protocol state (for telemetry, the UI and progress).

import { committedCount, formatFixed, highestSent, type MemberId, type NodeState, type Phase } from '../core';

export interface BufferSnapshot {
  from: MemberId;
  /** Highest serial received contiguously. */
  contiguous: number;
  committed: number;
  /** Serials received and not yet committed. */
  buffered: number[];
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
}

export function snapshotNode(state: NodeState): NodeSnapshot {
  const seq = highestSent(state);
  const acked = state.members.filter((m) => (state.sender.ackedUpTo.get(m) ?? 0) >= seq && seq > 0);
  const buffers = state.members.map((from): BufferSnapshot => {
    const buffer = state.receivers.get(from)!;
    return {
      from,
      contiguous: buffer.contiguous,
      committed: buffer.committed,
      buffered: [...buffer.buffer.keys()].sort((a, b) => a - b),
      finished: buffer.finished,
    };
  });
  const result = state.result ? { count: state.result.count, checksum: formatFixed(state.result.checksum), complete: state.result.complete } : null;
  return { id: state.self, phase: state.phase, count: committedCount(state), seq, fin: state.sender.finSeq !== null, acked, buffers, result };
}
