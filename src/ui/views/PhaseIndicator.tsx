// The run's phase with a countdown to the end of the phase. The countdown is written straight into
// its element ten times a second (no React render); the phase re-renders when it changes.

import { useEffect, useRef } from 'react';
import type { Phase } from '../../core';
import { formatSeconds } from '../format';
import { usePanelStore } from '../hooks';
import { leastAdvancedPhase } from '../phase';
import { useStore } from '../store';

const COUNTDOWN_EVERY_MS = 100;

export function PhaseIndicator() {
  const livePhase = useStore((s) => s.phase);
  const endsAt = useStore((s) => s.phaseEndsAt);
  const mode = useStore((s) => s.mode);
  const replayPhase = usePanelStore((s) => (s.mode === 'replay' ? replayPhaseOf(s.view.snapshots) : null));
  const phase = mode === 'replay' && replayPhase ? replayPhase : livePhase;
  const deadline = mode === 'live' && livePhase !== 'done' ? endsAt : null;
  const countdown = useCountdown(deadline);
  return (
    <div className="top-item phase-item">
      <span className="label">{mode === 'replay' ? 'Replayed phase' : 'Phase'}</span>
      <span className={`phase phase-${phase}`} data-testid="phase">
        {phase}
        {deadline !== null && <span className="countdown" ref={countdown} />}
      </span>
    </div>
  );
}

/** A ref for the element that shows the time left until `endsAt` (microsecond clock); empty without a deadline. */
function useCountdown(endsAt: number | null): React.RefObject<HTMLSpanElement | null> {
  const element = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const show = (): void => {
      if (!element.current) return;
      const text = endsAt === null ? '' : ` · ${formatSeconds(endsAt / 1000 - (performance.timeOrigin + performance.now()))} left`;
      if (element.current.textContent !== text) element.current.textContent = text;
    };
    show();
    if (endsAt === null) return undefined;
    const timer = setInterval(show, COUNTDOWN_EVERY_MS);
    return () => clearInterval(timer);
  }, [endsAt]);
  return element;
}

/** In a replay, the least advanced phase among the rebuilt nodes at the playhead. */
function replayPhaseOf(snapshots: Record<string, { phase: Phase } | null>): Phase {
  const phases = Object.values(snapshots).flatMap((s) => (s ? [s.phase] : []));
  return leastAdvancedPhase(phases, 'connecting');
}
