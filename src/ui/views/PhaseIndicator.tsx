// The run's phase with a countdown to the end of the phase (rendered ten times a second at most).

import { useEffect, useState } from 'react';
import type { Phase } from '../../core';
import { formatSeconds } from '../format';
import { leastAdvancedPhase } from '../phase';
import { useStore } from '../store';

export function PhaseIndicator() {
  const livePhase = useStore((s) => s.phase);
  const endsAt = useStore((s) => s.phaseEndsAt);
  const mode = useStore((s) => s.mode);
  const replayPhase = useStore((s) => replayPhaseOf(s.view.snapshots));
  const phase = mode === 'replay' ? replayPhase : livePhase;
  const remaining = useCountdown(mode === 'live' && livePhase !== 'done' ? endsAt : null);
  return (
    <div className="top-item phase-item">
      <span className="label">{mode === 'replay' ? 'Replayed phase' : 'Phase'}</span>
      <span className={`phase phase-${phase}`} data-testid="phase">
        {phase}
        {remaining !== null && <span className="countdown"> · {formatSeconds(remaining)} left</span>}
      </span>
    </div>
  );
}

/** Milliseconds until `endsAt` (microsecond clock), refreshed every 100 ms; null without a deadline. */
function useCountdown(endsAt: number | null): number | null {
  const [now, setNow] = useState(() => performance.timeOrigin + performance.now());
  useEffect(() => {
    if (endsAt === null) return undefined;
    const timer = setInterval(() => setNow(performance.timeOrigin + performance.now()), 100);
    return () => clearInterval(timer);
  }, [endsAt]);
  return endsAt === null ? null : Math.max(0, endsAt / 1000 - now);
}

/** In a replay, the least advanced phase among the rebuilt nodes at the playhead. */
function replayPhaseOf(snapshots: Record<string, { phase: Phase } | null>): Phase {
  const phases = Object.values(snapshots).flatMap((s) => (s ? [s.phase] : []));
  return leastAdvancedPhase(phases, 'connecting');
}
