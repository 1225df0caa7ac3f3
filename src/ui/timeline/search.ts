// Binary search over time-ordered data, shared by the timelines.

/** How many leading items of `sorted` (non-decreasing by `timeOf`) are at or before `time`. */
export function countAtOrBefore<T>(sorted: readonly T[], time: number, timeOf: (item: T) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (timeOf(sorted[mid]) <= time) low = mid + 1;
    else high = mid;
  }
  return low;
}

export const asTime = (time: number): number => time;
