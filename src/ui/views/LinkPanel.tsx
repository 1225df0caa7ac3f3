// Settings of the selected link: cut, loss and delay, applied by every node in the room (in the
// sandbox, by the simulated network).

import type { ChangeEvent } from 'react';
import type { MemberId } from '../../core';
import { HEALTHY_LINK } from '../../net/link-shaper';
import { MAX_DELAY_MS, MAX_LOSS_PERCENT } from '../../signaling';
import { useColors, useMembers, useOwnRtt } from '../hooks';
import { formatRtt } from '../format';
import { useController } from '../services';
import { linkKey, useStore } from '../store';

export function LinkPanel() {
  const controller = useController();
  const members = useMembers();
  const colorOf = useColors();
  const selectedKey = useStore((s) => s.selectedLink);
  const mode = useStore((s) => s.mode);
  const shapes = useStore((s) => s.shapes);
  const selfId = useStore((s) => s.selfId);
  const rtt = useOwnRtt();
  const pair = findPair(members, selectedKey);
  if (!pair || mode === 'replay') return null;
  const [a, b] = pair;
  const shape = shapes[linkKey(a, b)] ?? HEALTHY_LINK;
  const peer = a === selfId ? b : b === selfId ? a : null;
  const apply = (change: Partial<typeof shape>): void => controller.shapeLink(a, b, { ...shape, ...change });
  const number = (max: number) => (event: ChangeEvent<HTMLInputElement>): number => Math.min(max, Math.max(0, Number(event.target.value) || 0));
  return (
    <section className="link-panel" aria-label={`Link ${a}–${b}`}>
      <h3>
        <span>
          Link <span style={{ color: colorOf(a) }}>{a}</span> – <span style={{ color: colorOf(b) }}>{b}</span>
        </span>
        <button type="button" className="small close" aria-label="Close the link settings" onClick={() => useStore.setState({ selectedLink: null })}>
          ×
        </button>
      </h3>
      {peer && rtt[peer] !== undefined && <p className="muted">Round trip from this tab: {formatRtt(rtt[peer])}</p>}
      <div className="link-settings">
        <label className="toggle">
          <input type="checkbox" checked={shape.cut} onChange={(e) => apply({ cut: e.target.checked })} />
          Cut
        </label>
        <label className="param">
          <span className="param-label">Loss</span>
          <input type="number" min="0" max={MAX_LOSS_PERCENT} step="5" value={shape.lossPercent} onChange={(e) => apply({ lossPercent: number(MAX_LOSS_PERCENT)(e) })} aria-label="Loss (%)" />
          <span className="param-unit">%</span>
        </label>
        <label className="param">
          <span className="param-label">Delay</span>
          <input type="number" min="0" max={MAX_DELAY_MS} step="50" value={shape.delayMs} onChange={(e) => apply({ delayMs: number(MAX_DELAY_MS)(e) })} aria-label="Delay (ms)" />
          <span className="param-unit">ms</span>
        </label>
      </div>
      <p className="muted small-print">{mode === 'sandbox' ? 'The simulated network applies these settings to the messages on this link, both ways.' : 'Every node in the room applies these settings to the frames it sends on this link.'}</p>
    </section>
  );
}

function findPair(members: readonly MemberId[], key: string | null): [MemberId, MemberId] | null {
  if (!key) return null;
  for (const a of members) for (const b of members) if (a < b && linkKey(a, b) === key) return [a, b];
  return null;
}
