// The space-time diagram as a standalone SVG document (like Maelstrom's timeline), built from the
// same drawing the canvas shows: the window on screen, its sampling and its highlight.

import type { Arrow, Dot, Drawing } from './drawing';
import { arrowHead, arrowStyle, AXIS_COLOR, BACKGROUND, GRID_COLOR, PLAYHEAD_COLOR } from './style';

/** `title` goes in the SVG's <title> and on its first line (e.g. the run and what is highlighted). */
export function drawingToSvg(drawing: Drawing, title: string): string {
  const { plot } = drawing;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${plot.width}" height="${plot.height + 16}" viewBox="0 0 ${plot.width} ${plot.height + 16}" font-family="system-ui, sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="${BACKGROUND}"/>`,
    `<text x="${plot.left}" y="${plot.height + 11}" font-size="10" fill="${AXIS_COLOR}">${escapeXml(title)}</text>`,
  ];
  for (const tick of drawing.ticks) {
    parts.push(`<line x1="${n(tick.x)}" y1="${plot.top - 4}" x2="${n(tick.x)}" y2="${plot.height - plot.bottom}" stroke="${GRID_COLOR}"/>`);
    parts.push(`<text x="${n(tick.x)}" y="${plot.top - 9}" font-size="10" text-anchor="middle" fill="${AXIS_COLOR}">${escapeXml(tick.label)}</text>`);
  }
  for (const lane of drawing.lanes) {
    parts.push(`<line x1="${plot.left}" y1="${n(lane.y)}" x2="${plot.width - plot.right}" y2="${n(lane.y)}" stroke="${lane.color}" stroke-opacity="0.35" stroke-width="2"/>`);
    parts.push(`<text x="${plot.left - 6}" y="${n(lane.y + 4)}" font-size="11" font-weight="600" text-anchor="end" fill="${lane.color}">${escapeXml(lane.id)}</text>`);
  }
  parts.push(`<clipPath id="plot"><rect x="${plot.left}" y="${plot.top - 4}" width="${plot.width - plot.left - plot.right}" height="${plot.height - plot.top - plot.bottom + 8}"/></clipPath>`);
  parts.push('<g clip-path="url(#plot)">');
  for (const arrow of drawing.arrows) parts.push(arrowSvg(arrow, drawing.selecting));
  for (const dot of drawing.dots) parts.push(dotSvg(dot, drawing.selecting));
  if (drawing.playheadX !== null) parts.push(`<line x1="${n(drawing.playheadX)}" y1="${plot.top - 4}" x2="${n(drawing.playheadX)}" y2="${plot.height - plot.bottom}" stroke="${PLAYHEAD_COLOR}"/>`);
  parts.push('</g>', '</svg>');
  return parts.join('\n') + '\n';
}

function arrowSvg(arrow: Arrow, selecting: boolean): string {
  const style = arrowStyle(arrow.kind, arrow.highlighted, selecting);
  const dash = style.dash.length > 0 ? ` stroke-dasharray="${style.dash.join(' ')}"` : '';
  const label = `${arrow.kind} ${arrow.flight.from}→${arrow.flight.to} #${arrow.flight.seq}`;
  const paint = `stroke="${arrow.color}" stroke-width="${style.width}" stroke-opacity="${style.opacity}" fill="none"`;
  const shaft = `<line x1="${n(arrow.x1)}" y1="${n(arrow.y1)}" x2="${n(arrow.x2)}" y2="${n(arrow.y2)}"${dash}/>`;
  const head = arrow.head ? headSvg(arrow) : '';
  return `<g class="frame ${arrow.kind}${arrow.highlighted ? ' highlighted' : ''}" ${paint}><title>${escapeXml(label)}</title>${shaft}${head}</g>`;
}

function headSvg(arrow: Arrow): string {
  const [left, right] = arrowHead(arrow);
  return `<polyline points="${n(left.x)},${n(left.y)} ${n(arrow.x2)},${n(arrow.y2)} ${n(right.x)},${n(right.y)}"/>`;
}

function dotSvg(dot: Dot, selecting: boolean): string {
  const opacity = selecting && !dot.highlighted ? 0.25 : 1;
  const ring = dot.highlighted ? ' stroke="#ffffff" stroke-width="1.5"' : '';
  const label = `${dot.mark.node} commits ${dot.mark.from}#${dot.mark.seq}`;
  return `<circle class="commit${dot.highlighted ? ' highlighted' : ''}" cx="${n(dot.x)}" cy="${n(dot.y)}" r="${dot.radius}" fill="${dot.color}" fill-opacity="${opacity}"${ring}><title>${escapeXml(label)}</title></circle>`;
}

/** Coordinates to two decimals: enough for a picture, short enough for a big one. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
