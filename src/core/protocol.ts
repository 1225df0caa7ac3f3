// The Chatterbox protocol as a reducer: step(state, event) -> { state, effects }.
// No clocks, timers or I/O: "now" arrives with each event; sends, timers and commits leave as effects.
//
// Ownership: step takes ownership of the state it is given and returns the next state (the same
// object, updated in place for speed). Callers keep no references to old states; history is kept
// as events (traces), which replay through step to any point.

import { formatFixed } from './fixed';
import { memberListError, sortedMembers, type MemberId } from './ids';
import { createLedger, ledgerCommit, ledgerCount, ledgerFinish, ledgerResult, type Committed, type Ledger } from './ledger';
import type { DataFrame, FinFrame, ProtocolFrame } from './frames';
import { paramsError, pickParams, type RunParams } from './params';
import { valueStream } from './value';

export type Phase = 'connecting' | 'sending' | 'waiting' | 'done';
export type TimerName = 'tick' | 'phase';

export type ProtocolEvent =
  | { type: 'start'; now: number; run: number; members: readonly MemberId[]; params: RunParams }
  | { type: 'frame'; now: number; frame: ProtocolFrame }
  | { type: 'timer'; now: number; name: TimerName }
  | { type: 'stop'; now: number };

export type Effect =
  | { type: 'send'; to: MemberId; frame: ProtocolFrame }
  | { type: 'commit'; entry: Committed }
  | { type: 'phase'; phase: Phase; at: number }
  | { type: 'log'; level: 'debug' | 'warn'; message: string }
  | { type: 'result'; result: NodeResult };

export type DoneReason = 'settled' | 'deadline' | 'stopped';

export interface NodeResult {
  count: number;
  /** Exact checksum scaled by 10^10. */
  checksum: bigint;
  /** `(count, checksum)` as every node prints it. */
  line: string;
  /** Every member's FIN was received and this node's FIN was acked by every member. */
  complete: boolean;
  reason: DoneReason;
  /** Members whose FIN this node never received. */
  missingFins: MemberId[];
  /** Members that never acked this node's last message or FIN. */
  unackedBy: MemberId[];
  /** Members that sent DATA whose value is not value(seed, member, seq) (rejected, never acked). */
  badValuesFrom: MemberId[];
}

export interface OutgoingMessage {
  seq: number;
  sentAt: number;
  value: number;
  /** Local clock of the last (re)transmission. */
  transmittedAt: number;
  /** Sent more than once: its acks say nothing about the round-trip time (Karn's rule). */
  retransmitted: boolean;
}

export interface SenderState {
  /** Serial of the next new message. */
  nextSeq: number;
  /** Sent and not yet acked by every member, ascending by seq (at most `window`). */
  inflight: OutgoingMessage[];
  /** Per member (self included): highest serial of this node's stream it holds contiguously. */
  ackedUpTo: Map<MemberId, number>;
  /** Serial of the FIN once sent. */
  finSeq: number | null;
  finAcked: boolean;
  finTransmittedAt: number;
  lastSentAt: number;
  /** Smoothed round-trip time to each member in microseconds, from acks of messages sent once. */
  rttUs: Map<MemberId, number>;
  /** Resend-timeout multiplier: doubles on each resend (up to 4), back to 1 on a clean RTT sample. */
  backoff: number;
}

export interface ReceiveBuffer {
  /** Highest serial s such that every message 1..s of this sender was received. */
  contiguous: number;
  /** Highest committed serial. */
  committed: number;
  lastCommittedSentAt: number;
  /** Received, not yet committed, by serial. At most 2 * window entries. */
  buffer: Map<number, Committed>;
  /** The sender's FIN was received: its stream is complete. */
  finished: boolean;
  /** value(seed, sender, seq): what its DATA must carry. */
  valueOf: (seq: number) => number;
  /** DATA of this sender rejected for a wrong value. */
  badValues: number;
}

