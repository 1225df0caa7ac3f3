// Where a command writes: results on stdout, logs on stderr (repeats counted), a live progress line on a terminal.

export interface CommandOutput {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Replaces the progress line (only shown on a TTY); an empty string clears it. */
  progress(line: string): void;
}

export function processOutput(): CommandOutput {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  const clear = (): void => {
    if (shown) process.stderr.write('\r\x1b[2K');
    shown = false;
  };
  return {
    stdout(line) {
      clear();
      process.stdout.write(line + '\n');
    },
    stderr(line) {
      clear();
      process.stderr.write(line + '\n');
    },
    progress(line) {
      if (!tty) return;
      clear();
      if (line) {
        process.stderr.write(line);
        shown = true;
      }
    },
  };
}

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
