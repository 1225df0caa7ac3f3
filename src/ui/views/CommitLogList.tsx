// A node's committed messages, newest first, virtualised: the box has a fixed height, at most
// MAX_SHOWN rows can be scrolled to, and only the rows in view are rendered, keyed by their commit
// index. Rows never move when commits arrive: each row sits at a fixed place on a track, and the
// track (one element) is shifted down by a row per new commit.

import { useLayoutEffect, useRef, useState } from 'react';
import type { ColorOf } from '../colors';
import { formatValue } from '../format';
import type { LoggedCommit } from '../live/commit-log';
import type { CommitRows } from './commit-rows';

export type { CommitRows } from './commit-rows';

/** The newest rows the list lets one scroll through (its content is at most this many rows high). */
export const MAX_SHOWN = 500;
const ROW_HEIGHT = 22;
const VIEW_ROWS = 10;
const OVERSCAN = 4;
/** The track's origin is moved (every row once) when rows would sit this many rows from it. */
const REBASE_AFTER = 50_000;

export function CommitLogList({ rows, colorOf, label }: { rows: CommitRows; colorOf: ColorOf; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const shown = Math.min(rows.size, MAX_SHOWN);
  const newest = rows.row(0)?.index ?? 0;
  const origin = useTrackOrigin(newest);
  useStayOnRowsRead(box, newest, scrollTop, setScrollTop);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(shown, first + VIEW_ROWS + 2 * OVERSCAN);
  const visible: LoggedCommit[] = [];
  for (let offset = first; offset < last; offset += 1) {
    const entry = rows.row(offset);
    if (entry) visible.push(entry);
  }
  return (
    <div ref={box} className="commit-log" style={{ height: VIEW_ROWS * ROW_HEIGHT }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} role="list" aria-label={label} tabIndex={0}>
      <div className="commit-log-content" style={{ height: shown * ROW_HEIGHT }}>
        <div className="commit-log-track" style={{ transform: `translateY(${(newest - origin) * ROW_HEIGHT}px)` }}>
          {visible.map((entry) => (
            <div key={entry.index} className="commit-row" role="listitem" style={{ top: (origin - entry.index) * ROW_HEIGHT, height: ROW_HEIGHT }}>
              <span className="commit-index">{entry.index}</span>
              <span className="commit-message" style={{ color: colorOf(entry.from) }}>
                {entry.from}#{entry.seq}
              </span>
              <span className="commit-value mono">{formatValue(entry.value)}</span>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

/** The commit index at the track's top: fixed while the log grows, moved when it gets far (or the log restarts). */
function useTrackOrigin(newest: number): number {
  const origin = useRef(newest);
  if (newest < origin.current || newest - origin.current > REBASE_AFTER) origin.current = newest;
  return origin.current;
}

/** While the reader has scrolled down (as the last scroll event said: reading the box's position would force a layout), new rows on top push the box's scroll position along, so the rows read stay in place. */
function useStayOnRowsRead(box: React.RefObject<HTMLDivElement | null>, newest: number, scrollTop: number, setScrollTop: (top: number) => void): void {
  const previous = useRef(newest);
  useLayoutEffect(() => {
    const added = newest - previous.current;
    previous.current = newest;
    const element = box.current;
    if (!element || scrollTop === 0 || added <= 0) return;
    element.scrollTop = scrollTop + added * ROW_HEIGHT;
    setScrollTop(scrollTop + added * ROW_HEIGHT);
  }, [box, newest, scrollTop, setScrollTop]);
}
