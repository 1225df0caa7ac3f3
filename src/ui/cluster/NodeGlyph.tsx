// One node of the cluster view: its current outgoing serial inside an ack ring (a segment per
// member, filled in that member's color once it acked), and a card with a receive-buffer slot per
// sender (the serial it holds) and the log (how many messages it committed).

import { memo, useMemo, type KeyboardEvent } from 'react';
import { arc } from 'd3';
import type { MemberId } from '../../core';
import type { BufferSnapshot, NodeSnapshot } from '../../runtime/snapshot';
import type { ColorOf } from '../colors';
import { formatCount } from '../format';
import type { ClusterLayout, NodeLayout } from './layout';

interface Props {
  node: NodeLayout;
  layout: ClusterLayout;
  snapshot: NodeSnapshot | null;
  /** The node's current outgoing serial (live, not delayed by the animation): the `data-serial` hook. */
  serial: number;
  colorOf: ColorOf;
  isSelf: boolean;
  /** Why the node is shown faded ("left" the room, "not traced"), or null. */
  absence: string | null;
  selected: boolean;
  onSelect: (id: MemberId) => void;
}

const ringArc = arc<{ start: number; end: number; inner: number; outer: number }>()
  .innerRadius((d) => d.inner)
  .outerRadius((d) => d.outer)
  .startAngle((d) => d.start)
  .endAngle((d) => d.end)
  .cornerRadius(1.5);

export const NodeGlyph = memo(function NodeGlyph({ node, layout, snapshot, serial, colorOf, isSelf, absence, selected, onSelect }: Props) {
  const color = colorOf(node.id);
  const r = layout.nodeRadius;
  const shownSerial = snapshot === null || snapshot.seq === 0 ? '–' : snapshot.fin ? 'FIN' : `#${snapshot.seq}`;
  const label = absence ? `${node.id}: ${absence}. Click to inspect.` : describeNode(node.id, snapshot, isSelf);
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' || event.key === ' ') onSelect(node.id);
  };
  return (
    <g
      className={`node${selected ? ' node-selected' : ''}${isSelf ? ' node-self' : ''}${absence ? ' node-gone' : ''}`}
      data-testid={`node-${node.id}`}
      data-serial={serial}
      role="button"
      tabIndex={0}
      aria-label={label}
      onClick={() => onSelect(node.id)}
      onKeyDown={onKey}
    >
      <title>{label}</title>
      <g transform={`translate(${node.x},${node.y})`}>
        {isSelf && <circle className="self-halo" r={r + layout.ringWidth + 7} stroke={color} />}
        <AckRing layout={layout} snapshot={snapshot} colorOf={colorOf} />
        <circle className="node-body" r={r} stroke={color} />
        <text className="node-id" y={-r * 0.42} fill={color} fontSize={idFontSize(node.id, r)}>
          {node.id}
        </text>
        <text className="node-serial" y={r * 0.2} fontSize={Math.max(11, r * 0.5)}>
          {shownSerial}
        </text>
        <text className="node-phase" y={r * 0.62} fontSize={Math.max(8, r * 0.24)}>
          {absence ?? snapshot?.phase ?? 'idle'}
        </text>
      </g>
      <NodeCard node={node} layout={layout} snapshot={snapshot} colorOf={colorOf} />
    </g>
  );
});

function AckRing({ layout, snapshot, colorOf }: { layout: ClusterLayout; snapshot: NodeSnapshot | null; colorOf: ColorOf }) {
  const members = layout.members;
  const segments = useMemo(() => ringSegments(layout), [layout]);
  const acked = new Set(snapshot?.acked ?? []);
  return (
    <g className="ack-ring">
      {members.map((id, i) => (
        <path
          key={id}
          d={segments[i]}
          className={acked.has(id) ? 'ack-segment acked' : 'ack-segment'}
          style={acked.has(id) ? { fill: colorOf(id) } : undefined}
        />
      ))}
    </g>
  );
}

