// Draws the changing part of every node of the cluster view: the ack ring, the outgoing serial, the
// phase, the receive-buffer slots and the log count (the SVG below holds the links, the node bodies
// and ids, and the click targets). It has a canvas of its own above the packets' one: a canvas
// costs the main thread a raster and a copy in every frame in which it changed, and the nodes change
// at most 20 times a second while packets move every frame. The ring paths and fonts are built once
// per layout.

import { arc } from 'd3';
import type { MemberId } from '../../core';
import type { NodeSnapshot } from '../../runtime/snapshot';
import type { ColorOf } from '../colors';
import { formatCount } from '../format';
import { slotOrigin, type ClusterLayout, type NodeLayout } from './layout';

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

/** Draws the nodes and remembers what it drew, so the loop can tell whether they need drawing again. */
export class NodePainter {
  private drawnScene: NodeScene | null = null;
  private geometry: { layout: ClusterLayout; shapes: Geometry } | null = null;

  /** Whether the scene differs from the one drawn last. */
  changed(scene: NodeScene): boolean {
    const drawn = this.drawnScene;
    return drawn === null || drawn.layout !== scene.layout || drawn.colorOf !== scene.colorOf || drawn.absence !== scene.absence || drawn.snapshots !== scene.snapshots;
  }

  draw(context: CanvasRenderingContext2D, scene: NodeScene): void {
    if (this.geometry?.layout !== scene.layout) this.geometry = { layout: scene.layout, shapes: buildGeometry(scene.layout) };
    const shown = shownNodes(scene);
    context.textAlign = 'center';
    context.textBaseline = 'alphabetic';
    for (const one of shown) {
      context.globalAlpha = one.alpha;
      drawShapes(context, scene, this.geometry.shapes, one);
    }
    drawTexts(context, scene, this.geometry.shapes, shown);
    context.globalAlpha = 1;
    this.drawnScene = scene;
  }
}

/** A node to draw: where it is, its state, and its opacity (absent nodes are faded). */
interface ShownNode {
  node: NodeLayout;
  snapshot: NodeSnapshot | null;
  alpha: number;
  absence: string | null;
}

function shownNodes(scene: NodeScene): ShownNode[] {
  const shown: ShownNode[] = [];
  for (const id of scene.layout.members) {
    const node = scene.layout.nodes.get(id);
    if (!node) continue;
    const absence = scene.absence(id);
    shown.push({ node, snapshot: scene.snapshots[id] ?? null, alpha: absence ? ABSENT_ALPHA : 1, absence });
  }
  return shown;
}

interface Geometry {
  /** One ring segment per member, centred on (0, 0), clockwise from the top. */
  segments: Path2D[];
  serialFont: string;
  phaseFont: string;
  logFont: string;
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
  const outer = layout.ringOuter;
  const share = (2 * Math.PI) / count;
  const pad = count > 1 ? Math.min(0.08, share * 0.12) : 0;
  const segments = layout.members.map((_, i) => new Path2D(ringArc({ start: i * share + pad, end: (i + 1) * share - pad, inner, outer }) ?? ''));
  const r = layout.nodeRadius;
  return {
    segments,
    serialFont: `700 ${Math.max(11, r * 0.5)}px ${MONO}`,
    phaseFont: `${Math.max(8, r * 0.24)}px system-ui, sans-serif`,
    logFont: `700 ${layout.card.captions ? 11 : 9}px ${MONO}`,
  };
}

/** The node's ring, buffer slots (with their serials) and log box; its other texts are drawn by drawTexts. */
function drawShapes(context: CanvasRenderingContext2D, scene: NodeScene, geometry: Geometry, shown: ShownNode): void {
  drawRing(context, scene, geometry, shown.node, shown.snapshot);
  drawSlots(context, scene, shown);
  drawLogBox(context, scene, shown.node);
}

/**
 * Every node's serial, phase and committed count, one font at a time (setting a canvas font is
 * not free, and the nodes do not overlap, so the order across nodes does not show).
 */
