// Drives a sandbox engine with real time: virtual time advances at real time × speed (paused, slow
// motion, real time, or as fast as the CPU allows), and what the page draws goes out at most once a
// frame, folded from the records here (frame-report.ts). The same class runs in the sandbox worker
// or, as a fallback, on the page's thread.

import type { Timers } from '../net/timers';
import { createEngine, type Accepted, type SandboxEngine, type SandboxResults } from './engine';
import { FrameReporter, type SandboxFrame } from './frame-report';
import type { MemberId } from '../core';
import type { SandboxAction, SandboxCommand, SandboxSetup } from './setup';

/** Virtual seconds per real second (0 pauses), or 'max': as fast as the CPU allows, yielding every frame. */
export type Speed = number | 'max';

/** From the page to its sandbox. */
export type ToSandbox =
  | { type: 'load'; setup: SandboxSetup; speed: Speed }
  | { type: 'act'; id: number; command: SandboxCommand }
  | { type: 'speed'; speed: Speed }
  /** Whether frames carry the events guided scenarios follow (off by default: they cost the page). */
  | { type: 'watch'; on: boolean }
  /** The node whose commit log the page shows (null: the first member). */
  | { type: 'inspect'; node: MemberId | null }
  /** Asks for the run's records so far as JSON Lines (answered with `trace` and the same id). */
  | { type: 'trace'; id: number }
  | { type: 'close' };

/** From the sandbox to its page; `run` counts loads, so a page can drop what an older run still sent. */
export type FromSandbox =
  | { type: 'loaded'; run: number; members: MemberId[]; endUs: number; setup: SandboxSetup }
  /** A SandboxFrame as JSON: a page parses it in a fraction of what a structured clone of it costs. */
  | { type: 'frame'; run: number; json: string }
  | { type: 'trace'; run: number; id: number; text: string }
  | { type: 'acted'; run: number; id: number; accepted: Accepted }
  | { type: 'done'; run: number; cursorUs: number; results: SandboxResults; actions: SandboxAction[] }
  | { type: 'error'; message: string };

/** A batch goes out at most this often (about one animation frame). */
export const FRAME_MS = 16;
/** At full speed, work this long per frame, then yield. */
const WORK_PER_FRAME_MS = 10;
/** At full speed, virtual time advanced per engine call between clock checks. */
const MAX_SPEED_SLICE_US = 5_000;
/** Node figures go out at most this often while the run moves (the page redraws node states at 20 Hz). */
const NODES_EVERY_MS = 50;
/** Highest finite speed accepted (virtual seconds per real second). */
export const MAX_SPEED = 1000;
/** Records per frame by default: enough for 16 nodes at several times real time, few enough to fold in a frame. */
export const DEFAULT_MAX_BATCH = 4000;

export class SandboxDriver {
  private engine: SandboxEngine | null = null;
  private reporter: FrameReporter | null = null;
  private watching = false;
  /** The node whose commits the page shows (see FrameReporter.inspect). */
  private inspected: MemberId | null = null;
  private run = 0;
  private speed: Speed = 0;
  /** Real time (ms) and virtual time (µs) that correspond: virtual = virtualUs + (now - realMs) × speed. */
  private anchor = { realMs: 0, virtualUs: 0 };
  private timer: unknown = null;
  private lastPostedCursor = -1;
  private nodesPostedMs = -Infinity;
  private donePosted = false;

  constructor(
    private readonly clock: () => number,
    private readonly timers: Timers,
    private readonly post: (message: FromSandbox) => void,
    private readonly maxBatch = DEFAULT_MAX_BATCH,
  ) {}

  handle(message: ToSandbox): void {
    switch (message?.type) {
      case 'load':
        this.load(message.setup, message.speed);
        break;
      case 'act':
        this.act(message.id, message.command);
        break;
      case 'speed':
        this.setSpeed(message.speed);
        break;
      case 'trace':
        this.post({ type: 'trace', run: this.run, id: message.id, text: this.reporter?.traceText() ?? '' });
        break;
      case 'watch':
        this.watching = message.on === true;
        if (this.reporter) this.reporter.watching = this.watching;
        break;
      case 'inspect':
        this.inspected = typeof message.node === 'string' ? message.node : null;
        this.reporter?.inspect(this.inspected);
        if (this.engine && this.timer === null) this.flush(this.engine); // paused or over: no frame is coming, so one goes now
        break;
      case 'close':
        this.stopTimer();
        this.engine = null;
        this.reporter = null;
        break;
      default:
        this.post({ type: 'error', message: `the sandbox got a message it does not know: ${JSON.stringify(message)?.slice(0, 80)}` });
    }
  }

