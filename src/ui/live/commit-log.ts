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

  push(entry: Committed, at: number): void {
    this.total += 1;
    this.entries[(this.total - 1) % this.capacity] = { ...entry, index: this.total, at };
  }

  /** The `offset`-th newest entry (0 = the last commit). */
  newest(offset: number): LoggedCommit | null {
    if (offset < 0 || offset >= this.size) return null;
    return this.entries[(this.total - 1 - offset) % this.capacity] ?? null;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.total = 0;
  }
}
