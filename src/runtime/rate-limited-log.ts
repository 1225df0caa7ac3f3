// Logs repeated problems (rejected frames from a hostile peer, say) at most once per interval and
// key, with a count of what was held back, so a flood cannot flood the log.

export class RateLimitedLog {
  private readonly keys = new Map<string, { lastMs: number; held: number }>();

  constructor(
    private readonly write: (message: string) => void,
    private readonly intervalMs = 1000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Writes `message` unless one with the same key was written within the interval (then counts it). */
  note(key: string, message: string): void {
    const now = this.nowMs();
    const entry = this.keys.get(key);
    if (entry && now - entry.lastMs < this.intervalMs) {
      entry.held += 1;
      return;
    }
    const held = entry?.held ?? 0;
    this.write(held > 0 ? `${message} (and ${held} more like it since the last report)` : message);
    this.keys.set(key, { lastMs: now, held: 0 });
  }
}
