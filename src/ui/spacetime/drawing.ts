// The space-time diagram as a list of shapes, computed once from the traffic in its time window:
// lanes, time ticks, an arrow per frame, a dot per commit, the playhead. The canvas painter
// (paint.ts), the SVG export (svg.ts) and hit-testing all read the same drawing, so the exported
// picture is the one on screen.

import { scaleLinear } from 'd3';
import type { MemberId } from '../../core';
import { LOST_COLOR, type ColorOf } from '../colors';
import type { CommitMark, Flight, FlightKind } from '../timeline/flights';
import { laneIndex, laneY, xOfTime, type Plot, type Shape, type TimeWindow } from './geometry';
import type { Highlight } from './selection';

/** At most about this many frames are drawn in one window; beyond it, 1 message in k (said on screen). */
export const FRAME_BUDGET = 2500;
/** The same while the window follows the playhead and is drawn anew every animation frame. */
export const FOLLOWING_FRAME_BUDGET = 400;
const COMMIT_RADIUS = 2.5;

export interface DiagramInput {
  members: readonly MemberId[];
  colorOf: ColorOf;
  plot: Plot;
  window: TimeWindow;
  /** Nothing after the playhead is drawn, and frames still in flight stop there. */
  playhead: number;
  /** The run's start: the time axis counts from it. */
  origin: number;
  /** The frames and commits overlapping the window, of 1 message in `every`. */
  flights: readonly Flight[];
  marks: readonly CommitMark[];
  every: number;
  /** Drawn whether or not the sample holds them. */
  highlight: Highlight | null;
}

export interface Lane {
  id: MemberId;
  y: number;
  color: string;
}

export interface Tick {
  x: number;
  label: string;
}

export interface Arrow {
  flight: Flight;
  kind: FlightKind;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  color: string;
  /** It arrived within what is drawn (lost frames and frames still in flight have no head). */
  head: boolean;
  highlighted: boolean;
}

export interface Dot {
  mark: CommitMark;
  x: number;
  y: number;
  radius: number;
  color: string;
  highlighted: boolean;
}

export interface Drawing {
  plot: Plot;
  window: TimeWindow;
  lanes: Lane[];
  ticks: Tick[];
  /** Highlighted ones last (they are drawn on top). */
  arrows: Arrow[];
  dots: Dot[];
  /** 1 in `every` messages drawn. */
  every: number;
  /** Whether a selection dims everything else. */
  selecting: boolean;
  playheadX: number | null;
}

export function buildDrawing(input: DiagramInput): Drawing {
  const { plot, window, members, colorOf, highlight } = input;
  const lanesOf = laneIndex(members);
  const lanes = members.map((id, index) => ({ id, y: laneY(plot, members.length, index), color: colorOf(id) }));
  const arrows: Arrow[] = [];
  const litFlights = new Set<Flight>([...(highlight?.data ?? []), ...(highlight?.acks ?? [])]);
  for (const flight of input.flights) {
    if (litFlights.has(flight)) continue;
    const arrow = arrowOf(input, lanesOf, flight, false);
    if (arrow) arrows.push(arrow);
  }
  for (const flight of litFlights) {
    const arrow = flight.end >= window.start && flight.start <= window.end ? arrowOf(input, lanesOf, flight, true) : null;
    if (arrow) arrows.push(arrow);
  }
  const dots: Dot[] = [];
  const litMarks = highlight?.commits ?? new Set<CommitMark>();
  for (const mark of input.marks) if (!litMarks.has(mark)) pushDot(dots, input, lanesOf, mark, false);
  for (const mark of litMarks) pushDot(dots, input, lanesOf, mark, true);
  const inWindow = input.playhead >= window.start && input.playhead <= window.end;
  return {
    plot,
    window,
    lanes,
    ticks: timeTicks(plot, window, input.origin),
    arrows,
    dots,
    every: input.every,
    selecting: highlight !== null,
    playheadX: inWindow ? xOfTime(plot, window, input.playhead) : null,
  };
}

/** A dot on the committing node's lane, when the commit happened in the window, by the playhead. */
function pushDot(dots: Dot[], input: DiagramInput, lanesOf: Map<MemberId, number>, mark: CommitMark, highlighted: boolean): void {
  const lane = lanesOf.get(mark.node);
  const { window, plot } = input;
  if (lane === undefined || mark.start > input.playhead || mark.start < window.start || mark.start > window.end) return;
  const radius = highlighted ? COMMIT_RADIUS + 1.5 : COMMIT_RADIUS;
  dots.push({ mark, x: xOfTime(plot, window, mark.start), y: laneY(plot, input.members.length, lane), radius, color: input.colorOf(mark.from), highlighted });
}

/** A frame's arrow from its send (sender's lane) to its arrival (receiver's lane), cut at the playhead; lost frames stop halfway. */
function arrowOf(input: DiagramInput, lanesOf: Map<MemberId, number>, flight: Flight, highlighted: boolean): Arrow | null {
  const from = lanesOf.get(flight.from);
  const to = lanesOf.get(flight.to);
  if (from === undefined || to === undefined || flight.start > input.playhead || flight.end < flight.start) return null;
  const { plot, window } = input;
  const duration = Math.max(1, flight.end - flight.start);
  const reach = flight.lost ? 0.5 : 1;
  const shown = Math.min(reach, (input.playhead - flight.start) / duration);
  const y1 = laneY(plot, input.members.length, from);
  const y2 = laneY(plot, input.members.length, to);
  return {
    flight,
    kind: flight.kind,
    x1: xOfTime(plot, window, flight.start),
    y1,
    x2: xOfTime(plot, window, flight.start + duration * shown),
    y2: y1 + (y2 - y1) * shown,
    color: flight.lost ? LOST_COLOR : flight.kind === 'ack' ? input.colorOf(flight.to) : input.colorOf(flight.from),
    head: !flight.lost && shown >= 1,
    highlighted,
  };
}

/** Ticks along the time axis, labelled relative to the run's start in the unit the window's span suits. */
export function timeTicks(plot: Plot, window: TimeWindow, origin: number): Tick[] {
  const scale = scaleLinear().domain([window.start - origin, window.end - origin]);
  const count = Math.max(2, Math.floor((plot.width - plot.left - plot.right) / 90));
  const span = window.end - window.start;
  return scale.ticks(count).map((tick) => ({ x: xOfTime(plot, window, tick + origin), label: tickLabel(tick, span) }));
}

/** "1.5 s", "250 ms", "800 µs": the unit follows the span shown. */
export function tickLabel(tickUs: number, spanUs: number): string {
  if (spanUs >= 2_000_000) return `${trim(tickUs / 1_000_000)} s`;
  if (spanUs >= 2_000) return `${trim(tickUs / 1000)} ms`;
  return `${trim(tickUs)} µs`;
}

function trim(value: number): string {
  return String(Number(value.toFixed(3)));
}

/** The drawing's frames and commits as shapes to hit-test, the ones drawn on top last. */
export function shapesOf(drawing: Drawing): Shape<Flight | CommitMark>[] {
  const shapes: Shape<Flight | CommitMark>[] = drawing.arrows.map((arrow) => ({ item: arrow.flight, x1: arrow.x1, y1: arrow.y1, x2: arrow.x2, y2: arrow.y2 }));
  for (const dot of drawing.dots) shapes.push({ item: dot.mark, x: dot.x, y: dot.y, radius: dot.radius });
  return shapes;
}
