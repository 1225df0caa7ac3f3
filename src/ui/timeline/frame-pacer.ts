// Decides how often the animation draws. The protocol shares the main thread with the drawing and
// never waits on it, so the drawing yields: at high message rates (where the picture is a sample
// anyway) it draws every second or third display frame, and when frames come late (the thread is
// busy) less often still, until they are on time again. Between drawings no frame is requested
// at all, so the browser produces none.

const FRAME_MS = 1000 / 60;
const MAX_STRIDE = 4;
/** A drawing comes late when the time since the last one exceeds this many strides plus one frame (the wait is rounded up to a display frame). */
const LATE_FACTOR = 1.25;
/** Late frames in a row (net) before drawing less often. */
const LATE_LIMIT = 6;
/** Time on schedule before drawing more often again. */
const RECOVER_MS = 3000;
/** Things recorded per second (frames, commits, snapshots) above which fewer frames are drawn. */
const BUSY_RATES: readonly { perSecond: number; stride: number }[] = [
  { perSecond: 600, stride: 3 },
  { perSecond: 200, stride: 2 },
];

export class FramePacer {
  private lateStride = 1;
  private rateStride = 1;
  private lastDrawMs = -1;
  private late = 0;
  private onTimeSinceMs = 0;
  private activity = 0;
  private activitySinceMs = 0;

  /** Draw every `stride`-th frame. */
  get stride(): number {
    return Math.max(this.lateStride, this.rateStride);
  }

  /** Something new was recorded (counts towards the message rate). */
  noteActivity(nowMs: number): void {
    this.activity += 1;
    const elapsed = nowMs - this.activitySinceMs;
    if (elapsed < 1000) return;
    const perSecond = (this.activity * 1000) / elapsed;
    this.rateStride = BUSY_RATES.find((level) => perSecond > level.perSecond)?.stride ?? 1;
    this.activity = 0;
    this.activitySinceMs = nowMs;
  }

  /** A frame is drawn at `nowMs`; returns how long to wait (ms) before asking for the next one. */
  drawn(nowMs: number): number {
    if (nowMs - this.activitySinceMs > 2000) this.rateStride = 1; // quiet: nothing was recorded lately
    if (this.lastDrawMs >= 0) this.adapt(nowMs - this.lastDrawMs, nowMs);
    this.lastDrawMs = nowMs;
    return (this.stride - 1) * FRAME_MS;
  }

  private adapt(intervalMs: number, nowMs: number): void {
    if (intervalMs > (this.stride + 1) * FRAME_MS * LATE_FACTOR) {
      this.late += 1;
      this.onTimeSinceMs = nowMs;
      if (this.late >= LATE_LIMIT && this.lateStride < MAX_STRIDE) {
        this.lateStride += 1;
        this.late = 0;
      }
    } else {
      this.late = Math.max(0, this.late - 1);
      if (nowMs - this.onTimeSinceMs > RECOVER_MS && this.lateStride > 1) {
        this.lateStride -= 1;
        this.onTimeSinceMs = nowMs;
      }
    }
  }
}