export interface NodeState {
  self: MemberId;
  phase: Phase;
  run: number;
  /** Sorted member ids, self included; empty until the run starts. */
  members: MemberId[];
  params: RunParams;
  sendEndsAt: number;
  waitEndsAt: number;
  sender: SenderState;
  receivers: Map<MemberId, ReceiveBuffer>;
  ledger: Ledger;
  result: NodeResult | null;
  nextValue: (seq: number) => number;
  /** When each timer is due (µs), or null when it is not armed: what `nextDeadline` reads. */
  deadlines: Record<TimerName, number | null>;
}

export interface StepResult {
  state: NodeState;
  effects: Effect[];
}

const US_PER_MS = 1000;
const MAX_BACKOFF = 4;
/**
 * The round trip assumed for a member until its first clean sample: the first resend timeout is
 * then max(tick, 1 s), TCP's initial timeout (RFC 6298). With one tick instead, every first message
 * of a run on a busy machine was resent before its acks could come back, doubling the first rounds.
 */
const INITIAL_RTT_US = 500_000;

/** A node that is not in a run yet (phase connecting). */
export function createNode(self: MemberId): NodeState {
  return {
    self,
    phase: 'connecting',
    run: 0,
    members: [],
    params: { sendForMs: 0, waitForMs: 0, seed: 0, tickMs: 100, window: 1 },
    sendEndsAt: 0,
    waitEndsAt: 0,
    sender: { nextSeq: 1, inflight: [], ackedUpTo: new Map(), finSeq: null, finAcked: false, finTransmittedAt: 0, lastSentAt: -1, rttUs: new Map(), backoff: 1 },
    receivers: new Map(),
    ledger: createLedger([]),
    result: null,
    nextValue: () => 1,
    deadlines: { tick: null, phase: null },
  };
}

export function step(state: NodeState, event: ProtocolEvent): StepResult {
  const effects: Effect[] = [];
  switch (event.type) {
    case 'start':
      onStart(state, event, effects);
      break;
    case 'frame':
      onFrame(state, event.frame, event.now, effects);
      break;
    case 'timer':
      onTimer(state, event.name, event.now, effects);
      break;
    case 'stop':
      onStop(state, event.now, effects);
      break;
  }
  return { state, effects };
}

/** Messages committed so far (the count the node would print now). */
export function committedCount(state: NodeState): number {
  return ledgerCount(state.ledger);
}

/** The serial this node's stream has reached: the last message or FIN sent. */
export function highestSent(state: NodeState): number {
  return state.sender.finSeq ?? state.sender.nextSeq - 1;
}

// ---- start and stop -------------------------------------------------------------------------

function onStart(state: NodeState, event: Extract<ProtocolEvent, { type: 'start' }>, effects: Effect[]): void {
  if (state.phase !== 'connecting') {
    log(effects, 'warn', `start ignored: already ${state.phase}`);
    return;
  }
  const error = startError(state.self, event);
  if (error) {
    log(effects, 'warn', `start ignored: ${error}`);
    return;
  }
  state.run = event.run;
  state.members = sortedMembers(event.members);
  state.params = pickParams(event.params);
  state.sendEndsAt = event.now + event.params.sendForMs * US_PER_MS;
  state.waitEndsAt = state.sendEndsAt + event.params.waitForMs * US_PER_MS;
  state.ledger = createLedger(state.members);
  state.nextValue = valueStream(event.params.seed, state.self);
  for (const member of state.members) {
    state.sender.ackedUpTo.set(member, 0);
    state.receivers.set(member, { contiguous: 0, committed: 0, lastCommittedSentAt: -1, buffer: new Map(), finished: false, valueOf: valueStream(event.params.seed, member), badValues: 0 });
  }
  armTimer(state, 'tick', event.now + state.params.tickMs * US_PER_MS);
  if (event.params.sendForMs > 0) {
    enterPhase(state, 'sending', event.now, effects);
    armTimer(state, 'phase', state.sendEndsAt);
    progress(state, event.now, effects);
  } else {
    enterWaiting(state, event.now, effects);
  }
}

