// A log for lines a peer can make us repeat without end (rejected frames, say): bounded output.

/**
 * A log for lines that a peer can make us repeat without end (e.g. rejected frames): the first
 * line per key is written at once; the rest are counted and summed up at most once per interval.
 */
export class CountingLog {
  private readonly pending = new Map<string, { count: number; latest: string }>();
  private readonly seen = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly write: (line: string) => void,
    private readonly intervalMs: number,
    private readonly format: {
      /** The line for a key's first report. */
      first(key: string, detail: string): string;
      /** The line for `count` more reports of a key, the latest with `latest` as its detail. */
      more(key: string, count: number, latest: string): string;
    },
  ) {}

  report(key: string, detail: string): void {
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.write(this.format.first(key, detail));
      return;
    }
    const entry = this.pending.get(key) ?? { count: 0, latest: detail };
    entry.count += 1;
    entry.latest = detail;
    this.pending.set(key, entry);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Writes the pending summaries now (at the end of the interval, or before exiting). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [key, { count, latest }] of this.pending) this.write(this.format.more(key, count, latest));
    this.pending.clear();
  }
}

/** Rejected frames beyond the first per peer are summed up this often (ms). */
const REJECTED_FRAMES_INTERVAL_MS = 5000;

/** The log of frames a node rejected, per peer: the first one in full, then counts. */
export function rejectedFramesLog(write: (line: string) => void): CountingLog {
  return new CountingLog(write, REJECTED_FRAMES_INTERVAL_MS, {
    first: (from, reason) => `rejected a frame from ${from}: ${reason}`,
    more: (from, count, latest) => `rejected ${count} more frame${count === 1 ? '' : 's'} from ${from} (latest: ${latest})`,
  });
}