function drawTexts(context: CanvasRenderingContext2D, scene: NodeScene, geometry: Geometry, shown: readonly ShownNode[]): void {
  const r = scene.layout.nodeRadius;
  const labels = scene.layout.labels;
  if (labels.serial) {
    context.font = geometry.serialFont;
    context.fillStyle = TEXT;
    const below = labels.id ? r * 0.2 : r * 0.18 + 4;
    for (const { node, snapshot, alpha } of shown) {
      context.globalAlpha = alpha;
      context.fillText(serialText(snapshot), node.x, node.y + below);
    }
  }
  if (labels.phase) {
    context.font = geometry.phaseFont;
    context.fillStyle = MUTED;
    for (const { node, snapshot, alpha, absence } of shown) {
      context.globalAlpha = alpha;
      context.fillText((absence ?? snapshot?.phase ?? 'idle').toUpperCase(), node.x, node.y + r * 0.62);
    }
  }
  drawLogCounts(context, scene, geometry, shown);
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

/** One slot per sender, filled with its color while it holds one of its messages. */
function drawSlots(context: CanvasRenderingContext2D, scene: NodeScene, { node, snapshot, alpha }: ShownNode): void {
  const c = scene.layout.card;
  const outlined = c.slotWidth >= 5;
  const buffers = snapshot?.buffers ?? [];
  scene.layout.members.forEach((from, i) => {
    const slot = slotOrigin(c, i);
    const x = node.card.x + slot.x;
    const y = node.card.y + slot.y;
    const buffer = buffers[i]?.from === from ? buffers[i] : buffers.find((b) => b.from === from);
    const held = buffer?.buffered ?? [];
    const color = scene.colorOf(from);
    if (outlined) roundedRect(context, x, y, c.slotWidth, c.slotHeight, Math.min(3, c.slotWidth / 4));
    else rect(context, x, y, c.slotWidth, c.slotHeight);
    context.fillStyle = held.length > 0 ? color : SLOT_FILL;
    context.globalAlpha = held.length > 0 ? alpha * 0.9 : alpha;
    context.fill();
    context.globalAlpha = alpha;
    if (outlined) {
      context.strokeStyle = color;
      context.lineWidth = 1.5;
      context.stroke();
    }
    const text = buffer?.finished ? 'FIN' : held.length === 0 ? '' : `${held[held.length - 1]}${held.length > 1 ? '+' : ''}`;
    if (!c.slotText || !text) return;
    context.font = `700 ${text.length > 3 ? 8 : 10}px ${MONO}`;
    context.fillStyle = held.length > 0 ? ON_FILL : MUTED;
    context.fillText(text, x + c.slotWidth / 2, y + c.slotHeight / 2 + 3.5);
  });
}

/** The box of the committed count, where the layout has room for it (otherwise the count is in the glyph's tooltip). */
function drawLogBox(context: CanvasRenderingContext2D, scene: NodeScene, node: NodeLayout): void {
  const log = scene.layout.card.log;
  if (!log) return;
  roundedRect(context, node.card.x + log.x, node.card.y + log.y, log.width, log.height, 3);
  context.fillStyle = LOG_FILL;
  context.fill();
  context.strokeStyle = LOG_STROKE;
  context.lineWidth = 1;
  context.stroke();
}

/** The committed counts in their boxes. */
function drawLogCounts(context: CanvasRenderingContext2D, scene: NodeScene, geometry: Geometry, shown: readonly ShownNode[]): void {
  const log = scene.layout.card.log;
  if (!log) return;
  context.font = geometry.logFont;
  context.fillStyle = TEXT;
  const dy = log.height / 2 + (scene.layout.card.captions ? 4 : 3);
  for (const { node, snapshot, alpha } of shown) {
    context.globalAlpha = alpha;
    context.fillText(snapshot ? formatCount(snapshot.count) : '0', node.card.x + log.x + log.width / 2, node.card.y + log.y + dy);
  }
}

function serialText(snapshot: NodeSnapshot | null): string {
  if (snapshot === null || snapshot.seq === 0) return '–';
  return snapshot.fin ? 'FIN' : `#${snapshot.seq}`;
}

function rect(context: CanvasRenderingContext2D, x: number, y: number, width: number, height: number): void {
  context.beginPath();
  context.rect(x, y, width, height);
}

function roundedRect(context: CanvasRenderingContext2D, x: number, y: number, width: number, height: number, radius: number): void {
  context.beginPath();
  context.roundRect(x, y, width, height, radius);
}
