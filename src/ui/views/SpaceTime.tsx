// The space-time diagram (ShiViz, Oddity): a lane per node, time running to the right, an arrow per
// frame from its send to its arrival, a dot per commit, over the whole run the history holds. It
// follows the playhead while live, scrolls (drag, shift+wheel) and zooms (wheel, buttons), stays
// after the run, highlights a clicked message's DATA, ACKs and commits, shows a frame's serial,
// sentAt and value on hover, and exports the window as SVG. One canvas, drawn by the animation loop
// only when something shown changed (spacetime/diagram.ts); React renders only the controls and notes.

import { useEffect, useMemo, useRef, useState, type CSSProperties, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import { useColors, useMembers } from '../hooks';
import { useController } from '../services';
import { useSize } from '../use-size';
import { SpaceTimeDiagram, type DiagramStatus } from '../spacetime/diagram';
import { diagramHeight, plotOf } from '../spacetime/geometry';
import { describeFlight, describeMark } from '../spacetime/selection';

/** A press that moves less than this (px) is a click, not a drag. */
const CLICK_SLOP = 4;
/** Wheel zoom: the window scales by exp(deltaY × this). */
const WHEEL_ZOOM = 0.0015;
/**
 * Out of view (below the fold while the cluster runs), the diagram is built at most this often
 * instead of every frame, and not painted: enough to keep its data attributes current, and the
 * main thread free for what is seen. Scrolled into view, it is painted at the next frame.
 */
const OUT_OF_VIEW_DRAW_MS = 500;

interface Tooltip {
  x: number;
  y: number;
  lines: string[];
}

const INITIAL_STATUS: DiagramStatus = { following: true, every: 1, sampledLive: false, selected: null, highlighted: { data: 0, acks: 0, commits: 0 } };

export function SpaceTime() {
  const controller = useController();
  const members = useMembers();
  const colorOf = useColors();
  const height = diagramHeight(members.length);
  const { ref, size } = useSize<HTMLDivElement>({ width: 480, height });
  const box = useRef<HTMLDivElement | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [status, setStatus] = useState<DiagramStatus>(INITIAL_STATUS);
  const [tooltip, setTooltip] = useState<Tooltip | null>(null);
  const diagram = useMemo(() => new SpaceTimeDiagram(setStatus), []);
  const shown = useRef({ members, colorOf, width: size.width, height });
  shown.current = { members, colorOf, width: size.width, height };
  const press = useRef<{ x: number; y: number; lastX: number; dragged: boolean } | null>(null);

  const inView = useInView(canvas, () => controller.animator.wake());
  const lastDrawMs = useRef(-Infinity);

  useEffect(() => controller.animator.wake(), [controller, members, colorOf, size.width, height]);
  useEffect(
    () =>
      controller.animator.addLayer((frame) => {
        const element = canvas.current;
        if (!element) return false;
        const nowMs = performance.now();
        if (!inView.current && nowMs - lastDrawMs.current < OUT_OF_VIEW_DRAW_MS) return true; // drawn later: keep the loop going
        lastDrawMs.current = nowMs;
        const { members: lanes, colorOf: colors, width, height: tall } = shown.current;
        const context = { history: controller.animator.history, members: lanes, colorOf: colors, plot: plotOf(width, tall), playhead: frame.time, scale: controller.animator.playhead.scale };
        const redrew = diagram.draw(element, context, nowMs, inView.current);
        if (redrew && box.current) describeWindow(box.current, diagram);
        return redrew;
      }),
    [controller, diagram, inView],
  );
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const onWheel = (event: WheelEvent): void => {
      event.preventDefault();
      const sideways = event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY);
      if (sideways) diagram.scroll(event.shiftKey ? event.deltaY : event.deltaX);
      else diagram.zoom(Math.exp(event.deltaY * WHEEL_ZOOM), event.offsetX);
      controller.animator.wake();
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [controller, diagram]);

  const act = (action: () => void) => () => {
    action();
    controller.animator.wake();
  };
  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>): void => {
    press.current = { x: event.nativeEvent.offsetX, y: event.nativeEvent.offsetY, lastX: event.clientX, dragged: false };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLDivElement>): void => {
    const held = press.current;
    if (held) {
      if (Math.abs(event.nativeEvent.offsetX - held.x) + Math.abs(event.nativeEvent.offsetY - held.y) >= CLICK_SLOP) held.dragged = true;
      if (held.dragged) {
        diagram.scroll(held.lastX - event.clientX);
        held.lastX = event.clientX;
        setTooltip(null);
        controller.animator.wake();
      }
      return;
    }
    setTooltip(tooltipAt(diagram, event.nativeEvent.offsetX, event.nativeEvent.offsetY, controller.animator.history));
  };
  const onPointerUp = (event: ReactPointerEvent<HTMLDivElement>): void => {
    const held = press.current;
    press.current = null;
    if (!held || held.dragged) return;
    diagram.click(event.nativeEvent.offsetX, event.nativeEvent.offsetY);
    controller.animator.wake();
  };
  const exportSvg = (): void => {
    const text = diagram.svg();
    if (!text) return;
    const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `chatterbox-space-time-${controller.animator.history.run?.runId.slice(0, 8) ?? 'run'}.svg`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <div className="space-time-panel">
      <div className="space-time-tools" role="toolbar" aria-label="Space-time diagram controls">
        <button type="button" className="small" onClick={act(() => diagram.zoomIn())} aria-label="Zoom in" title="Zoom in (or the mouse wheel)">
          +
        </button>
        <button type="button" className="small" onClick={act(() => diagram.zoomOut())} aria-label="Zoom out" title="Zoom out (or the mouse wheel)">
          −
        </button>
        <button type="button" className="small" onClick={act(() => diagram.showWholeRun())} data-testid="space-time-whole-run">
          Whole run
        </button>
        <label className="space-time-follow">
          <input type="checkbox" checked={status.following} onChange={(event) => act(() => diagram.setFollowing(event.target.checked))()} data-testid="space-time-follow" />
          Follow live
        </label>
        <button type="button" className="small" onClick={exportSvg} data-testid="space-time-export">
          Export SVG
        </button>
        {status.selected && (
          <button type="button" className="small" onClick={act(() => diagram.select(null))}>
            Clear selection
          </button>
        )}
      </div>
      <div
        className="space-time"
        ref={(element) => {
          box.current = element;
          ref(element);
        }}
        style={{ height }}
        data-testid="space-time"
        data-following={status.following}
        data-sampling={status.every}
        data-selected={status.selected ?? ''}
        data-highlighted-data={status.highlighted.data}
        data-highlighted-acks={status.highlighted.acks}
        data-highlighted-commits={status.highlighted.commits}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => setTooltip(null)}
      >
        <canvas ref={canvas} role="img" aria-label="Space-time diagram: a lane per node, time to the right, an arrow per frame, a dot per commit" />
        {tooltip && (
          <div className="space-time-tooltip" role="tooltip" data-testid="space-time-tooltip" style={tooltipPlace(tooltip, size.width, height)}>
            {tooltip.lines.map((line) => (
              <div key={line}>{line}</div>
            ))}
          </div>
        )}
      </div>
      <p className="muted small-print space-time-notes" data-testid="space-time-notes">
        {notesOf(status)}
      </p>
    </div>
  );
}

