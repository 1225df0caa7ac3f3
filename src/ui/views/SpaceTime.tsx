// A live space-time diagram (ShiViz style): one vertical lane per node, time running downwards to
// the playhead, an arrow per frame from its send to its arrival, a dot per commit. Two stacked
// canvases: the lanes and time axis, redrawn only when they change, and the arrows, redrawn by the
// animation loop with a plain linear mapping (no scale object per frame), in one path per look
// (kind and color) rather than one per arrow; lane positions are computed with the background.

import { useEffect, useRef } from 'react';
import { scaleLinear } from 'd3';
import type { MemberId } from '../../core';
import { LOST_COLOR, type ColorOf } from '../colors';
import { recentSpanUs } from '../history/scene';
import { useColors, useMembers } from '../hooks';
import { useController } from '../services';
import type { AnimationFrame } from '../timeline/animator';
import type { CommitMark, Flight, FlightKind } from '../timeline/flights';
import { useSize } from '../use-size';
import { prepareCanvas } from '../canvas';

const MAX_ARROWS = 250;
const MAX_DOTS = 250;
const HEADER = 20;
const LEFT = 60;
const RIGHT = 40;
const BOTTOM = 6;
/** The diagram scrolls slowly: 30 redraws a second are plenty (a software-drawn canvas costs the main thread). */
const REDRAW_EVERY_MS = 32;
const ACK_DASH = [3, 3];
const SOLID: number[] = [];

interface Scene {
  members: readonly MemberId[];
  colorOf: ColorOf;
  width: number;
  height: number;
  spanUs: number;
  lastDrawMs: number;
  /** The last drawing showed no frames or commits (an empty diagram need not be redrawn). */
  wasEmpty: boolean;
  /** What the background was drawn for; it is redrawn when this changes. */
  backgroundFor: string;
  backgroundColors: ColorOf | null;
  /** Each lane's x, computed with the background. */
  lanes: Map<MemberId, number>;
  /** The arrows of the drawing being made, by look (reused from drawing to drawing). */
  batches: ArrowBatches;
  /** The commit dots of the drawing being made, by color. */
  dots: Map<string, CommitMark[]>;
}

/** Arrows by kind, then by color (or LOST_COLOR): each batch is stroked as one path. */
type ArrowBatches = Map<FlightKind, Map<string, Flight[]>>;

/** Timeline µs to canvas y: time `top` at the header, `top + span` at the bottom. */
interface TimeAxis {
  top: number;
  y0: number;
  pixelsPerUs: number;
}

export function SpaceTime() {
  const controller = useController();
  const members = useMembers();
  const colorOf = useColors();
  const { ref, size } = useSize<HTMLDivElement>({ width: 480, height: 220 });
  const background = useRef<HTMLCanvasElement>(null);
  const foreground = useRef<HTMLCanvasElement>(null);
  const scene = useRef<Scene>({ members, colorOf, width: size.width, height: size.height, spanUs: recentSpanUs(1), lastDrawMs: -Infinity, wasEmpty: false, backgroundFor: '', backgroundColors: null, lanes: new Map(), batches: new Map(), dots: new Map() });
  scene.current = { ...scene.current, members, colorOf, width: size.width, height: size.height };
  useEffect(() => controller.animator.wake(), [controller, members, colorOf, size.width, size.height]);
  useEffect(
    () =>
      controller.animator.addLayer((frame) => (background.current && foreground.current ? draw(background.current, foreground.current, scene.current, frame) : false)),
    [controller],
  );
  return (
    <div className="space-time" ref={ref}>
      <canvas ref={background} aria-hidden="true" />
      <canvas ref={foreground} role="img" aria-label="Space-time diagram of recent frames: a lane per node, time downwards" />
    </div>
  );
}

