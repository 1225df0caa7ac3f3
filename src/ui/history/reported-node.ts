// A node whose protocol runs elsewhere (this tab's node in its worker, or a peer that publishes
// telemetry): the figures it reports are its checkpoints. Nothing is re-run here, which keeps the
// page's main thread free for drawing (issue 8); between two reports the node is shown as it was at
// the earlier one. Bounded: the newest reports and commits only.

import type { MemberId } from '../../core';
import { CommitLog, type LoggedCommit } from '../live/commit-log';
import { rowsUpTo, type CommitRows } from '../views/commit-rows';
import { asTime, countAtOrBefore } from '../timeline/search';
import type { NodeFigures } from './figures';

/** Reports kept per node: about 100 s of a tab's feed (60 a second), 25 minutes of telemetry. */
const REPORTS_KEPT = 6000;
/** Commits kept for the commit log. */
const COMMITS_KEPT = 10_000;

export class ReportedNode {
  private times: number[] = [];
  private reports: NodeFigures[] = [];
  private readonly log = new CommitLog(COMMITS_KEPT);

  constructor(readonly id: MemberId) {}

  /** Adds the figures the node reported (times are kept non-decreasing). */
  report(figures: NodeFigures): void {
    const last = this.times.length > 0 ? this.times[this.times.length - 1] : -Infinity;
    this.times.push(Math.max(figures.at, last));
    this.reports.push(figures);
    if (this.times.length > REPORTS_KEPT * 1.25) {
      const excess = this.times.length - REPORTS_KEPT;
      this.times.splice(0, excess);
      this.reports.splice(0, excess);
    }
  }

  /** Commits the node reported, numbered in its commit order (a report may skip numbers). */
  addCommits(entries: readonly LoggedCommit[]): void {
    for (const entry of entries) this.log.add(entry);
  }

  /** Forgets the commits kept (a sandbox sends a node's newest ones again when it is picked). */
  clearCommits(): void {
    this.log.clear();
  }

  /** Whether the node reported any commits (telemetry carries counts only). */
  get keepsLog(): boolean {
    return this.log.count > 0;
  }

  /** The last report at or before `time`, or null before the first one kept. */
  figuresAt(time: number): NodeFigures | null {
    const count = countAtOrBefore(this.times, time, asTime);
    return count === 0 ? null : this.reports[count - 1];
  }

  latest(): NodeFigures | null {
    return this.reports.length > 0 ? this.reports[this.reports.length - 1] : null;
  }

  /** Its commit count at `time`; null before the first report kept. */
  countAt(time: number): number | null {
    return this.figuresAt(time)?.snapshot.count ?? null;
  }

  /** Its commits 1..count, newest first, as far as the log still holds them. */
  commitRows(count: number): CommitRows {
    return rowsUpTo(this.log, count);
  }
}
