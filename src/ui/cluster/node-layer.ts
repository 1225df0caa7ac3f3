// Draws the changing part of every node of the cluster view onto a canvas between the SVG (links,
// node bodies, ids, click targets) and the packets: the ack ring, the outgoing serial, the phase,
// the receive-buffer slots and the log count. Called by the animation loop; a node is redrawn
// only when the snapshot it shows changed, and its geometry (ring paths, fonts) is built once per
// layout.

import { arc } from 'd3';
import type { MemberId } from '../../core';
import type { NodeSnapshot } from '../../runtime/snapshot';
import { prepareCanvas } from '../canvas';
import type { ColorOf } from '../colors';
import { formatCount } from '../format';
import type { ClusterLayout, NodeLayout } from './layout';

const MONO = "ui-monospace, 'SFMono-Regular', 'JetBrains Mono', Menlo, Consolas, monospace";
const TEXT = '#e6e9f2';
const MUTED = '#8a94b3';
const ON_FILL = '#0b1020';
const SEGMENT_FILL = '#1d2742';
const SEGMENT_STROKE = '#2b375c';
const SLOT_FILL = '#141c33';
const LOG_FILL = '#16233f';
const LOG_STROKE = '#3f5a9a';
/** Absent nodes (left the room, not traced) are drawn faded, like their SVG part. */
const ABSENT_ALPHA = 0.45;

export interface NodeScene {
  layout: ClusterLayout;
  colorOf: ColorOf;
  absence: (id: MemberId) => string | null;
  /** The snapshots shown (the ones the panels show too). */
  snapshots: Readonly<Record<MemberId, NodeSnapshot | null>>;
}

/** What the canvas holds: the scene it was fully drawn for, and each node's drawn snapshot. */
export class NodePainter {
  private drawnFor: { layout: ClusterLayout; colorOf: ColorOf; absence: NodeScene['absence'] } | null = null;
  private readonly drawn = new Map<MemberId, NodeSnapshot | null>();
  private geometry: Geometry | null = null;

  /** Redraws what changed since the last call; returns whether anything was drawn. */
  paint(canvas: HTMLCanvasElement, scene: NodeScene): boolean {
    const full = !this.drawnFor || this.drawnFor.layout !== scene.layout || this.drawnFor.colorOf !== scene.colorOf || this.drawnFor.absence !== scene.absence;
    const changed = full ? scene.layout.members : scene.layout.members.filter((id) => (scene.snapshots[id] ?? null) !== this.drawn.get(id));
    if (changed.length === 0) return false;
    if (full) {
      this.geometry = buildGeometry(scene.layout);
      this.drawn.clear();
      this.drawnFor = { layout: scene.layout, colorOf: scene.colorOf, absence: scene.absence };
    }
    const context = full ? prepareCanvas(canvas, scene.layout.width, scene.layout.height) : contextOf(canvas);
    if (!context || !this.geometry) return false;
    for (const id of changed) {
      const node = scene.layout.nodes.get(id);
      if (!node) continue;
      const snapshot = scene.snapshots[id] ?? null;
      if (!full) clearNode(context, scene.layout, node);
      context.globalAlpha = scene.absence(id) ? ABSENT_ALPHA : 1;
      drawNode(context, scene, this.geometry, node, snapshot);
      context.globalAlpha = 1;
      this.drawn.set(id, snapshot);
    }
    return true;
  }

  /** Forgets what was drawn (the next paint redraws everything). */
  reset(): void {
    this.drawnFor = null;
    this.drawn.clear();
  }
}

interface Geometry {
  /** One ring segment per member, centred on (0, 0), clockwise from the top. */
  segments: Path2D[];
  serialFont: string;
  phaseFont: string;
  /** Half the side of the square the ring fits in. */
  ringExtent: number;
}

const ringArc = arc<{ start: number; end: number; inner: number; outer: number }>()
  .innerRadius((d) => d.inner)
  .outerRadius((d) => d.outer)
  .startAngle((d) => d.start)
  .endAngle((d) => d.end)
  .cornerRadius(1.5);

function buildGeometry(layout: ClusterLayout): Geometry {
  const count = Math.max(1, layout.members.length);
  const inner = layout.nodeRadius + 2;
  const outer = inner + layout.ringWidth;
  const share = (2 * Math.PI) / count;
  const pad = count > 1 ? Math.min(0.08, share * 0.12) : 0;
  const segments = layout.members.map((_, i) => new Path2D(ringArc({ start: i * share + pad, end: (i + 1) * share - pad, inner, outer }) ?? ''));
  const r = layout.nodeRadius;
  return {
    segments,
    serialFont: `700 ${Math.max(11, r * 0.5)}px ${MONO}`,
    phaseFont: `${Math.max(8, r * 0.24)}px system-ui, sans-serif`,
    ringExtent: outer + 2,
  };
}

