// One deterministic simulated run: N reducers, a virtual clock, a seeded network, the checker.

import {
  checksumOfAll,
  createNode,
  effectRecord,
  inputRecord,
  nextDeadline,
  formatFixed,
  step,
  type Committed,
  type Effect,
  type MemberId,
  type NodeResult,
  type NodeState,
  type ProtocolEvent,
  type ProtocolFrame,
  type RunParams,
  type TimerName,
  type TraceRecord,
} from '../core';
import { percentile, round } from './stats';
import { InvariantChecker, type Violation } from './checker';
import { drawDelay, isPartitioned, planFaults, type FaultPlan, type NetworkConfig } from './network';
import { EventQueue } from './queue';
import { Random } from './random';

export interface SimConfig {
  nodes: number;
  params: RunParams;
  network: NetworkConfig;
  /** Seed of the network and fault randomness (the value streams use params.seed). */
  netSeed: number;
  /** Receives every trace record in order, when given. */
  trace?: (record: TraceRecord) => void;
  /** The reducer under test (default: the protocol's step); lets tests check that the checker catches a broken one. */
  reducer?: typeof step;
  /**
   * Model the mesh's batching: frames a node sends to one peer in one turn (everything it handles
   * at one virtual instant) travel as one network message, and its acks to that peer coalesce to
   * the highest. Loss, duplication, partitions and delay then apply to the whole message.
   */
  batching?: boolean;
  /** The network as it is changed while the run goes on (the sandbox's controls); `config.network` when absent. */
  conditions?: LinkConditions;
}

/** What one directed link does to a network message at the current instant. */
export interface LinkState {
  /** Why the message is dropped whatever the network draws (a cut link, a partition, a targeted drop), or null. */
  blocked: string | null;
  /** Loss, duplication and delay of the link (the run's `network` when nothing changed it). */
  network: NetworkConfig;
  /** Added to the drawn delay, in microseconds. */
  extraDelayUs: number;
}

/** Decides each network message's link state; asked once per message sent, in the run's order. */
export interface LinkConditions {
  link(from: MemberId, to: MemberId, frames: readonly ProtocolFrame[]): LinkState;
}

export interface SimNodeReport {
  id: MemberId;
  count: number;
  checksum: string;
  complete: boolean;
  crashed: boolean;
}

export interface LatencyQuantiles {
  p0: number;
  p50: number;
  p95: number;
  p99: number;
  p100: number;
}

export interface SimReport {
  nodes: SimNodeReport[];
  /** Every node that did not crash printed the same (count, checksum). */
  agree: boolean;
  /** Largest difference between two nodes' counts. */
  spread: number;
  violations: number;
  firstViolations: Violation[];
  framesPerCommit: number;
  /** From a message's first send until the last surviving member commits it, in milliseconds. */
  latencyMs: LatencyQuantiles;
  simulatedSeconds: number;
  /** Network frames sent and messages committed by every surviving node. */
  frames: number;
  messages: number;
  /** Network messages sent: a lone frame or a batch (equal to frames without batching). */
  packets: number;
  packetsPerCommit: number;
}

type SimEvent =
  | { kind: 'start'; node: SimNode }
  | { kind: 'deliver'; node: SimNode; frame: ProtocolFrame }
  | { kind: 'deliver-batch'; node: SimNode; frames: ProtocolFrame[] }
  | { kind: 'timer'; node: SimNode; name: TimerName; at: number }
  | { kind: 'crash'; node: SimNode };

interface SimNode {
  id: MemberId;
  state: NodeState;
  skewUs: number;
  crashed: boolean;
  /** Its start arrived while it was crashed (a restart starts it then). */
  startMissed: boolean;
  /** The node's next deadline as queued (a queued wake-up that no longer matches it is stale). */
  wakeUp: { name: TimerName; at: number } | null;
  result: NodeResult | null;
  commits: Committed[];
  /** With batching: frames for each peer sent during the current instant, not yet on the network. */
  outbox: Map<MemberId, ProtocolFrame[]>;
}

