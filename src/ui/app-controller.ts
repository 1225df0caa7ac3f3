// Everything behind the views that is not React: this tab's live node, the animation loop, and
// opening a trace to replay it (and going back to live).

import type { PageConfig } from './config';
import { LiveController } from './live/live-controller';
import { ReplayTimeline } from './replay/replay-timeline';
import { MAX_TRACE_BYTES, parseTrace } from './replay/trace-parser';
import { dismissBanner, liveMembersOf, showBanner, useStore } from './store';
import { Animator, type AnimationSource } from './timeline/animator';
import { LiveTimeline } from './timeline/live-timeline';
import { Playhead } from './timeline/playhead';

/** Replay speeds offered, and how long (real ms) a typical frame should take on screen at the default. */
export const REPLAY_SPEEDS = [4, 1, 0.25, 0.1, 0.05, 0.01, 0.001] as const;
const COMFORTABLE_FLIGHT_MS = 400;

export class AppController {
  readonly live: LiveController | null;
  readonly animator: Animator;
  private readonly liveSource: AnimationSource;
  private replay: ReplayTimeline | null = null;

  constructor(config: PageConfig | null) {
    this.live = config ? new LiveController(config) : null;
    const timeline = this.live?.timeline ?? new LiveTimeline();
    const clock = this.live?.clock ?? (() => (performance.timeOrigin + performance.now()) * 1000);
    const bounds = this.live?.bounds ?? { earliest: () => -Infinity, latest: clock };
    this.liveSource = { timeline, playhead: new Playhead(bounds, bounds.latest()), members: () => liveMembersOf(useStore.getState()) };
    this.animator = new Animator(this.liveSource);
    timeline.onActivity = () => this.animator.noteActivity();
  }

  get replayTimeline(): ReplayTimeline | null {
    return this.replay;
  }

  /** Reads, checks and opens a trace file; a bad file gets a message naming the bad line. */
  async openTrace(file: File): Promise<void> {
    const fail = (reason: string): void => showBanner({ id: 'trace', tone: 'error', text: `Cannot replay ${file.name}: ${reason}` });
    if (file.size > MAX_TRACE_BYTES) return fail(`the file is larger than ${MAX_TRACE_BYTES / 1024 / 1024} MiB.`);
    let text: string;
    try {
      text = await file.text();
    } catch {
      return fail('the file could not be read.');
    }
    showBanner({ id: 'trace', tone: 'info', text: `Reading ${file.name}…` });
    const parsed = await parseTrace(text);
    if (!parsed.ok) return fail(`line ${parsed.line}: ${parsed.message}.`);
    let timeline: ReplayTimeline;
    try {
      timeline = new ReplayTimeline(parsed.trace);
    } catch (error) {
      return fail(`replaying it failed (${error instanceof Error ? error.message : String(error)}).`);
    }
    dismissBanner('trace');
    this.showReplay(file.name, timeline, parsed.trace.records.length);
  }

  closeReplay(): void {
    this.replay = null;
    this.animator.setSource(this.liveSource);
    useStore.setState({ mode: 'live', replay: null, selectedNode: null, selectedLink: null });
  }

  setReplayPlaying(playing: boolean): void {
    if (!this.replay) return;
    if (playing && this.animator.playhead.atEnd()) this.animator.seek(this.replay.summary.start);
    if (playing) this.animator.play();
    else this.animator.pause();
    this.patchReplay({ playing });
  }

  setReplaySpeed(speed: number): void {
    this.animator.setScale(speed);
    this.patchReplay({ speed });
  }

  private showReplay(fileName: string, timeline: ReplayTimeline, records: number): void {
    const summary = timeline.summary;
    const speed = comfortableSpeed(summary.typicalFlightUs);
    const playhead = new Playhead({ earliest: () => summary.start, latest: () => summary.end }, summary.start);
    playhead.setScale(speed);
    this.replay = timeline;
    this.animator.setSource({ timeline, playhead, members: () => summary.members });
    useStore.setState({
      mode: 'replay',
      selectedNode: summary.recorded[0] ?? null,
      selectedLink: null,
      replay: {
        fileName,
        members: summary.members,
        recorded: summary.recorded,
        start: summary.start,
        end: summary.end,
        records,
        params: summary.params,
        results: summary.results,
        notes: summary.notes,
        throughput: summary.throughput,
        playing: true,
        speed,
      },
    });
  }

  private patchReplay(patch: { playing?: boolean; speed?: number }): void {
    useStore.setState((state) => (state.replay ? { replay: { ...state.replay, ...patch } } : state));
  }
}

/** The offered speed (at most 1×) at which a typical frame takes closest to COMFORTABLE_FLIGHT_MS on screen. */
function comfortableSpeed(typicalFlightUs: number): number {
  const ideal = Math.min(1, typicalFlightUs / 1000 / COMFORTABLE_FLIGHT_MS);
  const distance = (speed: number): number => Math.abs(Math.log(speed / ideal));
  return REPLAY_SPEEDS.reduce((best, speed) => (distance(speed) < distance(best) ? speed : best));
}
