// A time-ordered log of things with a start and an end (packets in flight, commit animations),
// searchable by time window, optionally bounded to its newest entries. With a sample key it also
// keeps sampled copies (1 item in 2, 4, … 2^SAMPLE_LEVELS by key), so a view of a crowded window
// reads a few thousand items instead of walking every one.

export interface Interval {
  /** Timeline microseconds. */
  start: number;
  end: number;
}

/** Sampled copies kept: 1 in 2 up to 1 in 2^SAMPLE_LEVELS. */
export const SAMPLE_LEVELS = 12;

/** An item's sampling key (a non-negative integer; items sharing one are kept or left out together), or null: always kept. */
export type SampleKey<T> = (item: T) => number | null;

export class IntervalLog<T extends Interval> {
  private items: T[] = [];
  /** levels[j - 1]: the items whose key is a multiple of 2^j, in the same order. */
  private levels: T[][] = [];
  /** Longest interval ever added: how far before a window an overlapping item can start. */
  private longest = 0;

  /**
   * @param capacity entries kept (the oldest go first); Infinity keeps everything.
   * @param sampleKey keeps the sampled copies `overlapping` reads with `every` > 1.
   */
  constructor(
    private readonly capacity: number,
    private readonly sampleKey: SampleKey<T> | null = null,
  ) {
    if (sampleKey) this.levels = Array.from({ length: SAMPLE_LEVELS }, () => []);
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds an item, keeping the log ordered by start (items arrive nearly in order). */
  add(item: T): void {
    insertByStart(this.items, item);
    this.longest = Math.max(this.longest, item.end - item.start);
    if (this.sampleKey) this.addSampled(item, this.sampleKey(item));
    if (this.items.length > this.capacity * 1.25) this.evictOldest();
  }

  /** An item's end moved later (a frame's arrival became known): keeps the search window right. */
  extended(item: T): void {
    this.longest = Math.max(this.longest, item.end - item.start);
  }

  clear(): void {
    this.items = [];
    for (const level of this.levels) level.length = 0;
    this.longest = 0;
  }

  /**
   * Items overlapping [from, to]; with `every` (a power of two, needs a sample key) only those whose
   * key is a multiple of it. Beyond `limit` they are sampled evenly (a view draws at most a few
   * hundred; counters elsewhere stay exact).
   */
  overlapping(from: number, to: number, limit: number, every = 1): T[] {
    const items = this.sampledBy(every);
    const found: T[] = [];
    for (let i = firstStartingAtOrAfter(items, from - this.longest); i < items.length; i += 1) {
      const item = items[i];
      if (item.start > to) break;
      if (item.end >= from) found.push(item);
    }
    return found.length <= limit ? found : sampleEvenly(found, limit);
  }

  /** How many items start in [from, to] (about as many as overlap it), found without walking them. */
  countStarting(from: number, to: number): number {
    return firstStartingAtOrAfter(this.items, to + 1) - firstStartingAtOrAfter(this.items, from);
  }

  private sampledBy(every: number): T[] {
    if (every <= 1 || this.levels.length === 0) return this.items;
    const level = Math.min(SAMPLE_LEVELS, Math.round(Math.log2(every)));
    return this.levels[level - 1];
  }

  /** Into every level whose step divides the key (the levels nest: 1 in 4 are among the 1 in 2). */
  private addSampled(item: T, key: number | null): void {
    for (let j = 1; j <= SAMPLE_LEVELS; j += 1) {
      if (key !== null && key % 2 ** j !== 0) return;
      insertByStart(this.levels[j - 1], item);
    }
  }

  private evictOldest(): void {
    this.items.splice(0, this.items.length - this.capacity);
    const oldest = this.items[0].start;
    for (const level of this.levels) level.splice(0, firstStartingAtOrAfter(level, oldest));
  }
}

function insertByStart<T extends Interval>(items: T[], item: T): void {
  let index = items.length;
  while (index > 0 && items[index - 1].start > item.start) index -= 1;
  if (index === items.length) items.push(item);
  else items.splice(index, 0, item);
}

function firstStartingAtOrAfter<T extends Interval>(items: readonly T[], time: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (items[mid].start < time) low = mid + 1;
    else high = mid;
  }
  return low;
}

function sampleEvenly<T>(items: readonly T[], limit: number): T[] {
  const step = items.length / limit;
  const sample: T[] = [];
  for (let i = 0; i < limit; i += 1) sample.push(items[Math.floor(i * step)]);
  return sample;
}