/** Redraws (at most 30 times a second); returns whether the diagram shows any frames or commits. */
function draw(background: HTMLCanvasElement, foreground: HTMLCanvasElement, scene: Scene, frame: AnimationFrame): boolean {
  const nowMs = performance.now();
  if (nowMs - scene.lastDrawMs < REDRAW_EVERY_MS) return !scene.wasEmpty;
  scene.spanUs = frame.scene.recentUs; // the last 2 s at full speed, proportionally less when slower
  const changed = backgroundChanged(scene);
  if (changed) {
    scene.lanes = laneXs(scene);
    scene.batches.clear();
    scene.dots.clear();
    drawBackground(background, scene);
  }
  const top = frame.time - scene.spanUs;
  const flights = frame.scene.recentFlights.slice(0, MAX_ARROWS);
  const marks = frame.scene.recentCommits.slice(0, MAX_DOTS);
  const empty = flights.length === 0 && marks.length === 0;
  if (empty && scene.wasEmpty && !changed) return false;
  scene.lastDrawMs = nowMs;
  scene.wasEmpty = empty;
  const context = prepareCanvas(foreground, scene.width, scene.height);
  if (!context) return false;
  const axis: TimeAxis = { top, y0: HEADER + 4, pixelsPerUs: (scene.height - BOTTOM - HEADER - 4) / scene.spanUs };
  const lanes = scene.lanes;
  context.save();
  context.beginPath();
  context.rect(0, HEADER, scene.width, scene.height - HEADER);
  context.clip();
  drawArrows(context, batchArrows(scene.batches, flights, scene.colorOf), lanes, axis, frame.time);
  drawDots(context, batchDots(scene.dots, marks, scene.colorOf), lanes, axis);
  context.restore();
  return !empty;
}

/** Whether the size, members, colors or span changed since the background was drawn (notes the new state). */
function backgroundChanged(scene: Scene): boolean {
  const key = `${scene.width}x${scene.height}:${scene.members.join(',')}:${scene.spanUs}`;
  const colors = scene.colorOf;
  if (key === scene.backgroundFor && colors === scene.backgroundColors) return false;
  scene.backgroundFor = key;
  scene.backgroundColors = colors;
  return true;
}

function yOf(axis: TimeAxis, time: number): number {
  return axis.y0 + (time - axis.top) * axis.pixelsPerUs;
}

function laneXs(scene: Scene): Map<MemberId, number> {
  const count = scene.members.length;
  return new Map(scene.members.map((id, i) => [id, LEFT + (count <= 1 ? 0.5 : i / (count - 1)) * (scene.width - LEFT - RIGHT)]));
}

/** Lanes, their names and the time axis: they only move when the size, members or span change. */
function drawBackground(canvas: HTMLCanvasElement, scene: Scene): void {
  const context = prepareCanvas(canvas, scene.width, scene.height);
  if (!context) return;
  const y = scaleLinear().domain([-scene.spanUs, 0]).range([HEADER + 4, scene.height - BOTTOM]);
  context.font = '10px system-ui, sans-serif';
  context.textAlign = 'right';
  for (const tick of y.ticks(4)) {
    context.strokeStyle = 'rgba(138, 148, 179, 0.15)';
    context.lineWidth = 1;
    line(context, LEFT - 4, y(tick), scene.width - RIGHT / 2, y(tick));
    context.fillStyle = '#8a94b3';
    context.fillText(tickLabel(tick, scene.spanUs), LEFT - 8, y(tick) + 3);
  }
  context.font = '600 11px system-ui, sans-serif';
  context.textAlign = 'center';
  for (const [id, x] of scene.lanes) {
    context.strokeStyle = scene.colorOf(id);
    context.globalAlpha = 0.35;
    context.lineWidth = 2;
    line(context, x, HEADER, x, scene.height);
    context.globalAlpha = 1;
    context.fillStyle = scene.colorOf(id);
    context.fillText(id, x, 13);
  }
}

/** "now", "−0.5 s", or "−15 ms" when the diagram spans less than a second. */
function tickLabel(tickUs: number, spanUs: number): string {
  if (tickUs === 0) return 'now';
  const text = spanUs < 1_000_000 ? `${Math.round(-tickUs / 1000)} ms` : `${(-tickUs / 1_000_000).toFixed(1)} s`;
  return `−${text}`;
}

