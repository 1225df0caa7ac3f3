// The space-time diagram's geometry, as pure functions: time → x and node → lane, the time window's
// zoom, scroll and "follow live", and hit-testing. No DOM.

import type { MemberId } from '../../core';

/** A stretch of the history's timeline, µs. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** The canvas and the margins around the plot (lane names on the left, the time axis on top). */
export interface Plot {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The narrowest window the zoom allows: 1 ms. */
export const MIN_SPAN_US = 1000;
/** The widest: one hour. */
export const MAX_SPAN_US = 3_600_000_000;

export function plotOf(width: number, height: number): Plot {
  return { width, height, left: 44, right: 12, top: 22, bottom: 8 };
}

/** The x of a moment of the timeline (outside the window: beyond the plot's edges). */
export function xOfTime(plot: Plot, window: TimeWindow, time: number): number {
  const span = Math.max(1, window.end - window.start);
  return plot.left + ((time - window.start) / span) * (plot.width - plot.left - plot.right);
}

/** The moment of the timeline under x. */
export function timeOfX(plot: Plot, window: TimeWindow, x: number): number {
  const inner = Math.max(1, plot.width - plot.left - plot.right);
  return window.start + ((x - plot.left) / inner) * (window.end - window.start);
}

/** Each member's lane, by its place in the (sorted) member list. */
export function laneIndex(members: readonly MemberId[]): Map<MemberId, number> {
  return new Map(members.map((id, index) => [id, index]));
}

/** The y of lane `index` of `count`: lanes share the plot's height evenly, each centred in its row. */
export function laneY(plot: Plot, count: number, index: number): number {
  const row = (plot.height - plot.top - plot.bottom) / Math.max(1, count);
  return plot.top + row * (index + 0.5);
}

/** The height the diagram wants for `count` lanes: 22 px a lane, within 160–560 px. */
export function diagramHeight(count: number): number {
  return Math.min(560, Math.max(160, 30 + count * 22));
}

/** The window scaled by `factor` (< 1 zooms in) around `anchor`, which stays where it is on screen. */
export function zoomWindow(window: TimeWindow, anchor: number, factor: number): TimeWindow {
  const span = window.end - window.start;
  const next = Math.min(MAX_SPAN_US, Math.max(MIN_SPAN_US, span * factor));
  const share = span > 0 ? (anchor - window.start) / span : 0.5;
  const start = anchor - share * next;
  return { start, end: start + next };
}

/** The window moved by `deltaUs` (positive: later). */
export function panWindow(window: TimeWindow, deltaUs: number): TimeWindow {
  return { start: window.start + deltaUs, end: window.end + deltaUs };
}

/** A window showing [from, to] with a little room on both sides (a span of at least MIN_SPAN_US). */
export function fitWindow(from: number, to: number): TimeWindow {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return { start: 0, end: MIN_SPAN_US };
  const span = Math.max(MIN_SPAN_US, to - from);
  const margin = span * 0.02;
  return { start: from - margin, end: from + span + margin };
}

/**
 * The window while following the playhead: `span` wide, ending at the playhead, but once the run is
 * over not beyond its last activity (so the end of the run stays in view while the clock runs on).
 */
export function followWindow(span: number, playhead: number, lastActivity: number, runOver: boolean): TimeWindow {
  const end = runOver && Number.isFinite(lastActivity) ? Math.min(playhead, lastActivity + span * 0.05) : playhead;
  return { start: end - span, end };
}

/** A shape on screen that can be hit: a segment (an arrow) or a dot (a commit), carrying what it shows. */
export type Shape<T> = { item: T; x1: number; y1: number; x2: number; y2: number } | { item: T; x: number; y: number; radius: number };

/** The distance from (x, y) to the segment (x1, y1)–(x2, y2). */
export function distanceToSegment(x: number, y: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const length2 = dx * dx + dy * dy;
  const along = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / length2));
  return Math.hypot(x - (x1 + along * dx), y - (y1 + along * dy));
}

/** The shape nearest to (x, y) within `tolerance` pixels (a dot counts from its rim), or null. */
export function hitTest<T>(shapes: readonly Shape<T>[], x: number, y: number, tolerance: number): T | null {
  let best: T | null = null;
  let bestDistance = tolerance;
  for (const shape of shapes) {
    const distance = 'radius' in shape ? Math.max(0, Math.hypot(x - shape.x, y - shape.y) - shape.radius) : distanceToSegment(x, y, shape.x1, shape.y1, shape.x2, shape.y2);
    if (distance <= bestDistance) {
      best = shape.item;
      bestDistance = distance;
    }
  }
  return best;
}