/** The ring's segment outlines, one per member, clockwise from the top. */
function ringSegments(layout: ClusterLayout): string[] {
  const count = Math.max(1, layout.members.length);
  const inner = layout.nodeRadius + 2;
  const outer = inner + layout.ringWidth;
  const share = (2 * Math.PI) / count;
  const pad = count > 1 ? Math.min(0.08, share * 0.12) : 0;
  return layout.members.map((_, i) => ringArc({ start: i * share + pad, end: (i + 1) * share - pad, inner, outer }) ?? '');
}

function NodeCard({ node, layout, snapshot, colorOf }: { node: NodeLayout; layout: ClusterLayout; snapshot: NodeSnapshot | null; colorOf: ColorOf }) {
  const c = layout.card;
  const buffers = new Map((snapshot?.buffers ?? []).map((b) => [b.from, b]));
  return (
    <g className="node-card" transform={`translate(${node.card.x},${node.card.y})`}>
      <rect className="card-bg" width={c.width} height={c.height} rx={6} />
      <text className="card-caption" x={c.slotsX} y={10}>
        buffers
      </text>
      <text className="card-caption" x={c.logX} y={10}>
        log
      </text>
      {layout.members.map((from, i) => (
        <BufferSlot key={from} x={c.slotsX + i * (c.slotWidth + c.slotGap)} y={c.slotsY} layout={layout} from={from} buffer={buffers.get(from)} color={colorOf(from)} />
      ))}
      <rect className="log-box" x={c.logX} y={c.slotsY} width={c.logWidth} height={c.slotHeight} rx={3} />
      <text className="log-count" x={c.logX + c.logWidth / 2} y={c.slotsY + c.slotHeight / 2 + 4}>
        {snapshot ? formatCount(snapshot.count) : '0'}
      </text>
    </g>
  );
}

function BufferSlot({ x, y, layout, from, buffer, color }: { x: number; y: number; layout: ClusterLayout; from: MemberId; buffer: BufferSnapshot | undefined; color: string }) {
  const c = layout.card;
  const held = buffer?.buffered ?? [];
  const text = buffer?.finished ? 'FIN' : held.length === 0 ? '' : `${held[held.length - 1]}${held.length > 1 ? '+' : ''}`;
  const title = buffer?.finished
    ? `${from} finished: all ${buffer.committed} of its messages committed`
    : held.length > 0
      ? `Holds ${from}#${held.join(', #')} (committed up to #${buffer?.committed ?? 0})`
      : `Nothing of ${from} buffered (committed up to #${buffer?.committed ?? 0})`;
  return (
    <g>
      <title>{title}</title>
      <rect className={held.length > 0 ? 'slot slot-full' : 'slot'} x={x} y={y} width={c.slotWidth} height={c.slotHeight} rx={3} style={{ stroke: color, fill: held.length > 0 ? color : undefined }} />
      {c.slotText && text && (
        <text className={held.length > 0 ? 'slot-text on-fill' : 'slot-text'} x={x + c.slotWidth / 2} y={y + c.slotHeight / 2 + 3.5} fontSize={text.length > 3 ? 8 : 10}>
          {text}
        </text>
      )}
    </g>
  );
}

/** The id fits the circle's chord where it is written (about 1.5 radii wide). */
function idFontSize(id: MemberId, r: number): number {
  return Math.max(7, Math.min(r * 0.3, (2.5 * r) / Math.max(1, id.length)));
}

function describeNode(id: MemberId, snapshot: NodeSnapshot | null, isSelf: boolean): string {
  const who = `${id}${isSelf ? ' (this tab)' : ''}`;
  if (!snapshot) return `${who}: no run yet. Click to inspect.`;
  const outgoing = snapshot.fin ? `FIN #${snapshot.seq}` : `message #${snapshot.seq}`;
  return `${who}: ${snapshot.phase}, sending ${outgoing}, acked by ${snapshot.acked.length}, committed ${snapshot.count}. Click to inspect.`;
}
