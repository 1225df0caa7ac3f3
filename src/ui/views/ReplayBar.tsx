// Replay controls: play/pause, speed and a time slider over the trace, and the way back to live.

import { useEffect, useRef } from 'react';
import { REPLAY_SPEEDS } from '../app-controller';
import { formatCount } from '../format';
import { useController } from '../services';
import { useStore } from '../store';

/** The slider and clock follow the playhead this often (ms): smooth enough, and cheap. */
const FOLLOW_EVERY_MS = 50;

export function ReplayBar() {
  const controller = useController();
  const replay = useStore((s) => s.replay);
  const slider = useRef<HTMLInputElement>(null);
  const clock = useRef<HTMLSpanElement>(null);
  const dragging = useRef(false);
  const lastFollowMs = useRef(-Infinity);

  useEffect(
    () =>
      controller.animator.addLayer((frame) => {
        const info = useStore.getState().replay;
        if (!info) return false;
        const nowMs = performance.now();
        if (nowMs - lastFollowMs.current < FOLLOW_EVERY_MS) return info.playing;
        lastFollowMs.current = nowMs;
        const elapsedMs = (frame.time - info.start) / 1000;
        if (slider.current && !dragging.current) slider.current.value = String(elapsedMs);
        if (clock.current) clock.current.textContent = `${(elapsedMs / 1000).toFixed(3)} s / ${((info.end - info.start) / 1_000_000).toFixed(3)} s`;
        if (info.playing && controller.animator.playhead.atEnd()) controller.setReplayPlaying(false);
        return info.playing;
      }),
    [controller],
  );

  if (!replay) return null;
  const durationMs = (replay.end - replay.start) / 1000;
  const seek = (value: string): void => controller.animator.seek(replay.start + Number(value) * 1000);
  return (
    <section className="replay-bar" aria-label="Replay">
      <span className="replay-title">
        Replaying <strong>{replay.fileName}</strong> · {replay.members.length} nodes · {formatCount(replay.records)} records
      </span>
      <button type="button" className="primary" onClick={() => controller.setReplayPlaying(!replay.playing)} aria-label={replay.playing ? 'Pause the replay' : 'Play the replay'}>
        {replay.playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <label className="param">
        <span className="param-label">Speed</span>
        <select value={replay.speed} onChange={(e) => controller.setReplaySpeed(Number(e.target.value))} aria-label="Replay speed">
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
