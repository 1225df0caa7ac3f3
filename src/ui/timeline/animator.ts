// The one animation loop, RaftScope's: every frame (fewer when the main thread is busy) it reads
// the playhead, computes `scene(history, playhead)` once, and hands it to each view layer, which
// draws it directly (canvas, no React). Layers take everything as arguments and write no app state;
// the loop only tells its listeners (the panels' clock) that the picture moved. With nothing moving
// it sleeps, and wakes when the history grows or the user acts.

import type { RunHistory } from '../history/history';
import { scene, type Scene } from '../history/scene';
import { useStore } from '../store';
import { FramePacer } from './frame-pacer';
import { Playhead } from './playhead';

export interface AnimationFrame {
  /** The playhead, history µs. */
  time: number;
  /** The playhead's speed relative to real time (0 while paused). */
  scale: number;
  /** The run at the playhead. */
  scene: Scene;
}

/** Draws the frame; returns whether it shows something that moves (the loop keeps running). */
export type Layer = (frame: AnimationFrame) => boolean;

/** Where the animation reads from: a history (the live one changes with each run) and its playhead. */
export interface AnimationSource {
  history: () => RunHistory;
  playhead: Playhead;
}

/** Node states are taken anew at most this often (redrawing them costs more than moving packets). */
const NODES_EVERY_MS = 50;
/** With nothing moving for this long, the loop sleeps until woken. */
const IDLE_AFTER_MS = 1500;

export class Animator {
  private readonly layers = new Set<Layer>();
  private readonly pacer = new FramePacer();
  private readonly listeners = new Set<() => void>();
  private frameRequest: number | null = null;
  /** Waiting to ask for the next frame (drawing less often than every display frame). */
  private pauseTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private lastBusyMs = -Infinity;
  /** The last scene drawn and its history (the next scene shares its unchanged parts). */
  private drawn: { history: RunHistory; scene: Scene; nodesAt: number; nodesMs: number } | null = null;

  constructor(private source: AnimationSource) {}

  get playhead(): Playhead {
    return this.source.playhead;
  }

  get history(): RunHistory {
    return this.source.history();
  }

  setSource(source: AnimationSource): void {
    this.source = source;
    this.drawn = null;
    useStore.setState({ animation: { scale: source.playhead.scale, paused: source.playhead.paused } });
    this.wake();
  }

  /** Registers a drawing layer; returns its removal. */
  addLayer(layer: Layer): () => void {
    this.layers.add(layer);
    this.wake();
    return () => this.layers.delete(layer);
  }

  /** Listens to frames drawn (the playhead moved or the scene changed); returns the removal. */
  onFrame(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.running = true;
    this.wake();
  }

  stop(): void {
    this.running = false;
    if (this.frameRequest !== null) cancelAnimationFrame(this.frameRequest);
    if (this.pauseTimer !== null) clearTimeout(this.pauseTimer);
    this.frameRequest = null;
    this.pauseTimer = null;
  }

  /** Something new was recorded in the history: draw it (and count it towards the message rate). */
  noteActivity(): void {
    const nowMs = performance.now();
    this.pacer.noteActivity(nowMs);
    this.wake(nowMs);
  }

  /** Draws again soon: something changed (a user action, a resize). */
  wake(nowMs: number = performance.now()): void {
    this.lastBusyMs = nowMs;
    if (this.running && this.frameRequest === null && this.pauseTimer === null) this.frameRequest = requestAnimationFrame(this.loop);
  }

  setScale(scale: number): void {
    this.playhead.setScale(scale);
    this.publishControls();
  }

  pause(): void {
    this.playhead.pause();
    this.publishControls();
  }

  play(): void {
    this.playhead.play();
    this.publishControls();
  }

  seek(time: number): void {
    this.playhead.seek(time);
    this.wake();
  }

  jumpToEnd(): void {
    this.playhead.jumpToEnd();
    this.wake();
  }

  private readonly loop = (): void => {
    const nowMs = performance.now(); // the same clock as the playhead's, unlike rAF's frame time
    this.frameRequest = null;
    const waitMs = this.pacer.drawn(nowMs);
    if (this.draw(nowMs)) this.lastBusyMs = nowMs;
    if (!this.running || nowMs - this.lastBusyMs >= IDLE_AFTER_MS) return;
    if (waitMs <= 0) {
      this.frameRequest = requestAnimationFrame(this.loop);
      return;
    }
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = null;
      if (this.running && this.frameRequest === null) this.frameRequest = requestAnimationFrame(this.loop);
    }, waitMs);
  };

  /** Draws every layer from one scene; returns whether anything moves. */
  private draw(nowMs: number): boolean {
    const history = this.source.history();
    const time = this.playhead.time(nowMs);
    const scale = this.playhead.paused ? 0 : this.playhead.scale;
    const last = this.drawn?.history === history ? this.drawn : null;
    const previous = last?.scene ?? null;
    const fresh = !last || nowMs - last.nodesMs >= NODES_EVERY_MS || time < last.nodesAt;
    const nodesAt = fresh ? time : last.nodesAt;
    const current = scene(history, time, { nodesAt }, previous);
    this.drawn = { history, scene: current, nodesAt, nodesMs: fresh ? nowMs : last.nodesMs };
    const frame: AnimationFrame = { time, scale, scene: current };
    const nodesChanged = current.nodes !== previous?.nodes;
    let busy = nodesChanged;
    for (const layer of this.layers) {
      try {
        if (layer(frame)) busy = true;
      } catch (error) {
        console.error('animation layer failed', error);
      }
    }
    if (nodesChanged || current.time !== previous?.time) for (const listener of [...this.listeners]) listener();
    const catchingUp = !this.playhead.paused && this.playhead.behind(nowMs) > 0;
    return busy || catchingUp;
  }

  /** The user's speed and pause choices, for the controls. */
  private publishControls(): void {
    useStore.setState({ animation: { scale: this.playhead.scale, paused: this.playhead.paused } });
    this.wake();
  }
}
