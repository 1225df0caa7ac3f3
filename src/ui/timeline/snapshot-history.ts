// A node's snapshots over time, so the views can show its state at the animation's playhead.

import type { NodeSnapshot } from '../../runtime/snapshot';
import { asTime, countAtOrBefore } from './search';

export class SnapshotHistory {
  private times: number[] = [];
  private snapshots: NodeSnapshot[] = [];

  constructor(private readonly capacity: number) {}

  /** Adds the snapshot taken at `time` (timeline µs); times are kept non-decreasing. */
  add(time: number, snapshot: NodeSnapshot): void {
    const last = this.times.length > 0 ? this.times[this.times.length - 1] : -Infinity;
    this.times.push(Math.max(time, last));
    this.snapshots.push(snapshot);
    if (this.times.length > this.capacity * 1.25) {
      const excess = this.times.length - this.capacity;
      this.times.splice(0, excess);
      this.snapshots.splice(0, excess);
    }
  }

  /** The last snapshot taken at or before `time`, or null before the first. */
  at(time: number): NodeSnapshot | null {
    const count = countAtOrBefore(this.times, time, asTime);
    return count === 0 ? null : this.snapshots[count - 1];
  }

  clear(): void {
    this.times = [];
    this.snapshots = [];
  }
}
