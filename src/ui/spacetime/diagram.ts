// The space-time diagram's state and drawing, without React: which time window it shows (following
// the playhead, or where the user scrolled and zoomed), the selected message, and the redraw, done
// only when the window, the size, the members, the traffic in view or the selection changed. The
// view component (views/SpaceTime.tsx) forwards pointer and wheel events and shows the notes.

import type { MemberId } from '../../core';
import type { ColorOf } from '../colors';
import type { RunHistory } from '../history/history';
import { doneAtOf, recentSpanUs } from '../history/scene';
import { prepareCanvas } from '../canvas';
import type { CommitMark, Flight } from '../timeline/flights';
import { buildDrawing, FOLLOWING_FRAME_BUDGET, FRAME_BUDGET, shapesOf, type Drawing } from './drawing';
import { fitWindow, followWindow, hitTest, panWindow, timeOfX, zoomWindow, type Plot, type TimeWindow } from './geometry';
import { highlightOf, messageName, messageOfFlight, messageOfMark, type Highlight, type MessageId } from './selection';
import { paintDrawing } from './paint';
import { drawingToSvg } from './svg';

/** At most 30 redraws a second as the playhead or the traffic move (a software-drawn canvas costs the main thread); a user's action redraws at once. */
const REDRAW_EVERY_MS = 32;
/** How near (px) a click or hover must be to a frame or commit. */
const HIT_TOLERANCE = 5;
const ZOOM_STEP = 1.5;
/** While the history grows, a selected message's frames are gathered anew at most this often (a scan of the whole history). */
const HIGHLIGHT_REFRESH_MS = 1000;

/** What the page shows next to the canvas; `notes` change rarely, so React renders them. */
export interface DiagramStatus {
  following: boolean;
  /** Messages drawn: 1 in `every` (of the run's: the history's own sample included). */
  every: number;
  /** Some members' frames are sampled by a live tab, not recorded. */
  sampledLive: boolean;
  selected: string | null;
  highlighted: { data: number; acks: number; commits: number };
}

export interface DiagramContext {
  history: RunHistory;
  members: readonly MemberId[];
  colorOf: ColorOf;
  plot: Plot;
  playhead: number;
  /** Default width of the followed window (the animation's speed sets it until the user zooms). */
  scale: number;
}

export class SpaceTimeDiagram {
  private history: RunHistory | null = null;
  private following = true;
  /** The followed window's width once the user zoomed; null: the default for the speed. */
  private followSpan: number | null = null;
  private window: TimeWindow = { start: 0, end: 1 };
  private highlight: Highlight | null = null;
  private highlightVersion = -1;
  private highlightMs = -Infinity;
  private drawing: Drawing | null = null;
  private drawnKey = '';
  private drawnColors: ColorOf | null = null;
  private lastDrawMs = -Infinity;
  /** The drawing was built out of view and is not on the canvas yet. */
  private unpainted = false;
  private context: DiagramContext | null = null;
  private status: DiagramStatus = { following: true, every: 1, sampledLive: false, selected: null, highlighted: { data: 0, acks: 0, commits: 0 } };

  /** @param onStatus told when what the page shows about the diagram changed. */
  constructor(private readonly onStatus: (status: DiagramStatus) => void) {}

  /**
   * Redraws when something it shows changed; returns whether it redrew. Out of view (`visible`
   * false) the drawing is built, for what the page says about it, and painted once in view.
   */
  draw(canvas: HTMLCanvasElement, context: DiagramContext, nowMs: number, visible = true): boolean {
    this.context = context;
    if (context.history !== this.history) this.reset(context.history);
    if (this.following) this.window = this.followed(context);
    const lastActivity = context.history.trafficLog.lastActivity;
    const nothingInView = lastActivity < this.window.start;
    const key = [context.plot.width, context.plot.height, context.members.join(','), nothingInView ? 'empty' : `${this.window.start}-${this.window.end}`, Math.min(context.playhead, this.window.end, lastActivity), this.highlightVersion].join('|');
    if (key === this.drawnKey && context.colorOf === this.drawnColors) return visible && this.paintPending(canvas, context);
    if (key !== this.drawnKey && this.drawnKey !== '' && nowMs - this.lastDrawMs < REDRAW_EVERY_MS) return true;
    this.drawnKey = key;
    this.drawnColors = context.colorOf;
    this.lastDrawMs = nowMs;
    if (nowMs - this.highlightMs >= HIGHLIGHT_REFRESH_MS) this.refreshHighlight(context, nowMs);
    this.drawing = this.build(context);
    this.unpainted = true;
    if (visible) this.paintPending(canvas, context);
    this.publish(context);
    return true;
  }

  /** Paints the drawing built last if it is not on the canvas yet; returns whether it painted. */
  private paintPending(canvas: HTMLCanvasElement, context: DiagramContext): boolean {
    if (!this.unpainted || !this.drawing) return false;
    this.unpainted = false;
    const painter = prepareCanvas(canvas, context.plot.width, context.plot.height);
    if (painter) paintDrawing(painter, this.drawing);
    return true;
  }

  /** The drawing on screen (null before the first). */
  get shown(): Drawing | null {
    return this.drawing;
  }

  /** The frame or commit under (x, y), if any. */
  itemAt(x: number, y: number): Flight | CommitMark | null {
    return this.drawing ? hitTest(shapesOf(this.drawing), x, y, HIT_TOLERANCE) : null;
  }

  /** Selects the message of what is under (x, y), or clears the selection when nothing is. */
  click(x: number, y: number): void {
    const item = this.itemAt(x, y);
    this.select(item ? ('kind' in item ? messageOfFlight(item) : messageOfMark(item)) : null);
  }