const RUN_TAG = 1;
const SIM_RUN_ID = 'sim';
/** The simulated network keeps delivering this long after the last deadline, then the run ends. */
const GRACE_US = 1_000_000;

/** Member ids n1..nN, zero-padded so they sort in numeric order. */
export function simMemberIds(count: number): MemberId[] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => `n${String(i + 1).padStart(width, '0')}`);
}

export function simulate(config: SimConfig): SimReport {
  return new Simulation(config).run();
}

/**
 * A run that can also be advanced piecewise (the sandbox): begin(), then stepOnce(limit) until it
 * returns false, with crash/restart/stop applied between steps at times that never go backwards;
 * report() at the end. run() is exactly begin() and stepping to the end.
 */
export class Simulation {
  private readonly random: Random;
  private readonly members: MemberId[];
  private readonly nodes = new Map<MemberId, SimNode>();
  private readonly queue = new EventQueue<SimEvent>();
  private readonly checker: InvariantChecker;
  private readonly plan: FaultPlan;
  private readonly survivors: Set<MemberId>;
  private readonly latency = new LatencyRecorder();
  private readonly endUs: number;
  private now = 0;
  private frames = 0;
  private packets = 0;
  /** With batching: nodes whose outbox holds frames, flushed once the instant is over. */
  private readonly unflushed = new Set<SimNode>();

  constructor(private readonly config: SimConfig) {
    this.random = new Random(config.netSeed);
    this.members = simMemberIds(config.nodes);
    const runUs = (config.params.sendForMs + config.params.waitForMs) * 1000;
    this.endUs = runUs + GRACE_US;
    this.plan = planFaults(config.network, this.members, runUs, this.random);
    this.checker = new InvariantChecker(this.members, config.params.seed, config.params.window);
    this.survivors = new Set(this.members.filter((m) => !this.plan.crashes.some((c) => c.node === m)));
    for (const id of this.members) {
      const skewUs = this.plan.skew.get(id)!;
      this.nodes.set(id, { id, state: createNode(id), skewUs, crashed: false, startMissed: false, wakeUp: null, result: null, commits: [], outbox: new Map() });
    }
  }

  run(): SimReport {
    this.begin();
    while (this.stepOnce(this.endUs));
    return this.report();
  }

  /** Queues every node's start (with its jitter) and the fault plan's crashes. */
  begin(): void {
    const startJitterUs = this.config.network.latencyMs * 1000;
    for (const node of this.nodes.values()) this.queue.push(Math.round(this.random.next() * startJitterUs), { kind: 'start', node });
    for (const crash of this.plan.crashes) this.queue.push(crash.at, { kind: 'crash', node: this.nodes.get(crash.node)! });
  }

  /** Handles the next event if it is due by `limit` (virtual µs); false when none is (batched frames have left then). */
  stepOnce(limit: number): boolean {
    // The instant is over once the next event is later: batched frames leave now (and arrive >= 1 µs later).
    if (this.unflushed.size > 0 && this.queue.peekTime() > this.now) this.flushOutboxes();
    const time = this.queue.peekTime();
    if (time > limit) return false;
    this.now = time;
    this.handle(this.queue.pop()!);
    return true;
  }

  /** Virtual time of the last event handled or action applied, in µs. */
  get time(): number {
    return this.now;
  }

  /** Virtual time of the next queued event (Infinity when none); batched frames are queued once stepOnce returned false. */
  get nextEventAt(): number {
    return this.queue.peekTime();
  }

  /** The run ends once nothing is due by this virtual time: the phases plus a grace second. */
  get endTime(): number {
    return this.endUs;
  }

  /** A node's reducer state (read only) and whether it is crashed. */
  nodeView(id: MemberId): { state: Readonly<NodeState>; crashed: boolean } {
    const node = this.nodes.get(id)!;
    return { state: node.state, crashed: node.crashed };
  }

  /** Stops a node's process at virtual time `at`: it handles nothing until restarted, frames to it are lost. */
  crashAt(id: MemberId, at: number): void {
    this.moveTo(at);
    const node = this.nodes.get(id)!;
    if (!node.crashed) this.crash(node, this.now + node.skewUs);
  }

