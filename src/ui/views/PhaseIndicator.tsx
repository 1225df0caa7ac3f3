// The run's phase at the playhead, with a countdown to the end of the phase while the run is live.
// The countdown is written straight into its element ten times a second (no React render); the
// phase re-renders when it changes.

import { useEffect, useRef } from 'react';
import type { MemberId } from '../../core';
import { phaseEndsAt, phaseOf } from '../history/scene';
import type { PanelView } from '../app-controller';
import { formatSeconds } from '../format';
import { usePanel } from '../hooks';

const COUNTDOWN_EVERY_MS = 100;

export function PhaseIndicator() {
  const phase = usePanel((view) => phaseOf(view.history, view.scene, presentMembers(view)));
  const replayed = usePanel((view) => !view.history.realTime && view.app.mode === 'replay');
  const deadline = usePanel((view) => (view.history.realTime ? phaseEndsAt(view.history, view.scene, phase) : null));
  const countdown = useCountdown(deadline);
  return (
    <div className="top-item phase-item">
      <span className="label">{replayed ? 'Replayed phase' : 'Phase'}</span>
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

/** Live, the members still in the room (one that left does not hold the phase back); a trace's nodes all count. */
function presentMembers(view: PanelView): ReadonlySet<MemberId> | undefined {
  const roster = view.app.roster;
  if (!view.history.realTime || !roster) return undefined;
  return new Set(roster.members.map((m) => m.id));
}
