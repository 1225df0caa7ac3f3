// The rows a commit log shows, newest first: the live log's, cut at the count of the snapshot the
// panel shows (the log itself runs ahead of the animation).

import type { CommitLog, LoggedCommit } from '../live/commit-log';

export interface CommitRows {
  /** Rows available. */
  size: number;
  /** The `offset`-th newest row. */
  row(offset: number): LoggedCommit | null;
}

/** The live log's rows up to commit `count`; rows older than the log's ring are gone. */
export function rowsUpTo(log: CommitLog, count: number): CommitRows {
  const newest = Math.max(0, Math.min(count, log.count));
  const skipped = log.count - newest;
  return { size: Math.max(0, log.size - skipped), row: (offset) => (offset < 0 ? null : log.newest(skipped + offset)) };
}
