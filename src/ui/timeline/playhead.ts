// The animation's clock: a point on the timeline that moves at a chosen speed, can pause and
// seek, and never passes the timeline's latest point (the live edge, or a trace's end).
// Views are pure functions of the playhead, so pause, slow motion and replay come free.

export interface PlayheadBounds {
  earliest(): number;
  latest(): number;
}

export class Playhead {
  private anchorTime: number;
  private anchorReal: number;
  private speed = 1;
  private isPaused = false;

  constructor(
    private readonly bounds: PlayheadBounds,
    startTime: number,
    nowReal: number = performance.now(),
  ) {
    this.anchorTime = startTime;
    this.anchorReal = nowReal;
  }

  get scale(): number {
    return this.speed;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** The playhead now (timeline µs); it stops at the latest point and stays there. */
  time(nowReal: number = performance.now()): number {
    const raw = this.isPaused ? this.anchorTime : this.anchorTime + (nowReal - this.anchorReal) * 1000 * this.speed;
    const latest = this.bounds.latest();
    if (raw >= latest) {
      this.anchor(latest, nowReal);
      return latest;
    }
    return Math.max(raw, this.bounds.earliest());
  }

  /** How far the playhead is behind the latest point (µs). */
  behind(nowReal: number = performance.now()): number {
    return Math.max(0, this.bounds.latest() - this.time(nowReal));
  }

  atEnd(nowReal: number = performance.now()): boolean {
    return this.behind(nowReal) <= 0;
  }

  setScale(scale: number, nowReal: number = performance.now()): void {
    this.anchor(this.time(nowReal), nowReal);
    this.speed = scale;
  }

  pause(nowReal: number = performance.now()): void {
    this.anchor(this.time(nowReal), nowReal);
    this.isPaused = true;
  }

  play(nowReal: number = performance.now()): void {
    this.anchor(this.time(nowReal), nowReal);
    this.isPaused = false;
  }

  seek(time: number, nowReal: number = performance.now()): void {
    this.anchor(Math.min(Math.max(time, this.bounds.earliest()), this.bounds.latest()), nowReal);
  }

  /** Jumps to the latest point: the live edge, or the end of a trace. */
  jumpToEnd(nowReal: number = performance.now()): void {
    this.seek(this.bounds.latest(), nowReal);
  }

  private anchor(time: number, nowReal: number): void {
    this.anchorTime = time;
    this.anchorReal = nowReal;
  }
}