/** Sorts the arrows into batches of one look (the lists are emptied and refilled, not rebuilt). */
function batchArrows(batches: ArrowBatches, flights: readonly Flight[], colorOf: ColorOf): ArrowBatches {
  for (const byColor of batches.values()) for (const list of byColor.values()) list.length = 0;
  for (const flight of flights) {
    const color = flight.lost ? LOST_COLOR : flight.kind === 'ack' ? colorOf(flight.to) : colorOf(flight.from);
    let byColor = batches.get(flight.kind);
    if (!byColor) batches.set(flight.kind, (byColor = new Map()));
    let list = byColor.get(color);
    if (!list) byColor.set(color, (list = []));
    list.push(flight);
  }
  return batches;
}

function batchDots(dots: Map<string, CommitMark[]>, marks: readonly CommitMark[], colorOf: ColorOf): Map<string, CommitMark[]> {
  for (const list of dots.values()) list.length = 0;
  for (const mark of marks) {
    const color = colorOf(mark.from);
    let list = dots.get(color);
    if (!list) dots.set(color, (list = []));
    list.push(mark);
  }
  return dots;
}

/** A dot per commit that happened in view, one fill per color. */
function drawDots(context: CanvasRenderingContext2D, dots: Map<string, CommitMark[]>, lanes: Map<MemberId, number>, axis: TimeAxis): void {
  for (const [color, marks] of dots) {
    if (marks.length === 0) continue;
    context.fillStyle = color;
    context.beginPath();
    for (const mark of marks) {
      const x = lanes.get(mark.node);
      if (x === undefined || mark.start < axis.top) continue;
      const y = yOf(axis, mark.start);
      context.moveTo(x + 2.5, y);
      context.arc(x, y, 2.5, 0, 2 * Math.PI);
    }
    context.fill();
  }
}

/** Each batch in two strokes: its lines (dashed for ACKs), then the heads of the arrows that arrived. */
function drawArrows(context: CanvasRenderingContext2D, batches: ArrowBatches, lanes: Map<MemberId, number>, axis: TimeAxis, now: number): void {
  for (const [kind, byColor] of batches) {
    context.globalAlpha = kind === 'ack' ? 0.55 : 0.95;
    context.lineWidth = kind === 'fin' ? 2.5 : kind === 'data' ? 1.5 : 1;
    for (const [color, flights] of byColor) {
      if (flights.length === 0) continue;
      context.strokeStyle = color;
      context.setLineDash(kind === 'ack' ? ACK_DASH : SOLID);
      context.beginPath();
      for (const flight of flights) traceArrow(context, flight, lanes, axis, now, false);
      context.stroke();
      context.setLineDash(SOLID);
      context.beginPath();
      for (const flight of flights) traceArrow(context, flight, lanes, axis, now, true);
      context.stroke();
    }
  }
  context.globalAlpha = 1;
}

/** Adds an arrow's line (or, with `head`, its head if it arrived) to the current path. */
function traceArrow(context: CanvasRenderingContext2D, flight: Flight, lanes: Map<MemberId, number>, axis: TimeAxis, now: number, head: boolean): void {
  const x1 = lanes.get(flight.from);
  const x2 = lanes.get(flight.to);
  if (x1 === undefined || x2 === undefined || flight.end <= flight.start) return;
  const shown = Math.min(1, (now - flight.start) / (flight.end - flight.start));
  const endX = x1 + (x2 - x1) * shown;
  const startY = yOf(axis, flight.start);
  const endY = yOf(axis, flight.start + (flight.end - flight.start) * shown);
  if (!head) {
    context.moveTo(x1, startY);
    context.lineTo(endX, endY);
  } else if (shown >= 1 && !flight.lost) {
    traceHead(context, x1, startY, endX, endY);
  }
}

function traceHead(context: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number): void {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const size = 5;
  context.moveTo(x2, y2);
  context.lineTo(x2 - size * Math.cos(angle - 0.45), y2 - size * Math.sin(angle - 0.45));
  context.moveTo(x2, y2);
  context.lineTo(x2 - size * Math.cos(angle + 0.45), y2 - size * Math.sin(angle + 0.45));
}

function line(context: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number): void {
  context.beginPath();
  context.moveTo(x1, y1);
  context.lineTo(x2, y2);
  context.stroke();
}