  select(message: MessageId | null): void {
    this.highlight = message ? { message, data: new Set(), acks: new Set(), commits: new Set() } : null;
    this.highlightVersion = -1;
    this.drawnKey = '';
    if (this.context) this.refreshHighlight(this.context, performance.now());
  }

  /** Zooms by `factor` (< 1: in) around x; while following, the window keeps ending at the playhead. */
  zoom(factor: number, x?: number): void {
    const plot = this.context?.plot;
    if (this.following) {
      const span = zoomWindow(this.window, this.window.end, factor);
      this.followSpan = span.end - span.start;
    } else {
      const anchor = plot && x !== undefined ? timeOfX(plot, this.window, x) : (this.window.start + this.window.end) / 2;
      this.window = zoomWindow(this.window, anchor, factor);
    }
    this.drawnKey = '';
  }

  zoomIn(): void {
    this.zoom(1 / ZOOM_STEP);
  }

  zoomOut(): void {
    this.zoom(ZOOM_STEP);
  }

  /** Scrolls by `pixels` (positive: later); stops following. */
  scroll(pixels: number): void {
    const plot = this.context?.plot;
    if (!plot) return;
    const usPerPixel = (this.window.end - this.window.start) / Math.max(1, plot.width - plot.left - plot.right);
    this.setFollowing(false);
    this.window = panWindow(this.window, pixels * usPerPixel);
    this.drawnKey = '';
  }

  /** Shows the whole run up to the playhead; stops following. */
  showWholeRun(): void {
    if (!this.context) return;
    this.setFollowing(false);
    this.window = this.wholeRun(this.context);
    this.drawnKey = '';
  }

  setFollowing(following: boolean): void {
    if (following === this.following) return;
    this.following = following;
    if (following && this.context) this.followSpan = this.window.end - this.window.start;
    this.drawnKey = '';
    this.publish(this.context);
  }

  /** The window on screen as a standalone SVG document, or null before the first drawing. */
  svg(): string | null {
    if (!this.drawing) return null;
    const run = this.history?.run;
    const what = run ? `run ${run.run} (${run.runId})` : 'trace';
    const sampled = this.drawing.every > 1 ? `, 1 in ${this.drawing.every} messages shown` : '';
    const selected = this.highlight ? `, ${messageName(this.highlight.message)} highlighted` : '';
    return drawingToSvg(this.drawing, `Chatterbox space-time diagram, ${what}${sampled}${selected}`);
  }

  private reset(history: RunHistory): void {
    this.history = history;
    // A live history, or one still empty (it will grow, as a simulator's does), is followed; a loaded file is shown whole.
    this.following = history.realTime || !Number.isFinite(history.trafficLog.lastActivity);
    this.followSpan = null;
    this.highlight = null;
    this.highlightVersion = -1;
    this.drawnKey = '';
    if (!this.following && this.context) this.window = this.wholeRun({ ...this.context, history, playhead: Infinity });
  }

  private followed(context: DiagramContext): TimeWindow {
    const span = this.followSpan ?? recentSpanUs(context.scale);
    return followWindow(span, context.playhead, context.history.trafficLog.lastActivity, doneAtOf(context.history) !== null);
  }

  private wholeRun(context: DiagramContext): TimeWindow {
    const history = context.history;
    const from = history.run?.startedAt ?? history.span.start;
    return fitWindow(from, Math.min(context.playhead, history.trafficLog.lastActivity));
  }

  /** Gathers the selected message's frames and commits anew when the history grew. */
  private refreshHighlight(context: DiagramContext, nowMs: number): void {
    if (!this.highlight || this.highlightVersion === context.history.version) return;
    this.highlightMs = nowMs;
    const traffic = context.history.trafficLog;
    this.highlight = highlightOf(this.highlight.message, traffic.flights(-Infinity, Infinity, Infinity), traffic.commits(-Infinity, Infinity, Infinity), Infinity);
    this.highlightVersion = context.history.version;
  }

  private build(context: DiagramContext): Drawing {
    const traffic = context.history.trafficLog;
    const history = context.history;
    const budget = this.following ? FOLLOWING_FRAME_BUDGET : FRAME_BUDGET;
    const every = traffic.messageSampling(this.window.start, this.window.end, budget);
    return buildDrawing({
      members: context.members,
      colorOf: context.colorOf,
      plot: context.plot,
      window: this.window,
      playhead: context.playhead,
      origin: history.run?.startedAt ?? history.span.start,
      flights: traffic.flights(this.window.start, this.window.end, budget * 2, every),
      marks: traffic.commits(this.window.start, this.window.end, budget, every),
      every,
      highlight: this.highlight,
    });
  }

  private publish(context: DiagramContext | null): void {
    const highlight = this.highlight;
    const playhead = context?.playhead ?? Infinity;
    const shown = (items: Set<Flight> | Set<CommitMark> | undefined): number => [...(items ?? [])].filter((item) => item.start <= playhead).length;
    const status: DiagramStatus = {
      following: this.following,
      every: (this.drawing?.every ?? 1) * sourceEvery(context),
      sampledLive: context?.history.trafficSampling === 'nodes',
      selected: highlight ? messageName(highlight.message) : null,
      highlighted: { data: shown(highlight?.data), acks: shown(highlight?.acks), commits: shown(highlight?.commits) },
    };
    if (JSON.stringify(status) === JSON.stringify(this.status)) return;
    this.status = status;
    this.onStatus(status);
  }
}

/** Of how many messages the history got one (a sandbox at high speed hands over a sample). */
function sourceEvery(context: DiagramContext | null): number {
  const sampling = context?.history.trafficSampling;
  return typeof sampling === 'number' ? sampling : 1;
}