  /** Resumes a crashed node at `at` with the state it had (its overdue deadlines fire at once). */
  restartAt(id: MemberId, at: number): void {
    this.moveTo(at);
    const node = this.nodes.get(id)!;
    if (!node.crashed) return;
    node.crashed = false;
    this.trace({ t: this.now + node.skewUs, node: node.id, ev: 'restart' });
    if (node.startMissed) {
      node.startMissed = false;
      this.queue.push(this.now, { kind: 'start', node });
    }
    node.wakeUp = null;
    this.queueWakeUp(node);
  }

  /** Stops the run by hand at `at`: every running node gets the reducer's stop event. */
  stopAt(at: number): void {
    this.moveTo(at);
    for (const node of this.nodes.values()) {
      if (node.crashed || node.state.phase === 'connecting' || node.state.phase === 'done') continue;
      const clock = this.now + node.skewUs;
      this.apply(node, { type: 'stop', now: clock });
    }
  }

  /** Virtual time moves on to an action's time (never back: everything due by then was handled). */
  private moveTo(at: number): void {
    if (at < this.now) throw new Error(`simulation: an action at ${at} µs is before the clock (${this.now} µs)`);
    while (this.stepOnce(at));
    this.now = at;
  }

  private handle(event: SimEvent): void {
    const node = event.node;
    if (node.crashed) {
      if (event.kind === 'start') node.startMissed = true;
      return;
    }
    const clock = this.now + node.skewUs;
    switch (event.kind) {
      case 'start':
        this.apply(node, { type: 'start', now: clock, run: RUN_TAG, members: this.members, params: this.config.params });
        break;
      case 'deliver':
        this.deliver(node, event.frame, clock);
        break;
      case 'deliver-batch':
        for (const frame of event.frames) if (!node.crashed) this.deliver(node, frame, clock);
        break;
      case 'timer':
        if (node.wakeUp?.name !== event.name || node.wakeUp.at !== event.at) return;
        node.wakeUp = null;
        this.apply(node, { type: 'timer', now: clock, name: event.name });
        break;
      case 'crash':
        this.crash(node, clock);
        break;
    }
  }

  private crash(node: SimNode, clock: number): void {
    node.crashed = true;
    this.trace({ t: clock, node: node.id, ev: 'crash' });
    this.traceCrashedResult(node, clock);
  }

  private deliver(node: SimNode, frame: ProtocolFrame, clock: number): void {
    this.apply(node, { type: 'frame', now: clock, frame });
  }

  /** Records the input (a frame's sender is the link it came over), steps the node, and performs the effects. */
  private apply(node: SimNode, event: ProtocolEvent): void {
    if (this.config.trace) this.trace(inputRecord(node.id, event, SIM_RUN_ID));
    const { state, effects } = (this.config.reducer ?? step)(node.state, event);
    node.state = state;
    for (const effect of effects) this.perform(node, effect, event.now);
    this.queueWakeUp(node);
    // A step can only move the buffers of the frame's sender and of the node itself (self-delivery).
    if (event.type === 'frame') this.checker.checkBuffer(node.id, node.state, event.frame.from, this.now);
    if (event.type !== 'start') this.checker.checkBuffer(node.id, node.state, node.id, this.now);
    if (effects.some(isCommit)) this.checker.checkDivergence(node.id, this.now);
  }

  /** Queues the node's next deadline (nextDeadline), unless that one is queued already. */
  private queueWakeUp(node: SimNode): void {
    const next = nextDeadline(node.state);
    if (!next || (node.wakeUp?.name === next.name && node.wakeUp.at === next.at)) return;
    node.wakeUp = next;
    this.queue.push(Math.max(this.now, next.at - node.skewUs), { kind: 'timer', node, name: next.name, at: next.at });
  }

