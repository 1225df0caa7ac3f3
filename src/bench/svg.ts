// A hand-written SVG line plot of commits per second per sender against the window (log2 x axis).

export interface WindowPoint {
  window: number;
  commitsPerSenderPerSec: number;
}

export interface WindowPlot {
  title: string;
  subtitle: string;
  points: readonly WindowPoint[];
  /** Dashed horizontal reference lines, e.g. the raw round-trip rate. */
  references: readonly { label: string; value: number }[];
}

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 72, right: 24, top: 64, bottom: 56 };

/** A round axis maximum at or above `value` (1, 2 or 5 times a power of ten). */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= value)!;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));

export function windowPlotSvg(plot: WindowPlot): string {
  const points = [...plot.points].sort((a, b) => a.window - b.window);
  const windows = points.map((p) => p.window);
  const minLog = Math.log2(Math.min(1, ...windows));
  const maxLog = Math.max(minLog + 1, Math.log2(Math.max(...windows, 2)));
  const yMax = niceMax(Math.max(...points.map((p) => p.commitsPerSenderPerSec), ...plot.references.map((r) => r.value)));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (w: number): number => MARGIN.left + ((Math.log2(w) - minLog) / (maxLog - minLog)) * plotW;
  const y = (v: number): number => MARGIN.top + plotH - (v / yMax) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(plot.title)}</text>`,
    `<text x="${WIDTH / 2}" y="44" text-anchor="middle" fill="#555">${escapeXml(plot.subtitle)}</text>`,
  ];
  for (let i = 0; i <= 5; i += 1) {
    const value = (yMax * i) / 5;
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${MARGIN.left - 8}" y="${y(value) + 4}" text-anchor="end">${fmt(value)}</text>`);
  }
  for (let log = Math.ceil(minLog); log <= maxLog; log += 1) {
    const w = 2 ** log;
    parts.push(`<line x1="${x(w)}" x2="${x(w)}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 5}" stroke="#333"/>`);
    parts.push(`<text x="${x(w)}" y="${MARGIN.top + plotH + 20}" text-anchor="middle">${w}</text>`);
  }
  parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle">window W (messages in flight per sender, log2 scale)</text>`);
  parts.push(`<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">commits/s per sender</text>`);
  for (const reference of plot.references) {
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(reference.value)}" y2="${y(reference.value)}" stroke="#c0392b" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right - 4}" y="${y(reference.value) - 6}" text-anchor="end" fill="#c0392b">${escapeXml(reference.label)} (${fmt(reference.value)})</text>`);
  }
  if (points.length > 1) {
    parts.push(`<polyline fill="none" stroke="#2c6fbb" stroke-width="2" points="${points.map((p) => `${x(p.window)},${y(p.commitsPerSenderPerSec)}`).join(' ')}"/>`);
  }
  for (const p of points) {
    parts.push(`<circle cx="${x(p.window)}" cy="${y(p.commitsPerSenderPerSec)}" r="4" fill="#2c6fbb"/>`);
    parts.push(`<text x="${x(p.window)}" y="${y(p.commitsPerSenderPerSec) - 10}" text-anchor="middle">${fmt(p.commitsPerSenderPerSec)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
