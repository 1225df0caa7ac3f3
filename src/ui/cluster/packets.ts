// Draws frames in flight and commits at the playhead onto a canvas laid over the cluster view (no
// React, no SVG layout): called by the animation loop every frame. A frame's position is
// (playhead − sent) / (arrived − sent) of its path, so pause, slow motion and replay come free.
// Only the area drawn last time is cleared, and positions are kept in reused objects.

import type { ColorOf } from '../colors';
import type { AnimationFrame } from '../timeline/animator';
import type { CommitMark, Flight } from '../timeline/flights';
import { DirtyBox, sizeCanvas } from '../canvas';
import { logCenter, slotCenter, type ClusterLayout } from './layout';

/** At most this many frames and commits are drawn; the rest are left out (counters stay exact). */
const MAX_PACKETS = 200;
const MAX_COMMITS = 120;
/** Below this many frames in flight, DATA frames carry their serial. */
const LABEL_BELOW = 16;
const LOST_COLOR = '#ff5d5d';
const LABEL_FONT = '700 10px ui-monospace, Menlo, Consolas, monospace';
/** How far a label reaches from its frame (it is written up and to the right). */
const LABEL_REACH = { right: 8 + 70, top: 7 + 11 };

export interface PacketScene {
  layout: ClusterLayout;
  colorOf: ColorOf;
}

/** A frame or commit placed for drawing (reused from frame to frame). */
interface Placed {
  x: number;
  y: number;
  opacity: number;
  flight: Flight | null;
  mark: CommitMark | null;
}

/** What the overlay holds between frames: the area drawn on, and reusable placements. */
export class PacketPainter {
  readonly drawn = new DirtyBox();
  private readonly pool: Placed[] = [];
  flights = 0;
  commits = 0;

  /** The `index`-th placement of this frame (flights first, then commits). */
  slot(index: number): Placed {
    while (this.pool.length <= index) this.pool.push({ x: 0, y: 0, opacity: 1, flight: null, mark: null });
    return this.pool[index];
  }
}

/** Draws the frames in flight and the moving commits; returns whether anything is moving. */
export function drawPackets(canvas: HTMLCanvasElement, scene: PacketScene, frame: AnimationFrame, painter: PacketPainter): boolean {
  placeFlights(painter, scene.layout, frame.timeline.flights(frame.time, frame.time, MAX_PACKETS), frame.time);
  placeCommits(painter, scene.layout, frame.timeline.commits(frame.time, frame.time, MAX_COMMITS), frame.time);
  const moving = painter.flights + painter.commits > 0;
  if (!moving && painter.drawn.empty) return false;
  const sized = sizeCanvas(canvas, scene.layout.width, scene.layout.height);
  if (!sized) return moving;
  const { context } = sized;
  if (sized.resized) painter.drawn.reset();
  else painter.drawn.clear(context);
  for (let i = 0; i < painter.flights; i += 1) drawFlight(context, painter.slot(i), scene.colorOf, painter.drawn);
  if (painter.flights < LABEL_BELOW) {
    context.font = LABEL_FONT;
    context.textAlign = 'start';
    for (let i = 0; i < painter.flights; i += 1) drawLabel(context, painter.slot(i), scene.colorOf, painter.drawn);
  }
  context.strokeStyle = '#ffffff';
  context.lineWidth = 1;
  for (let i = painter.flights; i < painter.flights + painter.commits; i += 1) {
    const placed = painter.slot(i);
    context.fillStyle = scene.colorOf(placed.mark!.from);
    circle(context, placed.x, placed.y, 4);
    context.fill();
    context.stroke();
    painter.drawn.cover(placed.x, placed.y, 5, 5, 5, 5);
  }
  return moving;
}

function drawFlight(context: CanvasRenderingContext2D, placed: Placed, colorOf: ColorOf, drawn: DirtyBox): void {
  const flight = placed.flight!;
  context.globalAlpha = placed.opacity;
  if (flight.kind === 'ack') {
    context.strokeStyle = flight.lost ? LOST_COLOR : colorOf(flight.to);
    context.lineWidth = 1.6;
    circle(context, placed.x, placed.y, 3.5);
    context.stroke();
  } else {
    context.fillStyle = flight.lost ? LOST_COLOR : colorOf(flight.from);
    circle(context, placed.x, placed.y, flight.kind === 'fin' ? 6.5 : 5.5);
    context.fill();
    if (flight.kind === 'fin') {
      context.strokeStyle = '#ffffff';
      context.lineWidth = 1.5;
      context.stroke();
    }
  }
  context.globalAlpha = 1;
  drawn.cover(placed.x, placed.y, 8, 8, 8, 8);
}

function drawLabel(context: CanvasRenderingContext2D, placed: Placed, colorOf: ColorOf, drawn: DirtyBox): void {
  const flight = placed.flight!;
  if (flight.kind === 'ack') return;
  context.globalAlpha = placed.opacity;
  context.fillStyle = colorOf(flight.from);
  context.fillText(flight.kind === 'fin' ? `FIN #${flight.seq}` : `#${flight.seq}`, placed.x + 8, placed.y - 7);
  context.globalAlpha = 1;
  drawn.cover(placed.x, placed.y, 0, LABEL_REACH.top, LABEL_REACH.right, 0);
}

function circle(context: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  context.beginPath();
  context.arc(x, y, r, 0, 2 * Math.PI);
}

function placeFlights(painter: PacketPainter, layout: ClusterLayout, flights: readonly Flight[], time: number): void {
  painter.flights = 0;
  const inset = layout.nodeRadius + layout.ringWidth + 3;
  for (const flight of flights) {
    const from = layout.nodes.get(flight.from);
    const to = layout.nodes.get(flight.to);
    if (!from || !to || flight.end <= flight.start) continue;
    const progress = (time - flight.start) / (flight.end - flight.start);
    if (progress < 0 || progress > 1) continue;
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const length = Math.hypot(dx, dy);
    if (length <= 2 * inset) continue;
    const opacity = flight.lost ? Math.max(0, 1 - Math.max(0, progress - 0.4) * 4) : 1;
    if (opacity <= 0) continue;
    const along = inset + (length - 2 * inset) * progress;
    const placed = painter.slot(painter.flights);
    placed.x = from.x + (dx / length) * along;
    placed.y = from.y + (dy / length) * along;
    placed.opacity = opacity;
    placed.flight = flight;
    placed.mark = null;
    painter.flights += 1;
  }
}

function placeCommits(painter: PacketPainter, layout: ClusterLayout, marks: readonly CommitMark[], time: number): void {
  painter.commits = 0;
  for (const mark of marks) {
    const node = layout.nodes.get(mark.node);
    if (!node) continue;
    const start = slotCenter(layout, node, mark.from);
    if (!start) continue;
    const end = logCenter(layout, node);
    const progress = Math.min(1, Math.max(0, (time - mark.start) / (mark.end - mark.start)));
    const eased = progress * progress * (3 - 2 * progress);
    const lift = Math.sin(progress * Math.PI) * 10;
    const placed = painter.slot(painter.flights + painter.commits);
    placed.x = start.x + (end.x - start.x) * eased;
    placed.y = start.y + (end.y - start.y) * eased - lift;
    placed.opacity = 1;
    placed.flight = null;
    placed.mark = mark;
    painter.commits += 1;
  }
}
