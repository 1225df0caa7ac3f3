// One shared, throttled tick for the React panels: however often the source changes, its listeners
// run at most once per period, all in the same task (so React renders them in one commit). A change
// after a quiet period is delivered at once; a burst is delivered at the end of the period. Before
// the listeners run, `beforeTick` may freeze what they all read (one scene for every panel).

/** React panels re-render with new data at most this often (the canvases draw every frame). */
export const PANEL_REFRESH_MS = 250;

export type Unsubscribe = () => void;

export class PanelClock {
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastTickMs = -Infinity;
  private unsubscribeSource: Unsubscribe | null = null;

  /**
   * @param periodMs least time between two ticks
   * @param subscribe listens to the source of changes (called while the clock has listeners)
   * @param beforeTick runs once per tick, before the listeners
   */
  constructor(
    private readonly periodMs: number,
    private readonly subscribe: (onChange: () => void) => Unsubscribe,
    private readonly now: () => number = () => performance.now(),
    private readonly beforeTick: () => void = () => undefined,
  ) {}

  /** Adds a listener (run on each tick); returns its removal. */
  add(listener: () => void): Unsubscribe {
    this.listeners.add(listener);
    this.unsubscribeSource ??= this.subscribe(this.changed);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size > 0) return;
      this.unsubscribeSource?.();
      this.unsubscribeSource = null;
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
    };
  }

  private readonly changed = (): void => {
    if (this.timer !== null) return;
    const waitMs = Math.max(0, this.lastTickMs + this.periodMs - this.now());
    this.timer = setTimeout(this.tick, waitMs);
  };

  private readonly tick = (): void => {
    this.timer = null;
    this.lastTickMs = this.now();
    this.beforeTick();
    for (const listener of [...this.listeners]) listener();
  };
}
