// The inspector's commit log shows the commits of the snapshot it shows, not the live log's newer ones.

import { describe, expect, it } from 'vitest';
import { CommitLog } from '../../src/ui/live/commit-log';
import { rowsUpTo } from '../../src/ui/views/commit-rows';

function logOf(commits: number, capacity: number): CommitLog {
  const log = new CommitLog(capacity);
  for (let i = 1; i <= commits; i += 1) log.add({ from: 'a', seq: i, sentAt: i, value: i, index: i, at: i });
  return log;
}

const indexes = (rows: ReturnType<typeof rowsUpTo>): (number | null)[] => Array.from({ length: rows.size + 1 }, (_, i) => rows.row(i)?.index ?? null);

describe('rowsUpTo', () => {
  it('starts at the count shown, although the log has more', () => {
    const rows = rowsUpTo(logOf(21, 100), 19);
    expect(rows.size).toBe(19);
    expect(rows.row(0)?.index).toBe(19);
    expect(indexes(rows).slice(0, 3)).toEqual([19, 18, 17]);
    expect(rows.row(19)).toBeNull();
  });

  it('shows only what the ring still holds', () => {
    const rows = rowsUpTo(logOf(30, 10), 25);
    expect(indexes(rows)).toEqual([25, 24, 23, 22, 21, null]);
  });

  it('shows nothing when the count shown is older than the ring', () => {
    const rows = rowsUpTo(logOf(30, 10), 15);
    expect(rows.size).toBe(0);
    expect(rows.row(0)).toBeNull();
  });

  it('never shows rows the log does not have', () => {
    const rows = rowsUpTo(logOf(5, 10), 9);
    expect(rows.row(0)?.index).toBe(5);
    expect(rows.size).toBe(5);
  });
});

describe('a commit log the node fed with gaps', () => {
  it('shows no row for a commit number a batch skipped, rather than an older entry of the ring', () => {
    const log = new CommitLog(4);
    for (const index of [1, 2, 3, 4, 5, 8]) log.add({ from: 'a', seq: index, sentAt: index, value: index, index, at: index });
    expect(log.count).toBe(8);
    expect([0, 1, 2, 3].map((offset) => log.newest(offset)?.index ?? null)).toEqual([8, null, null, 5]);
  });
});
