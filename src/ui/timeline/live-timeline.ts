// The live run on a timeline: snapshots of every node, this tab's frames in flight and its commits,
// recorded as the node reports them (bounded; sampled by the node) and read at the animation's playhead.

import type { MemberId } from '../../core';
import type { NodeSnapshot } from '../../runtime/snapshot';
import type { CommitMark, Flight } from './flights';
import { IntervalLog } from './interval-log';
import { SnapshotHistory } from './snapshot-history';
import type { Timeline } from './timeline';

const FLIGHT_CAPACITY = 6000;
const COMMIT_CAPACITY = 3000;
const SNAPSHOTS_PER_NODE = 6000;

export class LiveTimeline implements Timeline {
  private readonly histories = new Map<MemberId, SnapshotHistory>();
  private readonly flightLog = new IntervalLog<Flight>(FLIGHT_CAPACITY);
  private readonly commitLog = new IntervalLog<CommitMark>(COMMIT_CAPACITY);
  /** Called when something new is recorded (the animation wakes up). */
  onActivity: () => void = () => undefined;

  snapshotAt(node: MemberId, time: number): NodeSnapshot | null {
    return this.histories.get(node)?.at(time) ?? null;
  }

  flights(from: number, to: number, limit: number): Flight[] {
    return this.flightLog.overlapping(from, to, limit);
  }

  commits(from: number, to: number, limit: number): CommitMark[] {
    return this.commitLog.overlapping(from, to, limit);
  }

  recordSnapshot(node: MemberId, time: number, snapshot: NodeSnapshot): void {
    let history = this.histories.get(node);
    if (!history) {
      history = new SnapshotHistory(SNAPSHOTS_PER_NODE);
      this.histories.set(node, history);
    }
    history.add(time, snapshot);
    this.onActivity();
  }

  /** A frame in flight, as the node sampled it. */
  addFlight(flight: Flight): void {
    this.flightLog.add(flight);
    this.onActivity();
  }

  /** A commit, as the node sampled it. */
  addCommit(mark: CommitMark): void {
    this.commitLog.add(mark);
    this.onActivity();
  }

  /** Forgets the previous run's history. */
  reset(): void {
    this.histories.clear();
    this.flightLog.clear();
    this.commitLog.clear();
  }
}
