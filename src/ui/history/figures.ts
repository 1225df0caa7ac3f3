// What the history knows of one node at one moment: its snapshot and the figures the panels show
// next to it, all taken together, so every number on screen at one playhead agrees.

import type { MemberId } from '../../core';
import type { NodeSnapshot } from '../../runtime/snapshot';
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
