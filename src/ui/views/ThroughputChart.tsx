// Commits per second per node over the run up to the playhead (d3 scales and lines, rendered by React at most 4 times a second).

import { extent, line, max, scaleLinear } from 'd3';
import { formatRate } from '../format';
import { throughputOf, type ThroughputPoint, type ThroughputSeries } from '../history/scene';
import { useColors, usePanel } from '../hooks';
import { useSize } from '../use-size';

const PAD = { top: 10, right: 14, bottom: 24, left: 52 };
export function ThroughputChart() {
  const series = usePanel((view) => throughputOf(view.history, view.scene), sameSeries);
  const colorOf = useColors();
  const { ref, size } = useSize<HTMLDivElement>({ width: 480, height: 200 });
  const points = series.flatMap((s) => s.points);
  const innerWidth = size.width - PAD.left - PAD.right;
  const innerHeight = size.height - PAD.top - PAD.bottom;
  const [t0, t1] = extent(points, (p) => p.t) as [number | undefined, number | undefined];
  const x = scaleLinear()
    .domain([0, Math.max(1, t1 ?? 1, t0 ?? 0)])
    .range([0, innerWidth]);
  const y = scaleLinear()
    .domain([0, Math.max(10, max(points, (p) => p.rate) ?? 0)])
    .nice(4)
    .range([innerHeight, 0]);
  const path = line<ThroughputPoint>()
    .x((p) => x(p.t))
    .y((p) => y(p.rate));
  return (
    <div className="chart" ref={ref}>
      {points.length === 0 && <p className="empty-note">Commits per second per node appear here during a run.</p>}
      <svg width={size.width} height={size.height} role="img" aria-label="Commits per second per node">
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {y.ticks(4).map((tick) => (
            <g key={tick} transform={`translate(0,${y(tick)})`} className="grid">
              <line x2={innerWidth} />
              <text x={-8} dy="0.32em" textAnchor="end">
                {formatRate(tick)}
              </text>
            </g>
          ))}
          {x.ticks(6).map((tick) => (
            <text key={tick} className="axis-label" x={x(tick)} y={innerHeight + 16} textAnchor="middle">
              {tick}s
            </text>
          ))}
          {series.map((s) => (
            <path key={s.id} d={path(s.points) ?? ''} className="series" stroke={colorOf(s.id)} />
          ))}
        </g>
      </svg>
      <ul className="chart-legend">
        {series.map((s) => (
          <li key={s.id}>
            <span className="swatch" style={{ background: colorOf(s.id) }} aria-hidden="true" />
            {s.id} {s.points.length > 0 && <span className="mono muted">{formatRate(s.points[s.points.length - 1].rate)}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Series drawn the same: same members, same number of points, same last point. */
function sameSeries(a: readonly ThroughputSeries[], b: readonly ThroughputSeries[]): boolean {
  return a.length === b.length && a.every((s, i) => s.id === b[i].id && s.points.length === b[i].points.length && s.points.at(-1)?.rate === b[i].points.at(-1)?.rate && s.points.at(-1)?.t === b[i].points.at(-1)?.t);
}