function startError(self: MemberId, event: Extract<ProtocolEvent, { type: 'start' }>): string | null {
  const membersError = memberListError(event.members);
  if (membersError) return membersError;
  if (!event.members.includes(self)) return `${self} is not a member of the run`;
  if (!Number.isInteger(event.run) || event.run < 0 || event.run > 0xffff_ffff) return 'run tag must be a u32';
  return paramsError(event.params);
}

function onStop(state: NodeState, now: number, effects: Effect[]): void {
  if (state.phase === 'done') return;
  finish(state, 'stopped', now, effects);
}

// ---- timers ---------------------------------------------------------------------------------

/**
 * The earliest armed timer: a driver sleeps until `at` (its own clock), then steps the node with
 * `{ type: 'timer', name }` (and any other timer due by then). Like quinn-proto's poll_timeout(),
 * the deadlines live in the state, so drivers keep no timer books. Null once done.
 */
export function nextDeadline(state: NodeState): { name: TimerName; at: number } | null {
  const { tick, phase } = state.deadlines;
  if (tick === null && phase === null) return null;
  if (phase === null || (tick !== null && tick <= phase)) return { name: 'tick', at: tick! };
  return { name: 'phase', at: phase };
}

/** Arms (or re-arms) a timer: the driver learns of it through nextDeadline. */
function armTimer(state: NodeState, name: TimerName, at: number): void {
  state.deadlines[name] = at;
}

function onTimer(state: NodeState, name: TimerName, now: number, effects: Effect[]): void {
  if (state.phase === 'connecting' || state.phase === 'done') return;
  state.deadlines[name] = null;
  if (name === 'tick') {
    resendUnacked(state, now, effects);
    progress(state, now, effects);
    if (!isDone(state)) armTimer(state, 'tick', now + state.params.tickMs * US_PER_MS);
    return;
  }
  const deadline = state.phase === 'sending' ? state.sendEndsAt : state.waitEndsAt;
  if (now < deadline) {
    armTimer(state, 'phase', deadline);
  } else if (state.phase === 'sending') {
    enterWaiting(state, now, effects);
  } else {
    finish(state, 'deadline', now, effects);
  }
}

function enterWaiting(state: NodeState, now: number, effects: Effect[]): void {
  enterPhase(state, 'waiting', now, effects);
  armTimer(state, 'phase', state.waitEndsAt);
  progress(state, now, effects);
}

/**
 * Every tick: resend each message (and the FIN) that has waited for acks longer than the resend
 * timeout to each member that has not acked it. The timeout is one tick, or twice the measured
 * round trip of the fastest member still missing if that is longer: frames whose acks are still on
 * the way are not resent, so a slow link costs no extra frames.
 */
function resendUnacked(state: NodeState, now: number, effects: Effect[]): void {
  const { sender } = state;
  for (const message of sender.inflight) {
    if (now - message.transmittedAt < resendTimeout(state, message.seq)) continue;
    message.transmittedAt = now;
    message.retransmitted = true;
    sender.backoff = Math.min(MAX_BACKOFF, sender.backoff * 2);
    for (const member of state.members) {
      if (member !== state.self && sender.ackedUpTo.get(member)! < message.seq) {
        effects.push({ type: 'send', to: member, frame: dataFrame(state, message) });
      }
    }
  }
  const finSeq = sender.finSeq;
  if (finSeq !== null && !sender.finAcked && now - sender.finTransmittedAt >= resendTimeout(state, finSeq)) {
    sender.finTransmittedAt = now;
    sendFinTo(state, finSeq, effects, false);
  }
}

/**
 * Resend timeout of serial `seq`: max(tick, 2 x the smallest RTT among members missing it), times
 * the backoff; a member not yet sampled counts as INITIAL_RTT_US. Backing off after a resend is what
 * lets a first clean RTT sample arrive when the round trip is longer than that (acks of resent
 * messages are not sampled).
 */
