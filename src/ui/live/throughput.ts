// Commits per second per member, sampled four times a second while a run is on.

import type { MemberId } from '../../core';
import type { ThroughputSeries } from '../store';

const SAMPLE_MS = 250;
/** Rates are averaged over this span: other members' counts arrive with their telemetry, 4 times a second. */
const RATE_SPAN_MS = 1000;
/** Two minutes of points per member. */
const MAX_POINTS = 480;

export class ThroughputMeter {
  private timer: ReturnType<typeof setInterval> | null = null;
  private series = new Map<MemberId, ThroughputSeries>();
  private recent = new Map<MemberId, { time: number; count: number }[]>();
  private startedAtMs = 0;

  /**
   * @param sample commits so far per member, or null once the run is over (sampling stops)
   * @param publish receives the series after each sample
   */
  constructor(
    private readonly sample: () => Map<MemberId, number> | null,
    private readonly publish: (series: ThroughputSeries[]) => void,
  ) {}

  /** Starts a fresh chart for a run that started at `startedAtUs` (microsecond clock). */
  start(startedAtUs: number): void {
    this.stop();
    this.series = new Map();
    this.recent = new Map();
    this.startedAtMs = startedAtUs / 1000;
    this.publish([]);
    this.timer = setInterval(() => this.tick(), SAMPLE_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const counts = this.sample();
    if (!counts) {
      this.stop();
      return;
    }
    const nowMs = performance.timeOrigin + performance.now();
    for (const [id, count] of counts) this.addPoint(id, count, nowMs);
    this.publish([...this.series.values()].map((s) => ({ id: s.id, points: [...s.points] })));
  }

  private addPoint(id: MemberId, count: number, nowMs: number): void {
    const recent = this.recent.get(id) ?? [];
    this.recent.set(id, recent);
    while (recent.length > 1 && recent[1].time <= nowMs - RATE_SPAN_MS) recent.shift();
    const before = recent[0];
    recent.push({ time: nowMs, count });
    if (!before || nowMs <= before.time) return;
    let series = this.series.get(id);
    if (!series) {
      series = { id, points: [] };
      this.series.set(id, series);
    }
    series.points.push({ t: (nowMs - this.startedAtMs) / 1000, rate: (Math.max(0, count - before.count) * 1000) / (nowMs - before.time) });
    if (series.points.length > MAX_POINTS) series.points.shift();
  }
}
