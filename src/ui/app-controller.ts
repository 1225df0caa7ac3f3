// Everything behind the views that is not React: the history shown (this tab's live run, the
// sandbox's simulated cluster, or a trace file: the mode only swaps the source), the one animation
// loop over it, and the panels' clock with the view they all read at each of its ticks.

import type { PageConfig } from './config';
import { RunHistory } from './history/history';
import { scene, type Scene } from './history/scene';
import type { LinkSettings } from '../net/link-shaper';
import { traceLine, type MemberId, type TraceRecord } from '../core';
import type { CollectionProgress } from '../runtime/trace-collector';
import { fetchedRecords } from './replay/fetched-trace';
import { clockRecords, mergeClusterTrace } from '../runtime/cluster-trace';
import type { SandboxSetup } from '../sandbox/setup';
import { LiveController } from './live/live-controller';
import { PANEL_REFRESH_MS, PanelClock } from './panel-clock';
import { MAX_TRACE_BYTES, parseTrace } from './replay/trace-parser';
import { SandboxController } from './sandbox/sandbox-controller';
import { ScenarioController } from './sandbox/scenario-controller';
import { LiveScenarioController } from './live/live-scenario-controller';
import { dismissBanner, showBanner, useStore, type AppState } from './store';
import { Animator, type AnimationSource } from './timeline/animator';
import { Playhead } from './timeline/playhead';

/** Replay speeds offered, and how long (real ms) a typical frame should take on screen at the default. */
export const REPLAY_SPEEDS = [4, 1, 0.25, 0.1, 0.05, 0.01, 0.001] as const;
const COMFORTABLE_FLIGHT_MS = 400;

/** What every panel reads at one tick of the panels' clock: the same history, scene and playhead. */
export interface PanelView {
  app: AppState;
  history: RunHistory;
  scene: Scene;
  playhead: { behind: number; atEnd: boolean };
}

/** What the page runs: a live node in a room (or an observer), or the sandbox (or nothing: a trace viewer). */
export type PageRun = { kind: 'live'; config: PageConfig } | { kind: 'sandbox'; setup: SandboxSetup } | { kind: 'none' };

export class AppController {
  readonly live: LiveController | null;
  readonly sandbox: SandboxController | null;
  /** Guided scenarios, played in the sandbox. */
  readonly scenarios: ScenarioController | null;
  /** Guided scenarios on this tab's live room (members only: they start runs and cut links). */
  readonly liveScenarios: LiveScenarioController | null;
  readonly animator: Animator;
  readonly panels: PanelClock;
  /** The page's own run (live or sandbox): what a closed replay returns to. */
  private readonly liveSource: AnimationSource;
  private replaySource: AnimationSource | null = null;
  private readonly listeners = new Set<() => void>();
  private unwatch: () => void = () => undefined;
  private view: PanelView | null = null;
  private catchUpTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(run: PageRun) {
    this.live = run.kind === 'live' ? new LiveController(run.config) : null;
    this.sandbox = run.kind === 'sandbox' ? new SandboxController(run.setup) : null;
    this.scenarios = this.sandbox ? new ScenarioController(this.sandbox) : null;
    this.liveScenarios = this.live?.config.role === 'member' ? new LiveScenarioController(this.live) : null;
    this.liveSource = this.sandbox ? this.sandboxSource(this.sandbox) : this.liveRunSource();
    this.animator = new Animator(this.liveSource);
    this.animator.onFrame(() => this.changed());
    this.panels = new PanelClock(PANEL_REFRESH_MS, (listener) => this.subscribeAll(listener), undefined, () => (this.view = this.freeze()));
    if (this.live) this.live.onHistory = (history) => this.watch(history);
    if (this.sandbox) {
      useStore.setState({ mode: 'sandbox' });
      this.sandbox.onHistory = (history) => this.watch(history);
      this.sandbox.restart();
    }
    this.watch(this.liveSource.history());
  }

  private liveRunSource(): AnimationSource {
    const idle = new RunHistory({ realTime: true });
    const clock = this.live?.clock ?? (() => (performance.timeOrigin + performance.now()) * 1000);
    const bounds = this.live?.bounds ?? { earliest: () => -Infinity, latest: clock };
    return { history: () => this.live?.history ?? idle, playhead: new Playhead(bounds, bounds.latest()) };
  }