function resendTimeout(state: NodeState, seq: number): number {
  let fastest = Infinity;
  for (const member of state.members) {
    if (member === state.self || state.sender.ackedUpTo.get(member)! >= seq) continue;
    fastest = Math.min(fastest, state.sender.rttUs.get(member) ?? INITIAL_RTT_US);
  }
  const tickUs = state.params.tickMs * US_PER_MS;
  return (fastest === Infinity ? tickUs : Math.max(tickUs, 2 * fastest)) * state.sender.backoff;
}

/** Folds an RTT sample into the member's smoothed estimate (gain 1/8, as TCP's SRTT). */
function sampleRtt(state: NodeState, member: MemberId, seq: number, now: number): void {
  const message = state.sender.inflight.find((m) => m.seq === seq);
  if (!message || message.retransmitted) return;
  const sample = now - message.transmittedAt;
  state.sender.backoff = 1;
  const previous = state.sender.rttUs.get(member);
  state.sender.rttUs.set(member, previous === undefined ? sample : previous + (sample - previous) / 8);
}

// ---- the sender -----------------------------------------------------------------------------

/**
 * Applies what the acks allow: forget fully acked messages; while sending, fill the window with
 * new messages at once; while waiting, send the FIN once everything is acked, then settle.
 */
function progress(state: NodeState, now: number, effects: Effect[]): void {
  const { sender } = state;
  const minAck = lowestAck(state);
  while (sender.inflight.length > 0 && sender.inflight[0].seq <= minAck) sender.inflight.shift();
  if (state.phase === 'sending') {
    const limit = minAck + state.params.window;
    while (sender.nextSeq <= limit) sendNewMessage(state, now, effects);
  } else if (state.phase === 'waiting') {
    if (sender.inflight.length === 0 && sender.finSeq === null) sendFin(state, now, effects);
    if (sender.finSeq !== null && !sender.finAcked && lowestAck(state) >= sender.finSeq) sender.finAcked = true;
    settleIfComplete(state, now, effects);
  }
}

function lowestAck(state: NodeState): number {
  let lowest = Infinity;
  for (const acked of state.sender.ackedUpTo.values()) if (acked < lowest) lowest = acked;
  return lowest;
}

function sendNewMessage(state: NodeState, now: number, effects: Effect[]): void {
  const { sender } = state;
  const seq = sender.nextSeq;
  const sentAt = Math.max(now, sender.lastSentAt + 1);
  const message: OutgoingMessage = { seq, sentAt, value: state.nextValue(seq), transmittedAt: now, retransmitted: false };
  sender.nextSeq += 1;
  sender.lastSentAt = sentAt;
  sender.inflight.push(message);
  const frame = dataFrame(state, message);
  for (const member of state.members) {
    if (member !== state.self) effects.push({ type: 'send', to: member, frame });
  }
  // In-process delivery to self; the self-ack does not trigger progress (it would spin with one member).
  acceptOwn(state, receiveData(state, frame, effects));
}

function sendFin(state: NodeState, now: number, effects: Effect[]): void {
  const seq = state.sender.nextSeq;
  state.sender.finSeq = seq;
  state.sender.finTransmittedAt = now;
  sendFinTo(state, seq, effects, true);
  acceptOwn(state, receiveFin(state, finFrame(state, seq), effects));
}

/** Records the in-process self-ack; our own frames are always accepted. */
function acceptOwn(state: NodeState, contiguous: number | null): void {
  if (contiguous === null) throw new Error('protocol: a node rejected its own frame');
  state.sender.ackedUpTo.set(state.self, contiguous);
}

function sendFinTo(state: NodeState, seq: number, effects: Effect[], everyone: boolean): void {
  const frame = finFrame(state, seq);
  for (const member of state.members) {
    if (member === state.self) continue;
    if (everyone || state.sender.ackedUpTo.get(member)! < seq) effects.push({ type: 'send', to: member, frame });
  }
}

