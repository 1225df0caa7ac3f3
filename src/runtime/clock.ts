// Real time for the runtime: a microsecond clock and timers that can be swapped (tests, hidden tabs).

export interface Timers {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export const systemTimers: Timers = {
  set: (callback, delayMs) => setTimeout(callback, delayMs),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Wall-clock microseconds (an integer), from the high-resolution monotonic clock. */
export function microsecondClock(): () => number {
  const origin = performance.timeOrigin;
  return () => Math.floor((origin + performance.now()) * 1000);
}
