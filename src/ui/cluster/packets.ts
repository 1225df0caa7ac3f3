// Draws frames in flight and commits at the playhead onto a canvas laid over the cluster view (no
// React, no SVG layout): called by the animation loop every frame. A frame's position is
// (playhead − sent) / (arrived − sent) of its path, so pause, slow motion and replay come free.

import type { ColorOf } from '../colors';
import type { AnimationFrame } from '../timeline/animator';
import type { CommitMark, Flight } from '../timeline/flights';
import { prepareCanvas } from '../canvas';
import { logCenter, slotCenter, type ClusterLayout, type Point } from './layout';

/** At most this many frames and commits are drawn; the rest are left out (counters stay exact). */
const MAX_PACKETS = 200;
const MAX_COMMITS = 120;
/** Below this many frames in flight, DATA frames carry their serial. */
const LABEL_BELOW = 16;
const LOST_COLOR = '#ff5d5d';

interface Placed {
  flight: Flight;
  at: Point;
  opacity: number;
}

export interface PacketScene {
  layout: ClusterLayout;
  colorOf: ColorOf;
  /** Something was drawn last time (the canvas must be cleared even if nothing is drawn now). */
  dirty: boolean;
}

/** Draws the frames in flight and the moving commits; returns whether anything is moving. */
export function drawPackets(canvas: HTMLCanvasElement, scene: PacketScene, frame: AnimationFrame): boolean {
  const placed = placeFlights(scene.layout, frame.timeline.flights(frame.time, frame.time, MAX_PACKETS), frame.time);
  const commits = frame.timeline
    .commits(frame.time, frame.time, MAX_COMMITS)
    .map((mark) => placeCommit(scene.layout, mark, frame.time))
    .filter((p): p is { mark: CommitMark; at: Point } => p !== null);
  const moving = placed.length > 0 || commits.length > 0;
  if (!moving && !scene.dirty) return false;
  scene.dirty = moving;
  const context = prepareCanvas(canvas, scene.layout.width, scene.layout.height);
  if (!context) return moving;
  for (const p of placed) drawFlight(context, p, scene.colorOf);
  if (placed.length < LABEL_BELOW) for (const p of placed) if (p.flight.kind !== 'ack') drawLabel(context, p, scene.colorOf);
  for (const { mark, at } of commits) {
    context.fillStyle = scene.colorOf(mark.from);
    context.strokeStyle = '#ffffff';
    context.lineWidth = 1;
    circle(context, at, 4);
    context.fill();
    context.stroke();
  }
  return moving;
}

function drawFlight(context: CanvasRenderingContext2D, { flight, at, opacity }: Placed, colorOf: ColorOf): void {
  context.globalAlpha = opacity;
  if (flight.kind === 'ack') {
    context.strokeStyle = flight.lost ? LOST_COLOR : colorOf(flight.to);
    context.lineWidth = 1.6;
    circle(context, at, 3.5);
    context.stroke();
  } else {
    context.fillStyle = flight.lost ? LOST_COLOR : colorOf(flight.from);
    circle(context, at, flight.kind === 'fin' ? 6.5 : 5.5);
    context.fill();
    if (flight.kind === 'fin') {
      context.strokeStyle = '#ffffff';
      context.lineWidth = 1.5;
      context.stroke();
    }
  }
  context.globalAlpha = 1;
}

function drawLabel(context: CanvasRenderingContext2D, { flight, at, opacity }: Placed, colorOf: ColorOf): void {
  context.globalAlpha = opacity;
  context.fillStyle = colorOf(flight.from);
  context.font = '700 10px ui-monospace, Menlo, Consolas, monospace';
  context.fillText(flight.kind === 'fin' ? `FIN #${flight.seq}` : `#${flight.seq}`, at.x + 8, at.y - 7);
  context.globalAlpha = 1;
}

function circle(context: CanvasRenderingContext2D, at: Point, r: number): void {
  context.beginPath();
  context.arc(at.x, at.y, r, 0, 2 * Math.PI);
}

function placeFlights(layout: ClusterLayout, flights: Flight[], time: number): Placed[] {
  const placed: Placed[] = [];
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
    const along = inset + (length - 2 * inset) * progress;
    const at = { x: from.x + (dx / length) * along, y: from.y + (dy / length) * along };
    const opacity = flight.lost ? Math.max(0, 1 - Math.max(0, progress - 0.4) * 4) : 1;
    if (opacity > 0) placed.push({ flight, at, opacity });
  }
  return placed;
}

function placeCommit(layout: ClusterLayout, mark: CommitMark, time: number): { mark: CommitMark; at: Point } | null {
  const node = layout.nodes.get(mark.node);
  if (!node) return null;
  const start = slotCenter(layout, node, mark.from);
  if (!start) return null;
  const end = logCenter(layout, node);
  const progress = Math.min(1, Math.max(0, (time - mark.start) / (mark.end - mark.start)));
  const eased = progress * progress * (3 - 2 * progress);
  const lift = Math.sin(progress * Math.PI) * 10;
  return { mark, at: { x: start.x + (end.x - start.x) * eased, y: start.y + (end.y - start.y) * eased - lift } };
}
