// Paints a space-time drawing (drawing.ts) on a canvas: lanes and time axis, then the arrows, then
// the commit dots. Thin arrows (1 px) go in one path per look (kind, color, highlighted); thicker
// ones are stroked one by one: Chromium's software raster strokes a thick path of many crossing
// segments far slower than the same segments one at a time (300 DATA lines 1.5 px wide: 13.4 ms as
// one path, 1.8 ms one by one, 0.8 ms as one 1 px path; BENCHMARKS.md, "UI").

import type { Arrow, Dot, Drawing } from './drawing';
import { arrowHead, arrowStyle, AXIS_COLOR, GRID_COLOR, LABEL_FONT, LANE_FONT, PLAYHEAD_COLOR } from './style';

export function paintDrawing(context: CanvasRenderingContext2D, drawing: Drawing): void {
  paintAxis(context, drawing);
  const { plot } = drawing;
  context.save();
  context.beginPath();
  context.rect(plot.left, plot.top - 4, plot.width - plot.left - plot.right, plot.height - plot.top - plot.bottom + 8);
  context.clip();
  for (const batch of batches(drawing.arrows)) paintArrows(context, batch, drawing.selecting);
  paintDots(context, drawing.dots, drawing.selecting);
  if (drawing.playheadX !== null) {
    context.strokeStyle = PLAYHEAD_COLOR;
    context.lineWidth = 1;
    context.setLineDash([]);
    line(context, drawing.playheadX, plot.top - 4, drawing.playheadX, plot.height - plot.bottom);
  }
  context.restore();
}

function paintAxis(context: CanvasRenderingContext2D, drawing: Drawing): void {
  const { plot } = drawing;
  context.font = LABEL_FONT;
  context.textAlign = 'center';
  context.lineWidth = 1;
  context.setLineDash([]);
  for (const tick of drawing.ticks) {
    context.strokeStyle = GRID_COLOR;
    line(context, tick.x, plot.top - 4, tick.x, plot.height - plot.bottom);
    context.fillStyle = AXIS_COLOR;
    context.fillText(tick.label, tick.x, plot.top - 9);
  }
  context.font = LANE_FONT;
  context.textAlign = 'right';
  for (const lane of drawing.lanes) {
    context.strokeStyle = lane.color;
    context.globalAlpha = 0.35;
    context.lineWidth = 2;
    line(context, plot.left, lane.y, plot.width - plot.right, lane.y);
    context.globalAlpha = 1;
    context.fillStyle = lane.color;
    context.fillText(lane.id, plot.left - 6, lane.y + 4);
  }
}

/** Arrows of one look, consecutive in the drawing's order (highlighted ones come last). */
function batches(arrows: readonly Arrow[]): Arrow[][] {
  const byLook = new Map<string, Arrow[]>();
  for (const arrow of arrows) {
    const key = `${arrow.highlighted}|${arrow.kind}|${arrow.color}`;
    const list = byLook.get(key);
    if (list) list.push(arrow);
    else byLook.set(key, [arrow]);
  }
  return [...byLook.values()].sort((a, b) => Number(a[0].highlighted) - Number(b[0].highlighted));
}

/** One batch: 1 px arrows in two strokes (their lines, then the heads of those that arrived), thicker ones one by one. */
function paintArrows(context: CanvasRenderingContext2D, arrows: readonly Arrow[], selecting: boolean): void {
  const style = arrowStyle(arrows[0].kind, arrows[0].highlighted, selecting);
  context.globalAlpha = style.opacity;
  context.lineWidth = style.width;
  context.strokeStyle = arrows[0].color;
  if (style.width <= 1) {
    strokeLines(context, arrows, style.dash);
    strokeHeads(context, arrows);
  } else {
    for (const arrow of arrows) {
      strokeLines(context, [arrow], style.dash);
      strokeHeads(context, [arrow]);
    }
  }
  context.globalAlpha = 1;
}

function strokeLines(context: CanvasRenderingContext2D, arrows: readonly Arrow[], dash: number[]): void {
  context.setLineDash(dash);
  context.beginPath();
  for (const arrow of arrows) {
    context.moveTo(arrow.x1, arrow.y1);
    context.lineTo(arrow.x2, arrow.y2);
  }
  context.stroke();
  context.setLineDash([]);
}

function strokeHeads(context: CanvasRenderingContext2D, arrows: readonly Arrow[]): void {
  context.beginPath();
  for (const arrow of arrows) {
    if (!arrow.head) continue;
    const [left, right] = arrowHead(arrow);
    context.moveTo(left.x, left.y);
    context.lineTo(arrow.x2, arrow.y2);
    context.lineTo(right.x, right.y);
  }
  context.stroke();
}

/** The dots in one filled path per look (color, dimmed), then the highlighted ones' outlines. */
function paintDots(context: CanvasRenderingContext2D, dots: readonly Dot[], selecting: boolean): void {
  const byLook = new Map<string, Dot[]>();
  for (const dot of dots) {
    const key = `${selecting && !dot.highlighted}|${dot.color}`;
    const list = byLook.get(key);
    if (list) list.push(dot);
    else byLook.set(key, [dot]);
  }
  for (const [key, group] of byLook) {
    context.globalAlpha = key.startsWith('true') ? 0.25 : 1;
    context.fillStyle = group[0].color;
    context.beginPath();
    for (const dot of group) {
      context.moveTo(dot.x + dot.radius, dot.y);
      context.arc(dot.x, dot.y, dot.radius, 0, 2 * Math.PI);
    }
    context.fill();
  }
  context.globalAlpha = 1;
  context.strokeStyle = '#ffffff';
  context.lineWidth = 1.5;
  for (const dot of dots) {
    if (!dot.highlighted) continue;
    context.beginPath();
    context.arc(dot.x, dot.y, dot.radius, 0, 2 * Math.PI);
    context.stroke();
  }
}

function line(context: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number): void {
  context.beginPath();
  context.moveTo(x1, y1);
  context.lineTo(x2, y2);
  context.stroke();
}