function onAck(state: NodeState, from: MemberId, seq: number, now: number, effects: Effect[]): void {
  const acked = state.sender.ackedUpTo.get(from);
  if (acked === undefined) {
    log(effects, 'warn', `ack from non-member ${from} ignored`);
    return;
  }
  if (seq > highestSent(state)) {
    log(effects, 'warn', `ack from ${from} for serial ${seq} that was never sent ignored`);
    return;
  }
  if (seq <= acked) return;
  sampleRtt(state, from, seq, now);
  state.sender.ackedUpTo.set(from, seq);
  progress(state, now, effects);
}

// ---- the receiver ---------------------------------------------------------------------------

function onFrame(state: NodeState, frame: ProtocolFrame, now: number, effects: Effect[]): void {
  if (state.phase === 'connecting') {
    log(effects, 'debug', `${frame.kind} from ${frame.from} before the run started dropped`);
    return;
  }
  if (frame.run !== state.run) {
    log(effects, 'debug', `${frame.kind} from ${frame.from} of another run (${frame.run}) dropped`);
    return;
  }
  if (frame.from === state.self || !state.receivers.has(frame.from)) {
    log(effects, 'warn', `${frame.kind} claiming to be from ${frame.from} dropped: not a peer in this run`);
    return;
  }
  if (frame.kind === 'ack') {
    if (state.phase !== 'done') onAck(state, frame.from, frame.seq, now, effects);
    return;
  }
  if (state.phase === 'done') {
    // The result is final; keep acking what we hold so peers can finish.
    ack(state, frame.from, state.receivers.get(frame.from)!.contiguous, effects);
    return;
  }
  const contiguous = frame.kind === 'data' ? receiveData(state, frame, effects) : receiveFin(state, frame, effects);
  if (contiguous !== null) ack(state, frame.from, contiguous, effects);
  if (frame.kind === 'fin') settleIfComplete(state, now, effects);
}

/**
 * Buffers a DATA frame and commits what it proves every member holds: everything from its sender
 * up to seq - window. Returns the cumulative serial to ack, or null to stay silent on a bad frame.
 */
function receiveData(state: NodeState, frame: DataFrame, effects: Effect[]): number | null {
  const buffer = state.receivers.get(frame.from)!;
  const window = state.params.window;
  const isOld = buffer.finished || frame.seq <= buffer.committed || buffer.buffer.has(frame.seq);
  if (isOld) return buffer.contiguous;
  if (frame.seq > buffer.contiguous + window) {
    log(effects, 'warn', `data ${frame.from}#${frame.seq} beyond the window (have ${buffer.contiguous}) dropped`);
    return buffer.contiguous;
  }
  if (!sentAtFits(buffer, frame)) {
    log(effects, 'warn', `data ${frame.from}#${frame.seq} with out-of-order sentAt ${frame.sentAt} dropped`);
    return null;
  }
  if (!valueFits(buffer, frame, effects)) return null;
  buffer.buffer.set(frame.seq, { from: frame.from, seq: frame.seq, sentAt: frame.sentAt, value: frame.value });
  while (buffer.buffer.has(buffer.contiguous + 1)) buffer.contiguous += 1;
  commitUpTo(state, buffer, frame.seq - window, effects);
  return buffer.contiguous;
}

/**
 * Values are a public function of (seed, sender, seq): a DATA carrying another value is a forgery
 * (or a bug). It is neither kept nor acked, so its sender cannot move on; the first one per sender
 * is logged, the others counted, and the result names the sender.
 */
function valueFits(buffer: ReceiveBuffer, frame: DataFrame, effects: Effect[]): boolean {
  const expected = buffer.valueOf(frame.seq);
  if (frame.value === expected) return true;
  buffer.badValues += 1;
  if (buffer.badValues === 1) log(effects, 'warn', `data ${frame.from}#${frame.seq} carries value ${frame.value}, not value(seed, ${frame.from}, ${frame.seq}) = ${expected}: rejected, not acked (further bad values from ${frame.from} are only counted)`);
  return false;
}

