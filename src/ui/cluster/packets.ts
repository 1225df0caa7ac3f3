// Draws frames in flight and commits at the playhead onto the canvas laid over the cluster view (no
// React, no SVG layout), every frame while they move. A frame's position is
// (playhead − sent) / (arrived − sent) of its path, so pause, slow motion and replay come free.
// Positions are kept in reused objects. From SAMPLE_FROM members on, only the frames and commits of
// one message in k are drawn (packetSampling), and the view says so.

import { LOST_COLOR, type ColorOf } from '../colors';
import type { AnimationFrame } from '../timeline/animator';
import type { CommitMark, Flight } from '../timeline/flights';
import { logCenter, slotCenter, type ClusterLayout } from './layout';

/** At most this many frames and commits are drawn; the rest are left out (counters stay exact). */
const MAX_PACKETS = 200;
const MAX_COMMITS = 120;
/** From this many members on, packets are sampled. */
export const SAMPLE_FROM = 32;
/** Below this many frames in flight, DATA frames carry their serial. */
const LABEL_BELOW = 16;
const LABEL_FONT = '700 10px ui-monospace, Menlo, Consolas, monospace';

export interface PacketScene {
  layout: ClusterLayout;
  colorOf: ColorOf;
}

/** Radii of the packets: full size beside big nodes, smaller beside the small nodes of a crowded view. */
interface PacketSizes {
  data: number;
  fin: number;
  ack: number;
  commit: number;
}

function packetSizes(layout: ClusterLayout): PacketSizes {
  const scale = Math.min(1, Math.max(0.45, layout.nodeRadius / 24));
  return { data: 5.5 * scale, fin: 6.5 * scale, ack: 3.5 * scale, commit: 4 * scale };
}

/**
 * Of how many messages one is drawn (its DATA frames, ACKs and commits, all of them): 1 below
 * SAMPLE_FROM members, then growing with the number of links, so that about as many packets move
 * as in a 16-node cluster.
 */
export function packetSampling(members: number): number {
  if (members < SAMPLE_FROM) return 1;
  return Math.round((members / 16) ** 2);
}

/** Whether message `sender`#`seq` is among those drawn; the same messages from frame to frame. FINs always are. */
function sampled(layout: ClusterLayout, every: number, sender: string, seq: number, fin: boolean): boolean {
  if (every <= 1 || fin) return true;
  const index = Math.max(0, layout.members.indexOf(sender));
  return (seq + index) % every === 0;
}

/** A frame or commit placed for drawing (reused from frame to frame). */
interface Placed {
  x: number;
  y: number;
  opacity: number;
  flight: Flight | null;
  mark: CommitMark | null;
}

/** The packets of the current frame, placed in reusable objects. */
export class PacketPainter {
  /** Something was drawn last time (the canvas must be cleared even if nothing is drawn now). */
  drewSome = true;
  private readonly pool: Placed[] = [];
  flights = 0;
  commits = 0;

  /** The `index`-th placement of this frame (flights first, then commits). */
  slot(index: number): Placed {
    while (this.pool.length <= index) this.pool.push({ x: 0, y: 0, opacity: 1, flight: null, mark: null });
    return this.pool[index];
  }
}

/** Places the frames in flight and the moving commits at the playhead; returns whether there are any. */
export function placePackets(scene: PacketScene, frame: AnimationFrame, painter: PacketPainter): boolean {
  const every = packetSampling(scene.layout.members.length);
  placeFlights(painter, scene.layout, every, frame.scene.inFlight.slice(0, MAX_PACKETS * every), frame.time);
  placeCommits(painter, scene.layout, every, frame.scene.committing.slice(0, MAX_COMMITS * every), frame.time);
  return painter.flights + painter.commits > 0;
}

/** Draws what `placePackets` placed. */
export function drawPackets(context: CanvasRenderingContext2D, scene: PacketScene, painter: PacketPainter): void {
  painter.drewSome = painter.flights + painter.commits > 0;
  const sizes = packetSizes(scene.layout);
  for (let i = 0; i < painter.flights; i += 1) drawFlight(context, painter.slot(i), scene.colorOf, sizes);
  if (painter.flights < LABEL_BELOW) {
    context.font = LABEL_FONT;
    context.textAlign = 'start';
    for (let i = 0; i < painter.flights; i += 1) drawLabel(context, painter.slot(i), scene.colorOf);
  }
  context.strokeStyle = '#ffffff';
  context.lineWidth = 1;
  for (let i = painter.flights; i < painter.flights + painter.commits; i += 1) {
    const placed = painter.slot(i);
    context.fillStyle = scene.colorOf(placed.mark!.from);
    circle(context, placed.x, placed.y, sizes.commit);
    context.fill();
    context.stroke();
  }
}

function drawFlight(context: CanvasRenderingContext2D, placed: Placed, colorOf: ColorOf, sizes: PacketSizes): void {
  const flight = placed.flight!;
  context.globalAlpha = placed.opacity;
  if (flight.kind === 'ack') {
    context.strokeStyle = flight.lost ? LOST_COLOR : colorOf(flight.to);
    context.lineWidth = 1.6;
    circle(context, placed.x, placed.y, sizes.ack);
    context.stroke();
  } else {
    context.fillStyle = flight.lost ? LOST_COLOR : colorOf(flight.from);
    circle(context, placed.x, placed.y, flight.kind === 'fin' ? sizes.fin : sizes.data);
    context.fill();
    if (flight.kind === 'fin') {
      context.strokeStyle = '#ffffff';
      context.lineWidth = 1.5;
      context.stroke();
    }
  }
  context.globalAlpha = 1;
}

function drawLabel(context: CanvasRenderingContext2D, placed: Placed, colorOf: ColorOf): void {
  const flight = placed.flight!;
  if (flight.kind === 'ack') return;
  context.globalAlpha = placed.opacity;
  context.fillStyle = colorOf(flight.from);
  context.fillText(flight.kind === 'fin' ? `FIN #${flight.seq}` : `#${flight.seq}`, placed.x + 8, placed.y - 7);
  context.globalAlpha = 1;
}

function circle(context: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  context.beginPath();
  context.arc(x, y, r, 0, 2 * Math.PI);
}

function placeFlights(painter: PacketPainter, layout: ClusterLayout, every: number, flights: readonly Flight[], time: number): void {
  painter.flights = 0;
  const inset = layout.ringOuter + 3;
  for (const flight of flights) {
    if (painter.flights >= MAX_PACKETS) break;
    const sender = flight.kind === 'ack' ? flight.to : flight.from;
    if (!sampled(layout, every, sender, flight.seq, flight.kind === 'fin')) continue;
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

function placeCommits(painter: PacketPainter, layout: ClusterLayout, every: number, marks: readonly CommitMark[], time: number): void {
  painter.commits = 0;
  for (const mark of marks) {
    if (painter.commits >= MAX_COMMITS) break;
    if (!sampled(layout, every, mark.from, mark.seq, false)) continue;
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
