// Real time for the runtime: a microsecond clock (timers are in src/net/timers.ts).

/** Wall-clock microseconds (an integer), from the high-resolution monotonic clock. */
export function microsecondClock(): () => number {
  const origin = performance.timeOrigin;
  return () => Math.floor((origin + performance.now()) * 1000);
}