/** What the diagram shows, as data on its element: the window (µs), frames and commits drawn. */
function describeWindow(element: HTMLElement, diagram: SpaceTimeDiagram): void {
  const drawing = diagram.shown;
  if (!drawing) return;
  element.dataset.windowStart = String(drawing.window.start);
  element.dataset.windowEnd = String(drawing.window.end);
  element.dataset.frames = String(drawing.arrows.length);
  element.dataset.commits = String(drawing.dots.length);
}

function tooltipAt(diagram: SpaceTimeDiagram, x: number, y: number, history: { run: { startedAt: number } | null; span: { start: number } }): Tooltip | null {
  const item = diagram.itemAt(x, y);
  if (!item) return null;
  const origin = history.run?.startedAt ?? history.span.start;
  return { x, y, lines: 'kind' in item ? describeFlight(item, origin) : describeMark(item, origin) };
}

/** Beside the pointer, on the side with more room (the diagram clips what overflows it). */
function tooltipPlace(tooltip: Tooltip, width: number, height: number): CSSProperties {
  const horizontal = tooltip.x > width / 2 ? { right: width - tooltip.x + 12 } : { left: tooltip.x + 12 };
  const vertical = tooltip.y > height / 2 ? { bottom: height - tooltip.y + 12 } : { top: tooltip.y + 12 };
  return { ...horizontal, ...vertical };
}

function notesOf(status: DiagramStatus): string {
  const notes = ['Drag or shift+wheel to scroll, wheel to zoom; click a frame or commit to follow its message.'];
  if (status.every > 1) notes.push(`Showing 1 in ${status.every} messages in this window (all of a highlighted one).`);
  if (status.sampledLive) notes.push('Live nodes report a sample of their own frames and commits only: a message’s other frames, and some of its ACKs and commits, may be missing.');
  if (status.selected) notes.push(`${status.selected}: ${plural(status.highlighted.data, 'DATA frame')}, ${plural(status.highlighted.acks, 'ACK')}, ${plural(status.highlighted.commits, 'commit')}.`);
  return notes.join(' ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Whether the element is in the viewport (true until the browser says otherwise); `onEnter` runs when it scrolls into view. */
function useInView(element: RefObject<HTMLElement | null>, onEnter: () => void): RefObject<boolean> {
  const inView = useRef(true);
  const enter = useRef(onEnter);
  enter.current = onEnter;
  useEffect(() => {
    const target = element.current;
    if (!target || typeof IntersectionObserver === 'undefined') return undefined;
    const observer = new IntersectionObserver((entries) => {
      const visible = entries.some((entry) => entry.isIntersecting);
      if (visible && !inView.current) enter.current();
      inView.current = visible;
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [element]);
  return inView;
}
