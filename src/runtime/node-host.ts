// Where a member's protocol runs: its frame channels, one runtime per run, and what it publishes
// (telemetry, "finished"). A Node process and a tab's main thread run it in-process; a tab that can
// transfer data channels runs it in a worker (src/ui/node-worker), behind the same NodeHostPort.

import type { StartNotice } from '../signaling';
import type { MemberId } from '../core';
import { Emitter } from '../net/emitter';
import { FramePlane, type FrameChannel } from '../net/frame-plane';
import type { LinkSettings } from '../net/link-shaper';
import { systemTimers, type Timers } from '../net/timers';
import { NodeRuntime } from './runtime';
import type { NodeSnapshot } from './snapshot';

/** What a host tells the session (which owns signaling and the connections). */
export interface HostEvents extends Record<string, unknown> {
  /** A frame channel opened: its connection is up. */
  open: { peer: MemberId; attempt: number };
  /** A frame channel closed under the protocol: its connection is lost. */
  lost: { peer: MemberId; attempt: number; reason: string };
  /** This member's state, to publish to the room. */
  telemetry: { snapshot: NodeSnapshot };
  /** This member's run is over (its result is out). */
  finished: { runId: string };
}

/** The session's handle on a host, in-process or in a worker. */
export interface NodeHostPort {
  /** Hands over a connection's frame channel; must be called in the task that created it. */
  attach(peer: MemberId, attempt: number, channel: FrameChannel): void;
  detach(peer: MemberId, attempt: number): void;
  shape(peer: MemberId, settings: LinkSettings): void;
  start(self: MemberId, notice: StartNotice): void;
  /** Lets frames already sent leave before the process exits. */
  drain(): Promise<void>;
  close(): void;
  on<K extends keyof HostEvents>(name: K, listener: (payload: HostEvents[K]) => void): () => void;
}

export interface NodeHostOptions {
  clock: () => number;
  timers?: Timers;
  /** Pack frames to one peer into batches (default true); false speaks the plain protocol only. */
  batching?: boolean;
  /** How often a member publishes its snapshot to the room while a run is on (ms; 0 = never). */
  telemetryMs?: number;
}

interface NodeHostEvents extends HostEvents {
  /** A run started: its runtime is ready, not yet started (subscribe now to see everything). */
  run: { runtime: NodeRuntime; notice: StartNotice };
}

/** Messages held between runs for the next one, at most (about a window of DATA from each of 64 members). */
const MAX_HELD_MESSAGES = 4096;

export class NodeHost extends Emitter<NodeHostEvents> implements NodeHostPort {
  readonly plane: FramePlane;
  runtime: NodeRuntime | null = null;
  private readonly timers: Timers;
  private telemetryTimer: unknown = null;
  /** Messages that arrived between runs, for the next run's runtime (see onMessage). */
  private heldForNextRun: Array<{ from: MemberId; bytes: Uint8Array }> = [];

  constructor(private readonly options: NodeHostOptions) {
    super();
    this.timers = options.timers ?? systemTimers;
    this.plane = new FramePlane({ timers: this.timers, batching: options.batching });
    this.plane.on('frame', ({ from, bytes }) => this.onMessage(from, bytes));
    this.plane.on('batch', ({ to, frames }) => this.runtime?.noteBatch(to, frames));
    this.plane.on('open', (open) => {
      this.runtime?.noteLink(open.peer, 'open');
      this.emit('open', open);
    });
    this.plane.on('lost', (lost) => {
      this.runtime?.noteLink(lost.peer, 'lost');
      this.emit('lost', lost);
    });
  }

  attach(peer: MemberId, attempt: number, channel: FrameChannel): void {
    this.plane.attach(peer, attempt, channel);
  }

  detach(peer: MemberId, attempt: number): void {
    if (this.plane.detach(peer, attempt)) this.runtime?.noteLink(peer, 'closed');
  }

  shape(peer: MemberId, settings: LinkSettings): void {
    this.plane.shaper.set(peer, settings);
  }

  /**
   * A message from a peer. Between runs (before the first start, or once the last run is done) it
   * may belong to the next run, whose members that got the start a moment earlier already send:
   * it is also held for that run's runtime, which gets it right after its start. Dropped instead,
   * it would wait for its sender's resend, 1 s before any round trip is known.
   */
  private onMessage(from: MemberId, bytes: Uint8Array): void {
    const runtime = this.runtime;
    if ((!runtime || runtime.phase === 'done') && this.heldForNextRun.length < MAX_HELD_MESSAGES) this.heldForNextRun.push({ from, bytes });
    runtime?.receive(from, bytes);
  }

  /** Starts the run (the session passes each run once). */
  start(self: MemberId, notice: StartNotice): void {
    this.runtime?.dispose();
    const plane = this.plane;
    const runtime = new NodeRuntime({ self, sink: { send: (to, bytes) => plane.send(to, bytes) }, clock: this.options.clock, timers: this.timers });
    this.runtime = runtime;
    this.emit('run', { runtime, notice });
    const publish = this.scheduleTelemetry(runtime);
    runtime.on('phase', ({ phase }) => {
      if (phase !== 'done') return;
      publish();
      this.emit('finished', { runId: notice.runId });
    });
    runtime.start({ runId: notice.runId, run: notice.run, members: notice.members, params: notice.params });
    const held = this.heldForNextRun;
    this.heldForNextRun = [];
    for (const { from, bytes } of held) runtime.receive(from, bytes); // another run's frames are dropped there, and logged
  }

  drain(): Promise<void> {
    return this.plane.drain();
  }

  close(): void {
    if (this.telemetryTimer) this.timers.clear(this.telemetryTimer);
    this.telemetryTimer = null;
    this.runtime?.dispose();
    this.plane.destroy();
  }

  /** Publishes this node's snapshot while the run is on; returns the publisher (for the last one, at the end). */
  private scheduleTelemetry(runtime: NodeRuntime): () => void {
    const period = this.options.telemetryMs ?? 250;
    if (this.telemetryTimer) this.timers.clear(this.telemetryTimer);
    const publish = (): void => {
      if (this.runtime !== runtime || period <= 0) return;
      this.emit('telemetry', { snapshot: { ...runtime.snapshot(), rttMs: roundedRtts(runtime.rttMs) } });
      if (runtime.phase !== 'done') this.telemetryTimer = this.timers.set(publish, period);
    };
    if (period > 0) this.telemetryTimer = this.timers.set(publish, period);
    return publish;
  }
}

/** Round trips in ms with two decimals: enough for a label, small on the wire. */
function roundedRtts(rtts: ReadonlyMap<MemberId, number>): Record<MemberId, number> {
  const table: Record<MemberId, number> = {};
  for (const [peer, ms] of rtts) table[peer] = Math.round(ms * 100) / 100;
  return table;
}