  private perform(node: SimNode, effect: Effect, clock: number): void {
    switch (effect.type) {
      case 'send':
        this.send(node, effect.to, effect.frame, clock);
        break;
      case 'commit':
        this.commit(node, effect.entry, clock);
        break;
      case 'phase':
        this.traceEffect(node, clock, effect);
        break;
      case 'result':
        node.result = effect.result;
        this.traceEffect(node, clock, effect);
        break;
      case 'log':
        break;
    }
  }

  private send(node: SimNode, to: MemberId, frame: ProtocolFrame, clock: number): void {
    if (frame.kind === 'data') this.noteDataSent(node, frame.seq, frame.sentAt);
    if (this.config.trace) this.traceEffect(node, clock, { type: 'send', to, frame });
    if (this.config.batching) this.addToOutbox(node, to, frame);
    else this.transmit(node, to, [frame], clock);
  }

  /** Queues a frame for the end of the instant; an ack replaces an earlier, lower ack to the same peer (acks are cumulative). */
  private addToOutbox(node: SimNode, to: MemberId, frame: ProtocolFrame): void {
    let frames = node.outbox.get(to);
    if (!frames) {
      frames = [];
      node.outbox.set(to, frames);
    }
    this.unflushed.add(node);
    if (frame.kind === 'ack') {
      const earlier = frames.findIndex((f) => f.kind === 'ack');
      if (earlier !== -1) {
        if (frame.seq > (frames[earlier] as typeof frame).seq) frames[earlier] = frame;
        return;
      }
    }
    frames.push(frame);
  }

  /** Sends every outbox as one network message per peer (a crashed node's outbox is lost with it). */
  private flushOutboxes(): void {
    for (const node of this.unflushed) {
      for (const [to, frames] of node.outbox) if (!node.crashed) this.transmit(node, to, frames, this.now + node.skewUs);
      node.outbox.clear();
    }
    this.unflushed.clear();
  }

  /** One network message (a lone frame, or a batch): partitions, loss, duplication and delay apply to it whole. */
  private transmit(node: SimNode, to: MemberId, frames: ProtocolFrame[], clock: number): void {
    this.packets += 1;
    this.frames += frames.length;
    const link = this.config.conditions?.link(node.id, to, frames);
    const network = link?.network ?? this.config.network;
    const blocked = link?.blocked ?? (isPartitioned(this.plan, node.id, to, this.now) ? 'partition' : null);
    const dropped = blocked ?? (this.random.chance(network.loss) ? 'loss' : null);
    if (dropped) {
      for (const frame of frames) this.trace({ t: clock, node: node.id, ev: 'drop', to, frame, reason: dropped });
      return;
    }
    const receiver = this.nodes.get(to)!;
    const copies = this.random.chance(network.dup) ? 2 : 1;
    for (let i = 0; i < copies; i += 1) {
      const at = this.now + drawDelay(network, this.random) + (link?.extraDelayUs ?? 0);
      if (frames.length === 1) this.queue.push(at, { kind: 'deliver', node: receiver, frame: frames[0] });
      else this.queue.push(at, { kind: 'deliver-batch', node: receiver, frames });
    }
  }

  private noteDataSent(node: SimNode, seq: number, sentAt: number): void {
    if (this.latency.firstSend(node.id, seq, this.now)) this.checker.recordSent(node.id, seq, sentAt);
  }

  private commit(node: SimNode, entry: Committed, clock: number): void {
    if (this.config.trace) this.traceEffect(node, clock, { type: 'commit', entry });
    if (entry.from === node.id && this.latency.isUnsent(entry.from, entry.seq)) {
      // A node's own message is sent to itself in-process; with one member there is no network send.
      this.noteDataSent(node, entry.seq, entry.sentAt);
    }
    this.checker.checkCommit(node.id, entry, this.now);
    node.commits.push(entry);
    if (this.survivors.has(node.id)) this.latency.commit(entry.from, entry.seq, this.now);
  }

  /** A crashed node's final state, as the report prints it: what it had committed when it stopped. */
  private traceCrashedResult(node: SimNode, clock: number): void {
    if (!this.config.trace) return;
    const { count, checksum } = checksumOfAll(node.commits);
    this.trace({ t: clock, node: node.id, ev: 'result', count, checksum: formatFixed(checksum), complete: false });
  }

