// What the animated views read: node states, packets and commits at any time on a timeline,
// from the live run (LiveTimeline) or from a replayed trace (ReplayTimeline).

import type { MemberId } from '../../core';
import type { NodeSnapshot } from '../../runtime/snapshot';
import type { CommitMark, Flight } from './flights';

export interface Timeline {
  /** The node's state at `time` (timeline µs), or null if it has none yet. */
  snapshotAt(node: MemberId, time: number): NodeSnapshot | null;
  /** Frames in flight at some point of [from, to], sampled down to `limit`. */
  flights(from: number, to: number, limit: number): Flight[];
  /** Commits whose animation overlaps [from, to], sampled down to `limit`. */
  commits(from: number, to: number, limit: number): CommitMark[];
}
