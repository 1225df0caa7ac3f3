// This node's committed messages for display: the newest entries in a ring of fixed size.

import type { Committed } from '../../core';

export interface LoggedCommit extends Committed {
  /** Position in commit order, from 1. */
  index: number;
  /** This tab's clock (µs) at the commit. */
  at: number;
}

export class CommitLog {
  private readonly entries: (LoggedCommit | undefined)[];
  private total = 0;

  constructor(private readonly capacity: number) {
    this.entries = new Array<LoggedCommit | undefined>(capacity);
  }

  /** Commits ever added (the ring holds the last `capacity`). */
  get count(): number {
    return this.total;
  }

  /** Entries available for display. */
  get size(): number {
    return Math.min(this.total, this.capacity);
  }

  /** Adds the commit numbered `entry.index` (numbers only grow; a batch may skip some). */
  add(entry: LoggedCommit): void {
    this.total = entry.index;
    this.entries[(this.total - 1) % this.capacity] = entry;
  }

  /** The `offset`-th newest entry (0 = the last commit). */
  newest(offset: number): LoggedCommit | null {
    if (offset < 0 || offset >= this.size) return null;
    const entry = this.entries[(this.total - 1 - offset) % this.capacity];
    return entry?.index === this.total - offset ? entry : null; // a skipped number, or a slot not yet reused
  }

  clear(): void {
    this.entries.fill(undefined);
    this.total = 0;
  }
}
