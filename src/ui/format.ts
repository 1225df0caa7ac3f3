// Number and time formatting shared by the views.

import { SCALE_DIGITS } from '../core';

/** A value in [1, 10^10] as the decimal it means: 1983157950 -> "0.1983157950". */
export function formatValue(value: number): string {
  const text = String(value).padStart(SCALE_DIGITS + 1, '0');
  return `${text.slice(0, -SCALE_DIGITS)}.${text.slice(-SCALE_DIGITS)}`;
}

/** A round-trip time: "0.42 ms", "12 ms", "1.3 s". */
export function formatRtt(ms: number): string {
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Seconds with one decimal, for countdowns: 2.4 s. */
export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** One formatter for every count (`toLocaleString` builds a new one per call, which the canvas layers cannot afford per frame). */
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export function formatCount(count: number): string {
  return COUNT_FORMAT.format(count);
}

/** A rate per second, compact: "1.2k/s". */
export function formatRate(perSecond: number): string {
  if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(0)}k/s`;
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k/s`;
  return `${perSecond.toFixed(0)}/s`;
}
