// One node of the cluster view in SVG: its body, id and card outline, and the click target (the
// glyph's whole box, so the element's bounding box is the one the layout keeps clear) with its
// accessible description. What changes with the node's state (ack ring, serial, phase, buffer
// slots, log count) is drawn on a canvas above it (node-layer.ts); this glyph re-renders only when
// the snapshot it describes changes, at the panels' pace.

import { memo, useCallback, type KeyboardEvent } from 'react';
import type { MemberId } from '../../core';
import type { BufferSnapshot, NodeSnapshot } from '../../runtime/snapshot';
import type { ColorOf } from '../colors';
import { slotOrigin, type ClusterLayout, type NodeLayout } from './layout';

interface Props {
  node: NodeLayout;
  layout: ClusterLayout;
  /** The state described to assistive tech (the one the canvas and the panels show). */
  snapshot: NodeSnapshot | null;
  colorOf: ColorOf;
  isSelf: boolean;
  /** Why the node is shown faded ("left" the room, "not traced"), or null. */
  absence: string | null;
  selected: boolean;
  /** A guided scenario's step names this node: it is ringed. */
  highlighted: boolean;
  onSelect: (id: MemberId) => void;
  /** Receives the glyph's element (the animation sets its `data-serial` hook on it). */
  register: (id: MemberId, element: SVGGElement | null) => void;
}

export const NodeGlyph = memo(function NodeGlyph({ node, layout, snapshot, colorOf, isSelf, absence, selected, highlighted, onSelect, register }: Props) {
  const color = colorOf(node.id);
  const r = layout.nodeRadius;
  const c = layout.card;
  const label = absence ? `${node.id}: ${absence}. Click to inspect.` : describeNode(node.id, snapshot, isSelf, layout.members.length);
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' || event.key === ' ') onSelect(node.id);
  };
  const id = node.id;
  const ref = useCallback((element: SVGGElement | null) => register(id, element), [register, id]);
  return (
    <g
      ref={ref}
      className={`node${selected ? ' node-selected' : ''}${isSelf ? ' node-self' : ''}${absence ? ' node-gone' : ''}${highlighted ? ' node-focus' : ''}`}
      data-testid={`node-${node.id}`}
      role="button"
      tabIndex={0}
      aria-label={label}
      onClick={() => onSelect(node.id)}
      onKeyDown={onKey}
    >
      <title>{label}</title>
      <rect className="node-hit" x={node.box.x} y={node.box.y} width={node.box.width} height={node.box.height} />
      <g transform={`translate(${node.x},${node.y})`}>
        {isSelf && <circle className="self-halo" r={layout.haloRadius - 1} stroke={color} />}
        {highlighted && <circle className="focus-ring" r={layout.haloRadius - 1} />}
        <circle className="node-body" r={r} stroke={color} strokeWidth={Math.min(3, r / 4)} />
        {layout.labels.id && (
          <text className="node-id" y={layout.labels.serial ? -r * 0.42 : r * 0.3} fill={color} fontSize={idFontSize(node.id, r)}>
            {node.id}
          </text>
        )}
      </g>
      {c.captions && (
        <g className="node-card" transform={`translate(${node.card.x},${node.card.y})`}>
          <rect className="card-bg" width={c.width} height={c.height} rx={6} />
          <text className="card-caption" x={c.slotsX} y={10}>
            buffers
          </text>
          {c.log && (
            <text className="card-caption" x={c.log.x} y={10}>
              log
            </text>
          )}
          {layout.members.map((from, i) => (
            <rect key={from} className="slot-hit" {...slotOrigin(c, i)} width={c.slotWidth} height={c.slotHeight}>
              <title>{describeSlot(from, snapshot?.buffers.find((b) => b.from === from))}</title>
            </rect>
          ))}
        </g>
      )}
    </g>
  );
});

/** The id fits the circle's chord where it is written (about 1.5 radii wide). */
function idFontSize(id: MemberId, r: number): number {
  return Math.max(7, Math.min(r * 0.3, (2.5 * r) / Math.max(1, id.length)));
}

/** The node's state in words: the tooltip, and what the glyph has no room to print. */
function describeNode(id: MemberId, snapshot: NodeSnapshot | null, isSelf: boolean, members: number): string {
  const who = `${id}${isSelf ? ' (this tab)' : ''}`;
  if (!snapshot) return `${who}: no run yet. Click to inspect.`;
  const outgoing = snapshot.fin ? `FIN #${snapshot.seq}` : `message #${snapshot.seq}`;
  const holding = snapshot.buffers.filter((b) => b.buffered.length > 0).length;
  return `${who}: ${snapshot.phase}, sending ${outgoing}, acked by ${snapshot.acked.length} of ${members}, buffers hold messages of ${holding} senders, committed ${snapshot.count}. Click to inspect.`;
}

/** A buffer slot's tooltip: what it holds of `from`'s messages. */
function describeSlot(from: MemberId, buffer: BufferSnapshot | undefined): string {
  const held = buffer?.buffered ?? [];
  if (buffer?.finished) return `${from} finished: all ${buffer.committed} of its messages committed`;
  const more = (buffer?.bufferedCount ?? held.length) - held.length;
  if (held.length > 0) return `Holds ${from}#${held.join(', #')}${more > 0 ? ` and ${more} more` : ''} (committed up to #${buffer?.committed ?? 0})`;
  return `Nothing of ${from} buffered (committed up to #${buffer?.committed ?? 0})`;
}
