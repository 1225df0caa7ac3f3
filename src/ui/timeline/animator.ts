// The one animation loop: every frame (fewer when the main thread is busy) it reads the playhead,
// lets each view layer draw directly (SVG or canvas, no React), and publishes the node states at
// the playhead to the store at most 20 times a second (and only when they changed). With nothing
// moving it sleeps, and wakes when the timeline records something or the user acts.

import type { MemberId } from '../../core';
import type { NodeSnapshot } from '../../runtime/snapshot';
import { useStore } from '../store';
import { FramePacer } from './frame-pacer';
import { Playhead } from './playhead';
import type { Timeline } from './timeline';

export interface AnimationFrame {
  /** The playhead, timeline µs. */
  time: number;
  /** The playhead's speed relative to real time (0 while paused). */
  scale: number;
  timeline: Timeline;
}

/** Draws the frame; returns whether it shows something that moves (the loop keeps running). */
export type Layer = (frame: AnimationFrame) => boolean;

/** Where the animation reads from: a timeline, its playhead, and the members to show. */
export interface AnimationSource {
  timeline: Timeline;
  playhead: Playhead;
  members: () => readonly MemberId[];
}

/** Node states reach React at most 20 times a second (the packets move every frame). */
const PUBLISH_EVERY_MS = 50;
/** The "behind live" readout changes this often at most. */
const BEHIND_EVERY_MS = 250;
/** With nothing moving for this long, the loop sleeps until woken. */
const IDLE_AFTER_MS = 1500;

export class Animator {
  private readonly layers = new Set<Layer>();
  private readonly pacer = new FramePacer();
  private frameRequest: number | null = null;
  /** Waiting to ask for the next frame (drawing less often than every display frame). */
  private pauseTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private lastBusyMs = -Infinity;
  private lastPublishMs = -Infinity;
  private lastBehindMs = -Infinity;

  constructor(private source: AnimationSource) {}

  get playhead(): Playhead {
    return this.source.playhead;
  }

  get timeline(): Timeline {
    return this.source.timeline;
  }

  setSource(source: AnimationSource): void {
    this.source = source;
    this.lastPublishMs = -Infinity;
    useStore.setState({ animation: { scale: source.playhead.scale, paused: source.playhead.paused } });
    this.wake();
  }

  /** Registers a drawing layer; returns its removal. */
  addLayer(layer: Layer): () => void {
    this.layers.add(layer);
    this.wake();
    return () => this.layers.delete(layer);
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

  /** Something new was recorded on the timeline: draw it (and count it towards the message rate). */
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
    this.lastPublishMs = -Infinity;
    this.wake();
  }

  jumpToEnd(): void {
    this.playhead.jumpToEnd();
    this.lastPublishMs = -Infinity;
    this.wake();
  }

  private readonly loop = (): void => {
    const nowMs = performance.now(); // the same clock as the timeline's, unlike rAF's frame time
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

  /** Draws every layer and publishes; returns whether anything moves. */
  private draw(nowMs: number): boolean {
    const time = this.playhead.time(nowMs);
    const frame: AnimationFrame = { time, scale: this.playhead.paused ? 0 : this.playhead.scale, timeline: this.source.timeline };
    let busy = false;
    for (const layer of this.layers) {
      try {
        if (layer(frame)) busy = true;
      } catch (error) {
        console.error('animation layer failed', error);
      }
    }
    if (nowMs - this.lastPublishMs >= PUBLISH_EVERY_MS * this.pacer.stride && this.publish(time, nowMs)) busy = true;
    const catchingUp = !this.playhead.paused && this.playhead.behind(nowMs) > 0;
    return busy || catchingUp;
  }

  /** Publishes the node states at the playhead; returns whether they changed. */
  private publish(time: number, nowMs: number): boolean {
    this.lastPublishMs = nowMs;
    const previous = useStore.getState().view;
    const snapshots: Record<MemberId, NodeSnapshot | null> = {};
    let changed = false;
    for (const id of this.source.members()) {
      snapshots[id] = this.source.timeline.snapshotAt(id, time);
      if (snapshots[id] !== previous.snapshots[id]) changed = true;
    }
    if (Object.keys(previous.snapshots).length !== Object.keys(snapshots).length) changed = true;
    const behindDue = nowMs - this.lastBehindMs >= BEHIND_EVERY_MS;
    if (!changed && !behindDue) return false;
    if (behindDue) this.lastBehindMs = nowMs;
    const behind = this.playhead.behind(nowMs);
    if (!changed && behind === previous.behind) return false;
    useStore.setState({ view: { playhead: time, behind, snapshots: changed ? snapshots : previous.snapshots } });
    return changed;
  }

  private publishControls(): void {
    useStore.setState({ animation: { scale: this.playhead.scale, paused: this.playhead.paused } });
    this.lastPublishMs = -Infinity;
    this.wake();
  }
}
