// How the space-time diagram's shapes look, shared by the canvas and the SVG export so both agree.

import type { FlightKind } from '../timeline/flights';
import type { Arrow } from './drawing';

export const LABEL_FONT = '10px system-ui, sans-serif';
export const LANE_FONT = '600 11px system-ui, sans-serif';
export const AXIS_COLOR = '#8a94b3';
export const GRID_COLOR = 'rgba(138, 148, 179, 0.15)';
export const PLAYHEAD_COLOR = 'rgba(255, 255, 255, 0.5)';
export const BACKGROUND = '#121a30';

export interface ArrowStyle {
  width: number;
  opacity: number;
  /** Empty: solid (ACKs are dashed). */
  dash: number[];
}

const HEAD_SIZE = 5;

/** DATA solid, ACK dashed and fainter, FIN thick; a highlighted frame is thicker and opaque, the rest fade while one is selected. */
export function arrowStyle(kind: FlightKind, highlighted: boolean, selecting: boolean): ArrowStyle {
  const width = (kind === 'fin' ? 2.5 : 1) + (highlighted ? 1.5 : 0);
  const base = kind === 'ack' ? 0.55 : 0.95;
  const opacity = highlighted ? 1 : selecting ? base * 0.25 : base;
  return { width, opacity, dash: kind === 'ack' ? [3, 3] : [] };
}

/** The two ends of an arrow's head at (x2, y2). */
export function arrowHead(arrow: Pick<Arrow, 'x1' | 'y1' | 'x2' | 'y2'>): [{ x: number; y: number }, { x: number; y: number }] {
  const angle = Math.atan2(arrow.y2 - arrow.y1, arrow.x2 - arrow.x1);
  return [
    { x: arrow.x2 - HEAD_SIZE * Math.cos(angle - 0.45), y: arrow.y2 - HEAD_SIZE * Math.sin(angle - 0.45) },
    { x: arrow.x2 - HEAD_SIZE * Math.cos(angle + 0.45), y: arrow.y2 - HEAD_SIZE * Math.sin(angle + 0.45) },
  ];
}