function contextOf(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  return canvas.getContext('2d');
}

/** Clears the node's ring and inner text area (its body circle and id are SVG) and its card. */
function clearNode(context: CanvasRenderingContext2D, layout: ClusterLayout, node: NodeLayout): void {
  const extent = layout.nodeRadius + layout.ringWidth + 5;
  context.clearRect(node.x - extent, node.y - extent, 2 * extent, 2 * extent);
  context.clearRect(node.card.x - 1, node.card.y - 1, layout.card.width + 2, layout.card.height + 2);
}

function drawNode(context: CanvasRenderingContext2D, scene: NodeScene, geometry: Geometry, node: NodeLayout, snapshot: NodeSnapshot | null): void {
  drawRing(context, scene, geometry, node, snapshot);
  const r = scene.layout.nodeRadius;
  context.textAlign = 'center';
  context.textBaseline = 'alphabetic';
  context.font = geometry.serialFont;
  context.fillStyle = TEXT;
  context.fillText(serialText(snapshot), node.x, node.y + r * 0.2);
  context.font = geometry.phaseFont;
  context.fillStyle = MUTED;
  context.fillText((scene.absence(node.id) ?? snapshot?.phase ?? 'idle').toUpperCase(), node.x, node.y + r * 0.62);
  drawCard(context, scene, node, snapshot);
}

function drawRing(context: CanvasRenderingContext2D, scene: NodeScene, geometry: Geometry, node: NodeLayout, snapshot: NodeSnapshot | null): void {
  const acked = snapshot?.acked ?? [];
  context.save();
  context.translate(node.x, node.y);
  context.lineWidth = 0.5;
  context.strokeStyle = SEGMENT_STROKE;
  scene.layout.members.forEach((id, i) => {
    const segment = geometry.segments[i];
    context.fillStyle = acked.includes(id) ? scene.colorOf(id) : SEGMENT_FILL;
    context.fill(segment);
    context.stroke(segment);
  });
  context.restore();
}

function drawCard(context: CanvasRenderingContext2D, scene: NodeScene, node: NodeLayout, snapshot: NodeSnapshot | null): void {
  const c = scene.layout.card;
  const y = node.card.y + c.slotsY;
  scene.layout.members.forEach((from, i) => {
    const x = node.card.x + c.slotsX + i * (c.slotWidth + c.slotGap);
    const buffer = snapshot?.buffers.find((b) => b.from === from);
    const held = buffer?.buffered ?? [];
    const color = scene.colorOf(from);
    roundedRect(context, x, y, c.slotWidth, c.slotHeight, 3);
    context.fillStyle = held.length > 0 ? color : SLOT_FILL;
    context.globalAlpha *= held.length > 0 ? 0.9 : 1;
    context.fill();
    context.globalAlpha = scene.absence(node.id) ? ABSENT_ALPHA : 1;
    context.strokeStyle = color;
    context.lineWidth = 1.5;
    context.stroke();
    const text = buffer?.finished ? 'FIN' : held.length === 0 ? '' : `${held[held.length - 1]}${held.length > 1 ? '+' : ''}`;
    if (!c.slotText || !text) return;
    context.font = `700 ${text.length > 3 ? 8 : 10}px ${MONO}`;
    context.fillStyle = held.length > 0 ? ON_FILL : MUTED;
    context.fillText(text, x + c.slotWidth / 2, y + c.slotHeight / 2 + 3.5);
  });
  const logX = node.card.x + c.logX;
  roundedRect(context, logX, y, c.logWidth, c.slotHeight, 3);
  context.fillStyle = LOG_FILL;
  context.fill();
  context.strokeStyle = LOG_STROKE;
  context.lineWidth = 1;
  context.stroke();
  context.font = `700 11px ${MONO}`;
  context.fillStyle = TEXT;
  context.fillText(snapshot ? formatCount(snapshot.count) : '0', logX + c.logWidth / 2, y + c.slotHeight / 2 + 4);
}

function serialText(snapshot: NodeSnapshot | null): string {
  if (snapshot === null || snapshot.seq === 0) return '–';
  return snapshot.fin ? 'FIN' : `#${snapshot.seq}`;
}

function roundedRect(context: CanvasRenderingContext2D, x: number, y: number, width: number, height: number, radius: number): void {
  context.beginPath();
  context.roundRect(x, y, width, height, radius);
}
