// What the history knows of one node at one moment: its snapshot and the figures the panels show
// next to it, all taken together, so every number on screen at one playhead agrees.

import { formatFixed, ledgerResult, type MemberId, type NodeState, type TraceRecord } from '../../core';
import { snapshotNode, type NodeSnapshot } from '../../runtime/snapshot';
import type { TrafficCounters } from '../live/feed';

export interface NodeFigures {
  /** When (history µs: the recording node's clock) these figures were taken. */
  at: number;
  snapshot: NodeSnapshot;
  /** Frames and commits counted by the node itself; null when it reports only its snapshot (telemetry). */
  counters: TrafficCounters | null;
  /** Checksum over everything committed so far (10 decimals); null when not reported. */
  runningChecksum: string | null;
  /** When the node's current phase ends at the latest (µs of its clock); null before its start and once done. */
  phaseEndsAt: number | null;
  /** Measured round trips to peers (ms), as far as known. */
  rttMs: Readonly<Record<MemberId, number>>;
}

/** A member's final (count, checksum), as results are passed between nodes. */
export interface MemberResult {
  count: number;
  checksum: string;
  complete: boolean;
}

/** A node's figures from its protocol state (a node rebuilt from records, or a sandbox node), taken at `at`. */
export function figuresOfState(state: NodeState, counters: TrafficCounters, at: number): NodeFigures {
  const rttMs: Record<MemberId, number> = {};
  for (const [peer, us] of state.sender.rttUs) rttMs[peer] = us / 1000;
  return {
    at,
    snapshot: snapshotNode(state),
    counters: { ...counters },
    runningChecksum: state.members.length > 0 ? formatFixed(ledgerResult(state.ledger).checksum) : null,
    phaseEndsAt: state.phase === 'sending' ? state.sendEndsAt : state.phase === 'waiting' ? state.waitEndsAt : null,
    rttMs,
  };
}

/** Counts one of the node's own records into its traffic counters, as a tab's node counts them (docs/TRACE.md). */
export function countRecord(counters: TrafficCounters, record: TraceRecord): void {
  switch (record.ev) {
    case 'send':
      if (record.frame.kind === 'data') counters.dataSent += 1;
      else if (record.frame.kind === 'ack') counters.acksSent += 1;
      else if (record.frame.kind === 'fin') counters.finsSent += 1;
      break;
    case 'recv':
      counters.received += 1;
      break;
    case 'drop':
      counters.dropped += 1;
      break;
    case 'commit':
      counters.commits += 1;
      break;
    default:
      break;
  }
}
