// The animation's clock: a point on the timeline that moves at a chosen speed, can pause and
// seek, and never passes the timeline's latest point (the live edge, or a trace's end).
// Views are pure functions of the playhead, so pause, slow motion and replay come free.

/** A playhead this close (in real time) to the latest point has reached it: clock reads differ a little. */
const SNAP_REAL_MS = 20;

export interface PlayheadBounds {
  earliest(): number;
  latest(): number;
}

export class Playhead {
  private anchorTime: number;
  private anchorReal: number;
  private speed = 1;
  private isPaused = false;
  /** Reached the latest point while playing: stays on it as it moves (the live edge). */
  private following = false;

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

  /** The playhead now (timeline µs); once it reaches the latest point it stays on it. */
  time(nowReal: number = performance.now()): number {
    const latest = this.bounds.latest();
    if (this.following && !this.isPaused) {
      this.anchor(latest, nowReal);
      return latest;
    }
    const raw = this.isPaused ? this.anchorTime : this.anchorTime + (nowReal - this.anchorReal) * 1000 * this.speed;
    if (raw >= latest - (this.isPaused ? 0 : SNAP_REAL_MS * 1000 * this.speed)) {
      // The latest point can step back (the live edge trails by a flight time, which changes):
      // a slower speed stays slower instead of snapping back to following it.
      this.anchor(latest, nowReal);
      this.following = !this.isPaused && this.speed >= 1;
      return latest;
    }
    return Math.max(raw, this.bounds.earliest());
  }

  /** How far the playhead is behind the latest point (µs). */
  behind(nowReal: number = performance.now()): number {
    const time = this.time(nowReal);
    return this.following && !this.isPaused ? 0 : Math.max(0, this.bounds.latest() - time);
  }

  atEnd(nowReal: number = performance.now()): boolean {
    return this.behind(nowReal) <= 0;
  }

  /** A slower speed falls behind the latest point; a speed of 1 or more keeps following it. */
  setScale(scale: number, nowReal: number = performance.now()): void {
    this.anchor(this.time(nowReal), nowReal);
    this.speed = scale;
    if (scale < 1) this.following = false;
  }

  pause(nowReal: number = performance.now()): void {
    this.anchor(this.time(nowReal), nowReal);
    this.isPaused = true;
    this.following = false;
  }

  play(nowReal: number = performance.now()): void {
    this.anchor(this.time(nowReal), nowReal);
    this.isPaused = false;
  }

  seek(time: number, nowReal: number = performance.now()): void {
    this.anchor(Math.min(Math.max(time, this.bounds.earliest()), this.bounds.latest()), nowReal);
    this.following = false;
  }

  /** Jumps to the latest point (the live edge, or the end of a trace); a slower speed falls behind it again. */
  jumpToEnd(nowReal: number = performance.now()): void {
    this.anchor(this.bounds.latest(), nowReal);
    this.following = !this.isPaused && this.speed >= 1;
  }

  private anchor(time: number, nowReal: number): void {
    this.anchorTime = time;
    this.anchorReal = nowReal;
  }
}
