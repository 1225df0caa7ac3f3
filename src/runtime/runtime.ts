// The node runtime: drives the pure core with real time and a transport, and reports what happens.

import {
  createNode,
  effectRecord,
  inputRecord,
  recvRecord,
  sendRecord,
  decodeMessage,
  encodeFrame,
  formatFixed,
  isProtocolFrame,
  step,
  committedCount,
  highestSent,
  ledgerResult,
  nextDeadline,
  type Committed,
  type Effect,
  type Frame,
  type MemberId,
  type NodeResult,
  type NodeState,
  type Phase,
  type ProtocolEvent,
  type RunParams,
  type TimerName,
  type TraceRecord,
} from '../core';
import { Emitter } from '../net/emitter';
import { systemTimers, type Timers } from '../net/timers';
import { snapshotNode, type NodeSnapshot } from './snapshot';

/** What the runtime needs from the network: send bytes to a member. */
export interface FrameSink {
  send(to: MemberId, bytes: Uint8Array): void;
}

export interface RunStart {
  runId: string;
  run: number;
  members: MemberId[];
  params: RunParams;
}

export interface PeerResult {
  count: number;
  checksum: string;
  complete: boolean;
}

export interface RuntimeEvents extends Record<string, unknown> {
  send: { to: MemberId; frame: Frame; at: number };
  recv: { from: MemberId; frame: Frame; at: number };
  commit: { entry: Committed; at: number };
  phase: { phase: Phase; at: number };
  result: NodeResult;
  /** Results of members (self included) received so far, after each new one. */
  results: Map<MemberId, PeerResult>;
  rtt: { peer: MemberId; ms: number };
  log: { level: 'debug' | 'warn'; message: string };
  rejected: { from: MemberId; reason: string };
  trace: TraceRecord;
}

export interface RuntimeOptions {
  self: MemberId;
  sink: FrameSink;
  clock: () => number;
  timers?: Timers;
}

/** How often each member is probed for its round trip while a run is active (in small clusters). */
const PING_INTERVAL_MS = 1000;
/**
 * At most this many PINGs a second from one node, one at a time, round robin over the members: in
 * a 32-node cluster, a PING to every member every second cost as many frames as a protocol round,
 * all at once, and the burst at the start of the wait phase made runs miss their deadline.
 */
const MAX_PINGS_PER_SECOND = 8;

export class NodeRuntime extends Emitter<RuntimeEvents> {
  /** The node's protocol state: only the reducer changes it; others read it through the getters below. */
  private state: NodeState;
  run: RunStart | null = null;
  readonly results = new Map<MemberId, PeerResult>();
  readonly rttMs = new Map<MemberId, number>();
  private readonly timers: Timers;
  /** The one system timer, set for the node's next deadline (`nextDeadline`). */
  private wakeUp: { handle: unknown; name: TimerName; at: number } | null = null;
  private readonly pendingAcks = new Map<MemberId, Extract<Frame, { kind: 'ack' }>>();
  private pingTimer: unknown = null;
  private pingNonce = 0;
  /** Position of the next member to ping in the run's member list. */
  private pingNext = 0;

  constructor(private readonly options: RuntimeOptions) {
    super();
    this.state = createNode(options.self);
    this.timers = options.timers ?? systemTimers;
  }

  get self(): MemberId {
    return this.options.self;
  }

  start(run: RunStart): void {
    if (this.run) return;
    this.run = run;
    const event: ProtocolEvent = { type: 'start', now: this.options.clock(), run: run.run, members: run.members, params: run.params };
    this.record(inputRecord(this.self, event, run.runId));
    this.apply(event);
    this.pingNext = run.members.indexOf(this.self) + 1;
    this.schedulePing();
  }

  stop(): void {
    const event: ProtocolEvent = { type: 'stop', now: this.options.clock() };
    this.record(inputRecord(this.self, event, this.run?.runId ?? ''));
    this.apply(event);
  }

  /** A message from the network on the link to `from` (a frame or a batch): validated, then handed to the reducer. */
  receive(from: MemberId, bytes: Uint8Array): void {
    this.fireOverdueTimers();
    const { frames, errors } = decodeMessage(bytes, from);
    for (const error of errors) this.emit('rejected', { from, reason: `${error.code}: ${error.message}` });
    for (const frame of frames) this.handleFrame(from, frame);
  }

