// A node's committed messages, newest first, virtualized: only the rows in view are rendered.

import { useState } from 'react';
import type { ColorOf } from '../colors';
import { formatValue } from '../format';
import type { LoggedCommit } from '../live/commit-log';

export interface CommitRows {
  /** Rows available. */
  size: number;
  /** The `offset`-th newest row. */
  row(offset: number): LoggedCommit | null;
}

const ROW_HEIGHT = 22;
const VIEW_ROWS = 10;
const OVERSCAN = 4;

export function CommitLogList({ rows, colorOf, label }: { rows: CommitRows; colorOf: ColorOf; label: string }) {
  const [scrollTop, setScrollTop] = useState(0);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.size, first + VIEW_ROWS + 2 * OVERSCAN);
  const visible: { offset: number; entry: LoggedCommit }[] = [];
  for (let offset = first; offset < last; offset += 1) {
    const entry = rows.row(offset);
    if (entry) visible.push({ offset, entry });
  }
  return (
    <div className="commit-log" style={{ height: VIEW_ROWS * ROW_HEIGHT }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} role="list" aria-label={label} tabIndex={0}>
      <div style={{ height: rows.size * ROW_HEIGHT, position: 'relative' }}>
        {visible.map(({ offset, entry }) => (
          <div key={entry.index} className="commit-row" role="listitem" style={{ top: offset * ROW_HEIGHT, height: ROW_HEIGHT }}>
            <span className="commit-index">{entry.index}</span>
            <span className="commit-message" style={{ color: colorOf(entry.from) }}>
              {entry.from}#{entry.seq}
            </span>
            <span className="commit-value mono">{formatValue(entry.value)}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