  /** The sandbox's run on its virtual time axis; the playhead follows the sandbox, whose speed is the control. */
  private sandboxSource(sandbox: SandboxController): AnimationSource {
    return { history: () => sandbox.history, playhead: new Playhead(sandbox.bounds, 0) };
  }

  /** The page's own mode: what a closed replay returns to. */
  get ownMode(): 'live' | 'sandbox' {
    return this.sandbox ? 'sandbox' : 'live';
  }

  /** Cut, loss and delay of a link: asked of the room live, applied by the sandbox in the sandbox. */
  shapeLink(a: MemberId, b: MemberId, settings: LinkSettings): void {
    if (this.sandbox) this.sandbox.shapeLink(a, b, settings);
    else this.live?.shapeLink(a, b, settings);
  }

  /** The history shown now. */
  get history(): RunHistory {
    return this.animator.history;
  }

  /** The view the panels read: frozen at the panels' last tick (or now, if the history shown changed since). */
  panelView(): PanelView {
    if (!this.view || this.view.history !== this.history || this.view.app !== useStore.getState()) this.view = this.freeze();
    return this.view;
  }

  /**
   * Reads, checks and opens trace files: one file as it is; several (one per node, e.g. every tab's
   * download) merged into one cluster trace with the clocks aligned (docs/TRACE.md, "Cluster
   * traces"). A bad file gets a message naming it and its bad line.
   */
  async openTraces(files: readonly File[]): Promise<void> {
    const name = files.length === 1 ? files[0].name : `${files.length} traces merged`;
    const fail = (reason: string): void => showBanner({ id: 'trace', tone: 'error', text: `Cannot replay ${name}: ${reason}` });
    const traces: TraceRecord[][] = [];
    for (const file of files) {
      const read = await this.readTrace(file, files.length > 1);
      if (typeof read === 'string') return fail(read);
      traces.push(read);
    }
    const records = traces.length === 1 ? traces[0] : clusterTraceRecords(traces);
    let history: RunHistory;
    try {
      history = RunHistory.fromRecords(records);
      history.track(history.rebuilt[0] ?? '')?.latest(); // replays to the end once: a broken trace fails here, not while drawing
    } catch (error) {
      return fail(`replaying it failed (${error instanceof Error ? error.message : String(error)}).`);
    }
    dismissBanner('trace');
    this.showReplay(name, history);
  }

  /**
   * The live run's cluster trace: every member's trace fetched through the server (this tab's own
   * as it is), merged with the clocks aligned as for several files. A member whose trace is
   * missing, or holds another node's records, is left out and named in `missing`.
   */
  async liveClusterTrace(onProgress: (progress: CollectionProgress) => void): Promise<LiveClusterTrace> {
    if (!this.live) throw new Error('this page runs no live node');
    const { runId, traces } = await this.live.fetchRunTraces(onProgress);
    const missing = traces.flatMap((trace) => (trace.missing === null ? [] : [trace.missing]));
    const parsed: TraceRecord[][] = [];
    for (const trace of traces) {
      if (trace.missing !== null) continue;
      const records = await fetchedRecords(trace);
      if (typeof records === 'string') missing.push(records);
      else parsed.push(records);
    }
    if (parsed.length === 0) throw new Error(`no member sent a trace of run ${runId}: ${missing.join('; ')}`);
    const records = clusterTraceRecords(parsed);
    return { runId, blob: jsonLinesBlob(records), nodes: parsed.length, records: records.length, missing };
  }

  /** One file's records, or why it cannot be read (naming the file when it is one of several). */
  private async readTrace(file: File, named: boolean): Promise<TraceRecord[] | string> {
    const which = named ? `${file.name}: ` : '';
    if (file.size > MAX_TRACE_BYTES) return `${which}the file is larger than ${MAX_TRACE_BYTES / 1024 / 1024} MiB.`;
    let text: string;
    try {
      text = await file.text();
    } catch {
      return `${which}the file could not be read.`;
    }
    showBanner({ id: 'trace', tone: 'info', text: `Reading ${file.name}…` });
    const parsed = await parseTrace(text);
    return parsed.ok ? parsed.trace.records : `${which}line ${parsed.line}: ${parsed.message}.`;
  }