  private handleFrame(from: MemberId, frame: Frame): void {
    const now = this.options.clock();
    if (this.has('recv')) this.emit('recv', { from, frame, at: now });
    if (this.has('trace')) this.record(recvRecord(this.self, now, from, frame));
    if (isProtocolFrame(frame)) {
      this.apply({ type: 'frame', now, frame });
    } else {
      this.onControlFrame(frame, now);
    }
  }

  /** Records a change of the link to a peer (the trace shows when channels opened, closed or failed). */
  noteLink(peer: MemberId, state: 'open' | 'lost' | 'closed'): void {
    if (this.run && this.has('trace')) this.record({ t: this.options.clock(), node: this.self, ev: 'link', peer, state });
  }

  /** Records that the last `frames` frames sent to `to` left together, as one batch message. */
  noteBatch(to: MemberId, frames: number): void {
    if (this.run && this.has('trace')) this.record({ t: this.options.clock(), node: this.self, ev: 'batch', to, frames });
  }

  /** Cancels timers; call when the node leaves. */
  dispose(): void {
    this.clearTimers();
  }

  private clearTimers(): void {
    if (this.wakeUp) this.timers.clear(this.wakeUp.handle);
    this.wakeUp = null;
    if (this.pingTimer) this.timers.clear(this.pingTimer);
    this.pingTimer = null;
  }

  committedCount(): number {
    return committedCount(this.state);
  }

  get phase(): Phase {
    return this.state.phase;
  }

  get params(): RunParams {
    return this.state.params;
  }

  /** The serial this node's stream has reached: its current message, or its FIN once sent. */
  highestSent(): number {
    return highestSent(this.state);
  }

  /** When the current phase ends at the latest (this node's clock, µs); null before the start and once done. */
  phaseEndsAt(): number | null {
    if (this.state.phase === 'sending') return this.state.sendEndsAt;
    if (this.state.phase === 'waiting') return this.state.waitEndsAt;
    return null;
  }

  /** The checksum over everything committed so far (10 decimals). */
  runningChecksum(): string {
    return formatFixed(ledgerResult(this.state.ledger).checksum);
  }

  snapshot(): NodeSnapshot {
    return snapshotNode(this.state);
  }

  private onControlFrame(frame: Exclude<Frame, { kind: 'data' | 'ack' | 'fin' }>, now: number): void {
    if (!this.run || frame.run !== this.run.run) return;
    switch (frame.kind) {
      case 'ping':
        this.sendFrame(frame.from, { kind: 'pong', run: frame.run, from: this.self, nonce: frame.nonce, time: frame.time }, now);
        break;
      case 'pong': {
        const ms = (now - frame.time) / 1000;
        if (ms >= 0 && ms < 60_000) {
          this.rttMs.set(frame.from, ms);
          this.emit('rtt', { peer: frame.from, ms });
        }
        break;
      }
      case 'result':
        if (!this.run.members.includes(frame.from)) return;
        this.results.set(frame.from, { count: frame.count, checksum: frame.checksum, complete: frame.complete });
        this.emit('results', this.results);
        break;
    }
  }

  private apply(event: ProtocolEvent): void {
    const { state, effects } = step(this.state, event);
    this.state = state;
    for (const effect of effects) this.perform(effect, event.now);
    this.armWakeUp();
  }

  private perform(effect: Effect, now: number): void {
    switch (effect.type) {
      case 'send':
        this.sendFrame(effect.to, effect.frame, now);
        break;
      case 'commit':
        if (this.has('trace')) this.record(effectRecord(this.self, now, effect)!);
        if (this.has('commit')) this.emit('commit', { entry: effect.entry, at: now });
        break;
      case 'phase':
        this.record(effectRecord(this.self, now, effect)!);
        this.emit('phase', { phase: effect.phase, at: effect.at });
        break;
      case 'result':
        this.record(effectRecord(this.self, now, effect)!);
        this.onResult(effect.result, now);
        break;
      case 'log':
        this.emit('log', { level: effect.level, message: effect.message });
        break;
    }
  }

