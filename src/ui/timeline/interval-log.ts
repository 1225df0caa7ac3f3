// A time-ordered log of things with a start and an end (packets in flight, commit animations),
// searchable by time window, optionally bounded to its newest entries.

export interface Interval {
  /** Timeline microseconds. */
  start: number;
  end: number;
}

export class IntervalLog<T extends Interval> {
  private items: T[] = [];
  /** Longest interval ever added: how far before a window an overlapping item can start. */
  private longest = 0;

  /** @param capacity entries kept (the oldest go first); Infinity keeps everything. */
  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  /** Adds an item, keeping the log ordered by start (items arrive nearly in order). */
  add(item: T): void {
    let index = this.items.length;
    while (index > 0 && this.items[index - 1].start > item.start) index -= 1;
    if (index === this.items.length) this.items.push(item);
    else this.items.splice(index, 0, item);
    this.longest = Math.max(this.longest, item.end - item.start);
    if (this.items.length > this.capacity * 1.25) this.items.splice(0, this.items.length - this.capacity);
  }

  /** An item's end moved later (a frame's arrival became known): keeps the search window right. */
  extended(item: T): void {
    this.longest = Math.max(this.longest, item.end - item.start);
  }

  clear(): void {
    this.items = [];
    this.longest = 0;
  }

  /**
   * Items overlapping [from, to]. Beyond `limit` they are sampled evenly (a view draws at most a
   * few hundred; counters elsewhere stay exact).
   */
  overlapping(from: number, to: number, limit: number): T[] {
    const found: T[] = [];
    for (let i = this.firstStartingAtOrAfter(from - this.longest); i < this.items.length; i += 1) {
      const item = this.items[i];
      if (item.start > to) break;
      if (item.end >= from) found.push(item);
    }
    return found.length <= limit ? found : sampleEvenly(found, limit);
  }

  private firstStartingAtOrAfter(time: number): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.items[mid].start < time) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

function sampleEvenly<T>(items: readonly T[], limit: number): T[] {
  const step = items.length / limit;
  const sample: T[] = [];
  for (let i = 0; i < limit; i += 1) sample.push(items[Math.floor(i * step)]);
  return sample;
}