  closeReplay(): void {
    this.replaySource = null;
    this.animator.setSource(this.liveSource);
    this.watch(this.liveSource.history());
    useStore.setState({ mode: this.ownMode, replay: null, selectedNode: null, selectedLink: null });
  }

  /** Plays (from the start again once at the end) or pauses the replay. */
  setReplayPlaying(playing: boolean): void {
    if (!this.replaySource) return;
    if (playing && this.animator.playhead.atEnd()) this.animator.seek(this.history.span.start);
    if (playing) this.animator.play();
    else this.animator.pause();
  }

  private showReplay(fileName: string, history: RunHistory): void {
    const { start, end } = history.span;
    const playhead = new Playhead({ earliest: () => start, latest: () => end }, start);
    playhead.setScale(comfortableSpeed(history.trafficLog.typicalFlightUs()));
    this.replaySource = { history: () => history, playhead };
    this.animator.setSource(this.replaySource);
    this.watch(history);
    useStore.setState({ mode: 'replay', selectedNode: history.rebuilt[0] ?? null, selectedLink: null, replay: { fileName } });
  }

  /** Follows the history shown: its growth wakes the animation and ticks the panels (hidden tabs draw no frames). */
  private watch(history: RunHistory): void {
    this.unwatch();
    this.unwatch = history.subscribe(() => {
      this.animator.noteActivity();
      this.changed();
    });
    this.changed();
  }

  private freeze(): PanelView {
    const history = this.history;
    const playhead = this.animator.playhead;
    const nowMs = performance.now();
    const time = playhead.time(nowMs);
    const previous = this.view?.history === history ? this.view.scene : null;
    this.catchUpLater(history, time);
    return { app: useStore.getState(), history, scene: scene(history, time, { traffic: false }, previous), playhead: { behind: playhead.behind(nowMs), atEnd: playhead.atEnd(nowMs) } };
  }

  /**
   * Live, what the panels show moves on without new records: the playhead trails the newest record
   * by a flight time, and a member that reports no more (it left) is in the phase its run's clock
   * says. So the panels look again until the playhead has passed both the newest record and the
   * run's end by the clock; otherwise they would keep showing the moment before the last report.
   */
  private catchUpLater(history: RunHistory, time: number): void {
    const run = history.run;
    const runEnd = run ? run.startedAt + (run.params.sendForMs + run.params.waitForMs) * 1000 : -Infinity;
    const settled = time >= history.span.end && time >= runEnd;
    if (!history.realTime || this.animator.playhead.paused || settled || this.catchUpTimer !== null) return;
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = null;
      this.changed();
    }, PANEL_REFRESH_MS);
  }

  private subscribeAll(listener: () => void): () => void {
    const fromStore = useStore.subscribe(listener);
    this.listeners.add(listener);
    return () => {
      fromStore();
      this.listeners.delete(listener);
    };
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** The offered speed (at most 1×) at which a typical frame takes closest to COMFORTABLE_FLIGHT_MS on screen. */
function comfortableSpeed(typicalFlightUs: number): number {
  const ideal = Math.min(1, typicalFlightUs / 1000 / COMFORTABLE_FLIGHT_MS);
  const distance = (speed: number): number => Math.abs(Math.log(speed / ideal));
  return REPLAY_SPEEDS.reduce((best, speed) => (distance(speed) < distance(best) ? speed : best));
}

/** The live run's merged trace, and whose trace is not in it (and why). */
export interface LiveClusterTrace {
  runId: string;
  blob: Blob;
  nodes: number;
  records: number;
  missing: string[];
}

/** Records as a JSON Lines file, joined in slices so a large trace does not become one huge string. */
function jsonLinesBlob(records: readonly TraceRecord[]): Blob {
  const slices: string[] = [];
  for (let i = 0; i < records.length; i += 10_000) {
    slices.push(records.slice(i, i + 10_000).map((record) => traceLine(record) + '\n').join(''));
  }
  return new Blob(slices, { type: 'application/x-ndjson' });
}

/** Per-node traces as one cluster trace: the clock records, then every record on the reference clock (as `chatterbox cluster --trace-dir` writes cluster.jsonl). */
function clusterTraceRecords(traces: readonly TraceRecord[][]): TraceRecord[] {
  const merged = mergeClusterTrace(traces);
  return [...clockRecords(merged), ...merged.records];
}
