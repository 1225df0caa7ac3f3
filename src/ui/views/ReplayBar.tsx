// Replay controls: play/pause, speed and a time slider over the trace, and the way back to live.
// The slider and clock follow the playhead as a drawing layer (they write their own elements only).

import { useEffect, useRef } from 'react';
import { REPLAY_SPEEDS } from '../app-controller';
import { formatCount } from '../format';
import { useController } from '../services';
import { usePanel } from '../hooks';
import { useStore } from '../store';

/** The slider and clock follow the playhead this often (ms): smooth enough, and cheap. */
const FOLLOW_EVERY_MS = 50;

export function ReplayBar() {
  const controller = useController();
  const replay = useStore((s) => s.replay);
  const { scale, paused } = useStore((s) => s.animation);
  const atEnd = usePanel((view) => view.playhead.atEnd);
  const span = usePanel((view) => view.history.span, (a, b) => a.start === b.start && a.end === b.end);
  const members = usePanel((view) => view.history.memberIds.length);
  const records = usePanel((view) => view.history.records.count);
  const playing = !paused && !atEnd;
  const slider = useRef<HTMLInputElement>(null);
  const clock = useRef<HTMLSpanElement>(null);
  const dragging = useRef(false);
  const lastFollowMs = useRef(-Infinity);

  useEffect(
    () =>
      controller.animator.addLayer((frame) => {
        if (!slider.current || !clock.current) return false;
        const nowMs = performance.now();
        if (nowMs - lastFollowMs.current < FOLLOW_EVERY_MS) return frame.scale > 0;
        lastFollowMs.current = nowMs;
        const { start, end } = controller.history.span;
        const elapsedMs = (frame.time - start) / 1000;
        if (!dragging.current) slider.current.value = String(elapsedMs);
        clock.current.textContent = `${(elapsedMs / 1000).toFixed(3)} s / ${((end - start) / 1_000_000).toFixed(3)} s`;
        return frame.scale > 0;
      }),
    [controller],
  );

  if (!replay) return null;
  const durationMs = (span.end - span.start) / 1000;
  const seek = (value: string): void => controller.animator.seek(span.start + Number(value) * 1000);
  return (
    <section className="replay-bar" aria-label="Replay">
      <span className="replay-title">
        Replaying <strong>{replay.fileName}</strong> · {members} nodes · {formatCount(records)} records
      </span>
      <button type="button" className="primary" onClick={() => controller.setReplayPlaying(!playing)} aria-label={playing ? 'Pause the replay' : 'Play the replay'}>
        {playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <label className="param">
        <span className="param-label">Speed</span>
        <select value={scale} onChange={(e) => controller.animator.setScale(Number(e.target.value))} aria-label="Replay speed">
          {REPLAY_SPEEDS.map((speed) => (
            <option key={speed} value={speed}>
              {speed}×
            </option>
          ))}
        </select>
      </label>
      <input
        ref={slider}
        className="replay-slider"
        type="range"
        min={0}
        max={durationMs}
        step="any"
        defaultValue={0}
        data-testid="replay-slider"
        aria-label="Replay time"
        onPointerDown={() => {
          dragging.current = true;
          window.addEventListener('pointerup', () => (dragging.current = false), { once: true });
        }}
        onInput={(e) => seek(e.currentTarget.value)}
        onChange={(e) => seek(e.currentTarget.value)}
      />
      <span className="mono replay-clock" ref={clock} />
      <button type="button" onClick={() => controller.closeReplay()}>
        Back to live
      </button>
    </section>
  );
}
