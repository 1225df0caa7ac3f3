// Phases in the order a run goes through them.

import type { Phase } from '../core';

export const PHASE_ORDER: readonly Phase[] = ['connecting', 'sending', 'waiting', 'done'];

/** The least advanced of `phases` (what a group of nodes has reached together); `fallback` for none. */
export function leastAdvancedPhase(phases: readonly Phase[], fallback: Phase): Phase {
  if (phases.length === 0) return fallback;
  return PHASE_ORDER[Math.min(...phases.map((p) => PHASE_ORDER.indexOf(p)))];
}