  private traceEffect(node: SimNode, clock: number, effect: Effect): void {
    const record = effectRecord(node.id, clock, effect);
    if (record) this.trace(record);
  }

  /** Records a trace line; hot paths test config.trace first so untraced runs build no records. */
  private trace(record: TraceRecord): void {
    this.config.trace?.(record);
  }

  /** The outcome, checked (call once, at the end: it adds the agreement and checksum checks). */
  report(): SimReport {
    const results = new Map<MemberId, { line: string; complete: boolean }>();
    const nodes: SimNodeReport[] = [];
    for (const node of this.nodes.values()) {
      const recomputed = checksumOfAll(node.commits);
      const line = node.result?.line ?? `(${recomputed.count}, ${formatFixed(recomputed.checksum)})`;
      this.checker.checkChecksum(node.id, line, `(${recomputed.count}, ${formatFixed(recomputed.checksum)})`, this.now);
      const complete = node.result?.complete ?? false;
      if (!node.crashed) results.set(node.id, { line, complete });
      nodes.push({ id: node.id, count: recomputed.count, checksum: formatFixed(recomputed.checksum), complete, crashed: node.crashed });
    }
    this.checker.checkAgreement(results, this.now);
    const alive = nodes.filter((n) => !n.crashed);
    const counts = nodes.map((n) => n.count);
    const messages = this.latency.fullyCommitted(this.survivors.size);
    return {
      nodes,
      agree: alive.length > 0 && alive.every((n) => n.count === alive[0].count && n.checksum === alive[0].checksum),
      spread: Math.max(...counts) - Math.min(...counts),
      violations: this.checker.total,
      firstViolations: this.checker.violations.slice(0, 10),
      framesPerCommit: messages === 0 ? 0 : round(this.frames / messages, 3),
      packetsPerCommit: messages === 0 ? 0 : round(this.packets / messages, 3),
      latencyMs: this.latency.quantiles(this.survivors.size),
      simulatedSeconds: round(this.now / 1e6, 6),
      frames: this.frames,
      messages,
      packets: this.packets,
    };
  }
}

/** First-send and last-commit times per message, for latency quantiles and frames per commit. */
class LatencyRecorder {
  private readonly messages = new Map<MemberId, { firstSent: number[]; lastCommit: number[]; commits: number[] }>();

  private of(from: MemberId) {
    let entry = this.messages.get(from);
    if (!entry) {
      entry = { firstSent: [], lastCommit: [], commits: [] };
      this.messages.set(from, entry);
    }
    return entry;
  }

  isUnsent(from: MemberId, seq: number): boolean {
    return this.of(from).firstSent[seq] === undefined;
  }

  /** Records the first send of a message; returns false if it was sent before. */
  firstSend(from: MemberId, seq: number, at: number): boolean {
    const entry = this.of(from);
    if (entry.firstSent[seq] !== undefined) return false;
    entry.firstSent[seq] = at;
    entry.commits[seq] = 0;
    return true;
  }

  commit(from: MemberId, seq: number, at: number): void {
    const entry = this.of(from);
    entry.commits[seq] = (entry.commits[seq] ?? 0) + 1;
    entry.lastCommit[seq] = at;
  }

  fullyCommitted(survivors: number): number {
    let total = 0;
    for (const entry of this.messages.values()) {
      for (const commits of entry.commits) if (commits === survivors) total += 1;
    }
    return total;
  }

  quantiles(survivors: number): LatencyQuantiles {
    const latencies: number[] = [];
    for (const entry of this.messages.values()) {
      entry.commits.forEach((commits, seq) => {
        if (commits === survivors) latencies.push((entry.lastCommit[seq] - entry.firstSent[seq]) / 1000);
      });
    }
    const at = (p: number): number => round(percentile(latencies, p) ?? 0, 3);
    return { p0: at(0), p50: at(50), p95: at(95), p99: at(99), p100: at(100) };
  }
}

function isCommit(effect: Effect): boolean {
  return effect.type === 'commit';
}