  /** At DONE (its record is written): stop probing, and tell every member our result. */
  private onResult(result: NodeResult, now: number): void {
    this.clearTimers(); // the reducer ignores timers once done
    const checksum = formatFixed(result.checksum);
    this.emit('result', result);
    this.results.set(this.self, { count: result.count, checksum, complete: result.complete });
    this.emit('results', this.results);
    if (!this.run) return;
    for (const member of this.run.members) {
      if (member === this.self) continue;
      this.sendFrame(member, { kind: 'result', run: this.run.run, from: this.self, count: result.count, checksum, complete: result.complete }, now);
    }
  }

  private sendFrame(to: MemberId, frame: Frame, now: number): void {
    if (this.has('trace')) this.record(sendRecord(this.self, now, to, frame));
    if (this.has('send')) this.emit('send', { to, frame, at: now });
    if (frame.kind === 'ack') this.coalesceAck(to, frame);
    else this.options.sink.send(to, encodeFrame(frame));
  }

  /**
   * Acks are cumulative, so of the acks one turn produces for a peer (say, for a window of DATA
   * that arrived in one batch) only the highest needs to travel; it goes out at the end of the turn.
   */
  private coalesceAck(to: MemberId, frame: Extract<Frame, { kind: 'ack' }>): void {
    const pending = this.pendingAcks.get(to);
    if (pending && pending.seq >= frame.seq) return;
    this.pendingAcks.set(to, frame);
    if (this.pendingAcks.size === 1 && !pending) queueMicrotask(() => this.flushAcks());
  }

  private flushAcks(): void {
    const acks = [...this.pendingAcks];
    this.pendingAcks.clear();
    for (const [to, frame] of acks) this.options.sink.send(to, encodeFrame(frame));
  }

  /** Sets the one system timer for the node's next deadline, if that changed. */
  private armWakeUp(): void {
    const next = nextDeadline(this.state);
    if (this.wakeUp && next && this.wakeUp.name === next.name && this.wakeUp.at === next.at) return;
    if (this.wakeUp) this.timers.clear(this.wakeUp.handle);
    this.wakeUp = null;
    if (!next) return;
    const delayMs = Math.max(0, (next.at - this.options.clock()) / 1000);
    this.wakeUp = { handle: this.timers.set(() => this.onWakeUp(next.name), delayMs), name: next.name, at: next.at };
  }

  /** The system timer fired (perhaps a little early): fire its timer, then any other that is due. */
  private onWakeUp(name: TimerName): void {
    this.wakeUp = null;
    this.fire(name);
    this.fireOverdueTimers();
  }

  private fire(name: TimerName): void {
    const event: ProtocolEvent = { type: 'timer', now: this.options.clock(), name };
    this.record(inputRecord(this.self, event, this.run?.runId ?? ''));
    this.apply(event);
  }

  /**
   * Background tabs run timers late (about once a second); frames still arrive at once. Firing
   * overdue timers whenever a frame arrives keeps a hidden node's phases on time.
   */
  private fireOverdueTimers(): void {
    for (let next = nextDeadline(this.state); next && next.at <= this.options.clock(); next = nextDeadline(this.state)) this.fire(next.name);
  }

  /** Pings the members one at a time, round robin: each about every PING_INTERVAL_MS, at most MAX_PINGS_PER_SECOND in all. */
  private schedulePing(): void {
    const run = this.run;
    if (!run || run.members.length < 2) return;
    const spacingMs = Math.max(PING_INTERVAL_MS / (run.members.length - 1), 1000 / MAX_PINGS_PER_SECOND);
    this.pingTimer = this.timers.set(() => {
      if (this.state.phase !== 'sending') return; // the wait phase's frames are what decides the run
      if (run.members[this.pingNext % run.members.length] === this.self) this.pingNext += 1;
      const member = run.members[this.pingNext % run.members.length];
      this.pingNext += 1;
      const now = this.options.clock();
      this.pingNonce = (this.pingNonce + 1) >>> 0;
      this.sendFrame(member, { kind: 'ping', run: run.run, from: this.self, nonce: this.pingNonce, time: now }, now);
      this.schedulePing();
    }, spacingMs);
  }

  /** Emits a trace record; hot paths check has('trace') first so nobody pays for unread records. */
  private record(record: TraceRecord): void {
    this.emit('trace', record);
  }
}