  /** Drops the current run (even when the new setup is refused: the page asked for another run). */
  private load(setup: SandboxSetup, speed: Speed): void {
    this.stopTimer();
    this.engine = null;
    this.reporter = null;
    const created = createEngine(setup);
    if (!created.ok) {
      this.post({ type: 'error', message: created.error });
      return;
    }
    this.run += 1;
    this.engine = created.engine;
    this.reporter = new FrameReporter(created.engine.members, this.inspected);
    this.reporter.watching = this.watching;
    this.lastPostedCursor = -1;
    this.donePosted = false;
    this.post({ type: 'loaded', run: this.run, members: created.engine.members, endUs: created.engine.endUs, setup });
    this.setSpeed(speed);
  }

  private act(id: number, command: SandboxCommand): void {
    if (!this.engine) {
      this.post({ type: 'error', message: 'no sandbox run is loaded' });
      return;
    }
    this.post({ type: 'acted', run: this.run, id, accepted: this.engine.act(command) });
    this.schedule();
  }

  private setSpeed(speed: Speed): void {
    const error = speedError(speed);
    if (error) {
      this.post({ type: 'error', message: error });
      return;
    }
    this.speed = speed;
    this.reporter?.resetSampling();
    this.anchor = { realMs: this.clock(), virtualUs: this.engine?.cursor ?? 0 };
    if (speed === 0) this.stopTimer();
    else this.schedule();
    // Paused: the page shows the nodes exactly where the run stopped.
    if (speed === 0 && this.engine) this.flush(this.engine);
  }

  private schedule(): void {
    if (this.timer === null && this.engine && !this.engine.done) this.timer = this.timers.set(() => this.frame(), FRAME_MS);
  }

  private stopTimer(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  /** One frame: advance as the speed says, hand over what happened, come back next frame. */
  private frame(): void {
    this.timer = null;
    const engine = this.engine;
    if (!engine) return;
    if (this.speed === 'max') this.advanceFlatOut(engine);
    else if (this.speed > 0) this.advanceWithClock(engine, this.speed);
    this.flush(engine);
    if (this.speed !== 0) this.schedule();
  }

  private advanceWithClock(engine: SandboxEngine, speed: number): void {
    const now = this.clock();
    const target = this.anchor.virtualUs + (now - this.anchor.realMs) * speed * 1000;
    engine.advance(Math.floor(target), this.maxBatch);
    // Too many records to show at this speed: virtual time slows down instead of running away.
    if (engine.recordsWaiting >= this.maxBatch) this.anchor = { realMs: now, virtualUs: engine.cursor };
  }

  private advanceFlatOut(engine: SandboxEngine): void {
    const started = this.clock();
    while (!engine.done && engine.recordsWaiting < this.maxBatch && this.clock() - started < WORK_PER_FRAME_MS) {
      engine.advance(engine.cursor + MAX_SPEED_SLICE_US, this.maxBatch);
    }
    this.anchor = { realMs: this.clock(), virtualUs: engine.cursor };
  }

  /**
   * Posts what happened since the last frame (when anything did, or the cursor moved), with the
   * nodes' figures at most every NODES_EVERY_MS while the run moves (always once it is paused or
   * over), then the results once done.
   */
  private flush(engine: SandboxEngine): void {
    const records = engine.takeRecords();
    const reporter = this.reporter!;
    reporter.fold(records);
    const now = this.clock();
    const withNodes = this.speed === 0 || engine.done || now - this.nodesPostedMs >= NODES_EVERY_MS;
    const moved = records.length > 0 || engine.cursor !== this.lastPostedCursor;
    if (moved || (withNodes && reporter.nodesPending) || reporter.commitHistoryPending) {
      this.lastPostedCursor = engine.cursor;
      if (withNodes) this.nodesPostedMs = now;
      const frame: SandboxFrame = reporter.take(engine.cursor, (id) => engine.nodeState(id), withNodes);
      this.post({ type: 'frame', run: this.run, json: JSON.stringify(frame) });
    }
    if (engine.done && !this.donePosted) {
      this.donePosted = true;
      this.post({ type: 'done', run: this.run, cursorUs: engine.cursor, results: engine.results!, actions: [...engine.actions] });
    }
  }
}

function speedError(speed: unknown): string | null {
  if (speed === 'max') return null;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < 0 || speed > MAX_SPEED) {
    return `speed must be 'max' or a number from 0 (paused) to ${MAX_SPEED}, got ${JSON.stringify(speed)}`;
  }
  return null;
}
