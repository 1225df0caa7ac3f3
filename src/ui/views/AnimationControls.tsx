// Slow motion for the live animation: the protocol runs at full speed, the picture can lag behind
// it (slower, paused) and jump back to live.

import { useController } from '../services';
import { formatCount } from '../format';
import { usePanel } from '../hooks';
import type { TrafficCounters as Counters } from '../live/feed';
import { useStore } from '../store';

const LIVE_SPEEDS = [
  { scale: 1, label: '1×' },
  { scale: 0.25, label: '0.25×' },
  { scale: 0.1, label: '0.1×' },
  { scale: 0.01, label: '0.01×' },
];

export function AnimationControls() {
  const controller = useController();
  const { scale, paused } = useStore((s) => s.animation);
  const behind = usePanel((view) => view.playhead.behind);
  const behindSeconds = behind / 1_000_000;
  return (
    <div className="animation-controls" role="group" aria-label="Animation speed">
      <span className="control-label">Animation</span>
      {LIVE_SPEEDS.map(({ scale: value, label }) => (
        <button
          key={value}
          type="button"
          className="segment"
          aria-pressed={scale === value}
          aria-label={`Animate at ${label} speed`}
          onClick={() => {
            controller.animator.setScale(value);
            controller.animator.play();
          }}
        >
          {label}
        </button>
      ))}
      <button type="button" className="segment" aria-pressed={paused} onClick={() => (paused ? controller.animator.play() : controller.animator.pause())}>
        {paused ? '▶ Play' : '❚❚ Pause'}
      </button>
      <button type="button" onClick={() => controller.animator.jumpToEnd()} disabled={behindSeconds < 0.05}>
        Jump to live
      </button>
      <span className="behind" aria-live="off">
        {behindSeconds < 0.05 ? 'live' : `${behindSeconds.toFixed(1)} s behind live`}
      </span>
    </div>
  );
}

const COUNTER_LABELS: readonly [keyof Counters, string][] = [
  ['dataSent', 'DATA sent'],
  ['acksSent', 'ACKs sent'],
  ['finsSent', 'FINs sent'],
  ['received', 'frames in'],
  ['dropped', 'dropped'],
  ['commits', 'committed'],
];

export function TrafficCounters() {
  const counters = usePanel((view) => (view.history.self ? (view.scene.nodes[view.history.self]?.counters ?? null) : null));
  const joined = useStore((s) => s.selfId !== null);
  const runsHere = usePanel(({ app, history }) => app.selfId !== null && (history.run?.members.includes(app.selfId) ?? app.roster?.members.some((m) => m.id === app.selfId) ?? false));
  if (!joined) return null;
  if (!runsHere) return <p className="muted small-print observer-note">This tab runs no node: it shows each member’s state as reported four times a second. Frames in flight are drawn by member tabs.</p>;
  return (
    <div className="counters-box">
      <span className="control-label" title="Exact, at the animation's playhead (as the node counted them then)">This node</span>
      <dl className="counters" aria-label="This node's traffic">
        {COUNTER_LABELS.map(([key, label]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd>{formatCount(counters?.[key] ?? 0)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
