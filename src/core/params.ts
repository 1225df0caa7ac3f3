// Run parameters shared by every node of a run, with their defaults and validation.

import { MAX_SEED } from './value';

export interface RunParams {
  /** Length of the send phase in milliseconds (`--send-for`, seconds on the command line). */
  sendForMs: number;
  /** Length of the wait phase in milliseconds (`--wait-for`). */
  waitForMs: number;
  /** Seed of every value stream (`--with-seed`). */
  seed: number;
  /** Resend period in milliseconds (`--tick-duration`). */
  tickMs: number;
  /** Messages a sender may have in flight; 1 is the original protocol (`--window`). */
  window: number;
}

export const DEFAULT_PARAMS: RunParams = {
  sendForMs: 3000,
  waitForMs: 1000,
  seed: 0,
  tickMs: 100,
  window: 1,
};

export const LIMITS = {
  maxDurationMs: 24 * 3600 * 1000,
  minTickMs: 1,
  maxTickMs: 60_000,
  maxWindow: 1024,
} as const;

/** Checks a params object from any source (flags, network, trace). Returns an error or null. */
export function paramsError(params: unknown): string | null {
  if (typeof params !== 'object' || params === null) return 'params must be an object';
  const p = params as Record<string, unknown>;
  const durationError = (name: string): string | null => {
    const v = p[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > LIMITS.maxDurationMs) {
      return `${name} must be a duration between 0 and ${LIMITS.maxDurationMs} ms`;
    }
    return null;
  };
  const error = durationError('sendForMs') ?? durationError('waitForMs');
  if (error) return error;
  if (!Number.isSafeInteger(p.seed) || (p.seed as number) < 0 || (p.seed as number) > MAX_SEED) {
    return `seed must be an integer between 0 and ${MAX_SEED}`;
  }
  const tick = p.tickMs;
  if (typeof tick !== 'number' || !Number.isFinite(tick) || tick < LIMITS.minTickMs || tick > LIMITS.maxTickMs) {
    return `tickMs must be between ${LIMITS.minTickMs} and ${LIMITS.maxTickMs} ms`;
  }
  if (!Number.isSafeInteger(p.window) || (p.window as number) < 1 || (p.window as number) > LIMITS.maxWindow) {
    return `window must be an integer between 1 and ${LIMITS.maxWindow}`;
  }
  return null;
}

/** Copies only the known fields, so a validated object carries nothing else. */
export function pickParams(p: RunParams): RunParams {
  return { sendForMs: p.sendForMs, waitForMs: p.waitForMs, seed: p.seed, tickMs: p.tickMs, window: p.window };
}