/** A sender's clock is strictly increasing: sentAt must sit between its neighbours' sentAt. */
function sentAtFits(buffer: ReceiveBuffer, frame: DataFrame): boolean {
  if (frame.sentAt <= buffer.lastCommittedSentAt) return false;
  for (const entry of buffer.buffer.values()) {
    if (entry.seq < frame.seq && entry.sentAt >= frame.sentAt) return false;
    if (entry.seq > frame.seq && entry.sentAt <= frame.sentAt) return false;
  }
  return true;
}

/** A FIN completes its sender's stream: commit the rest. Returns the serial to ack, or null. */
function receiveFin(state: NodeState, frame: FinFrame, effects: Effect[]): number | null {
  const buffer = state.receivers.get(frame.from)!;
  if (buffer.finished) return buffer.contiguous;
  if (frame.seq !== buffer.contiguous + 1) {
    log(effects, 'warn', `fin ${frame.from}#${frame.seq} does not follow serial ${buffer.contiguous}; ignored`);
    return frame.seq > buffer.contiguous ? buffer.contiguous : null;
  }
  commitUpTo(state, buffer, frame.seq - 1, effects);
  buffer.contiguous = frame.seq;
  buffer.finished = true;
  ledgerFinish(state.ledger, frame.from);
  return buffer.contiguous;
}

function commitUpTo(state: NodeState, buffer: ReceiveBuffer, bound: number, effects: Effect[]): void {
  const last = Math.min(bound, buffer.contiguous);
  for (let seq = buffer.committed + 1; seq <= last; seq += 1) {
    const entry = buffer.buffer.get(seq)!;
    buffer.buffer.delete(seq);
    buffer.committed = seq;
    buffer.lastCommittedSentAt = entry.sentAt;
    ledgerCommit(state.ledger, entry);
    effects.push({ type: 'commit', entry });
  }
}

function ack(state: NodeState, to: MemberId, seq: number, effects: Effect[]): void {
  effects.push({ type: 'send', to, frame: { kind: 'ack', run: state.run, from: state.self, seq } });
}

// ---- the end --------------------------------------------------------------------------------

/** Done early once every FIN is in and our own FIN is acked by all: nothing can change any more. */
function settleIfComplete(state: NodeState, now: number, effects: Effect[]): void {
  if (state.phase === 'waiting' && isComplete(state)) finish(state, 'settled', now, effects);
}

function isComplete(state: NodeState): boolean {
  if (!state.sender.finAcked) return false;
  for (const buffer of state.receivers.values()) if (!buffer.finished) return false;
  return true;
}

function finish(state: NodeState, reason: DoneReason, now: number, effects: Effect[]): void {
  enterPhase(state, 'done', now, effects);
  state.deadlines = { tick: null, phase: null };
  const { count, checksum } = ledgerResult(state.ledger);
  const highest = highestSent(state);
  const result: NodeResult = {
    count,
    checksum,
    line: `(${count}, ${formatFixed(checksum)})`,
    complete: isComplete(state),
    reason,
    missingFins: state.members.filter((m) => m !== state.self && !state.receivers.get(m)!.finished),
    unackedBy: state.members.filter((m) => m !== state.self && state.sender.ackedUpTo.get(m)! < highest),
    badValuesFrom: state.members.filter((m) => state.receivers.get(m)!.badValues > 0),
  };
  state.result = result;
  effects.push({ type: 'result', result });
}

// ---- helpers --------------------------------------------------------------------------------

function isDone(state: NodeState): boolean {
  return state.phase === 'done';
}

function enterPhase(state: NodeState, phase: Phase, now: number, effects: Effect[]): void {
  state.phase = phase;
  effects.push({ type: 'phase', phase, at: now });
}

function dataFrame(state: NodeState, message: OutgoingMessage): DataFrame {
  return { kind: 'data', run: state.run, from: state.self, seq: message.seq, sentAt: message.sentAt, value: message.value };
}

function finFrame(state: NodeState, seq: number): FinFrame {
  return { kind: 'fin', run: state.run, from: state.self, seq };
}

function log(effects: Effect[], level: 'debug' | 'warn', message: string): void {
  effects.push({ type: 'log', level, message });
}
