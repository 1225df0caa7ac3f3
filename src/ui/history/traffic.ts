// Frames in flight and commit animations of a run, on its time axis. Nodes that report their own
// traffic (this tab's node) hand over flights they sampled; for nodes whose records are in the
// history, each `recv` flies from the latest matching `send`, a `drop` fades its send out halfway,
// and a frame whose other end is not recorded flies for the typical flight time. Records are
// expected in time order (a file is merged by time before it is appended, see history.ts), so
// appending a run piece by piece gives the same picture as loading it at once.

import { isProtocolFrame, type MemberId, type ProtocolFrame, type TraceRecord } from '../../core';
import { COMMIT_ANIMATION_US, flightSampleKey, markSampleKey, messageFields, samplingStep, type CommitMark, type Flight } from '../timeline/flights';
import { IntervalLog } from '../timeline/interval-log';

/** Used for a frame's flight while the history tells nothing about flight times. */
const FALLBACK_FLIGHT_US = 1000;
/** The typical flight is the median of this many recent samples, recomputed every SAMPLES_PER_UPDATE. */
const SAMPLES_KEPT = 255;
const SAMPLES_PER_UPDATE = 16;
/** Sends waiting for their receive record (the oldest are forgotten beyond this). */
const PENDING_KEPT = 50_000;

export class Traffic {
  private readonly flightLog: IntervalLog<Flight>;
  private readonly commitLog: IntervalLog<CommitMark>;
  private readonly pending = new Map<string, Flight[]>();
  private readonly flightSamples = new Samples();
  /** Half the time from a DATA's first send to the ack covering it: the estimate when no frame is recorded at both ends. */
  private readonly halfRoundTrips = new Samples();
  private latest = -Infinity;

  /** @param capacity flights (and commits) kept: the newest. */
  constructor(capacity: number) {
    this.flightLog = new IntervalLog<Flight>(capacity, flightSampleKey);
    this.commitLog = new IntervalLog<CommitMark>(capacity, markSampleKey);
  }

  /** Frames in flight at some point of [from, to] (of 1 message in `every`, a power of two), sampled down to `limit`. */
  flights(from: number, to: number, limit: number, every = 1): Flight[] {
    return this.flightLog.overlapping(from, to, limit, every);
  }

  /** Commits whose animation overlaps [from, to] (of 1 message in `every`), sampled down to `limit`. */
  commits(from: number, to: number, limit: number, every = 1): CommitMark[] {
    return this.commitLog.overlapping(from, to, limit, every);
  }

  /** Of how many messages one to show (a power of two) so that about `budget` frames of [from, to] remain. */
  messageSampling(from: number, to: number, budget: number): number {
    return samplingStep(this.flightLog.countStarting(from, to), budget);
  }

  /** When the last frame sent so far arrives (or is expected), or the last commit: µs, -Infinity when none. */
  get lastActivity(): number {
    return this.latest;
  }

  /** The typical one-way flight (µs) of the frames seen so far. */
  typicalFlightUs(): number {
    return this.flightSamples.median() ?? this.halfRoundTrips.median() ?? FALLBACK_FLIGHT_US;
  }

  /** A flight a node sampled itself. */
  addFlight(flight: Flight): void {
    this.latest = Math.max(this.latest, flight.end);
    this.flightLog.add(flight);
  }

  /** A commit a node sampled itself. */
  addMark(mark: CommitMark): void {
    this.latest = Math.max(this.latest, mark.start);
    this.commitLog.add(mark);
  }

  /** Derives what a record shows: a flight, the end of one, a lost one, or a commit. */
  addRecord(record: TraceRecord): void {
    if (record.ev === 'send' || record.ev === 'recv' || record.ev === 'commit') this.latest = Math.max(this.latest, record.t);
    switch (record.ev) {
      case 'send':
        if (isProtocolFrame(record.frame)) this.onSend(record.node, record.to, record.frame, record.t);
        break;
      case 'drop':
        if (isProtocolFrame(record.frame)) this.onDrop(record.node, record.to, record.frame);
        break;
      case 'recv':
        if (isProtocolFrame(record.frame)) this.onRecv(record.from, record.node, record.frame, record.t);
        break;
      case 'commit':
        this.commitLog.add({ node: record.node, from: record.from, seq: record.seq, start: record.t, end: record.t + COMMIT_ANIMATION_US, sentAt: record.sentAt, value: record.value });
        break;
      default:
        break;
    }
  }

  private onSend(from: MemberId, to: MemberId, frame: ProtocolFrame, t: number): void {
    const flight: Flight = { from, to, kind: frame.kind, seq: frame.seq, start: t, end: t + this.typicalFlightUs(), lost: false, ...messageFields(frame) };
    const key = flightKey(from, to, frame);
    const list = this.pending.get(key);
    if (list) list.push(flight);
    else this.pending.set(key, [flight]);
    if (this.pending.size > PENDING_KEPT) this.pending.delete(this.pending.keys().next().value!);
    this.flightLog.add(flight);
  }

  /** The network lost the frame last sent under this key: it fades out, and no receive can match it. */
  private onDrop(from: MemberId, to: MemberId, frame: ProtocolFrame): void {
    const list = this.pending.get(flightKey(from, to, frame));
    const lost = list?.pop();
    if (lost) lost.lost = true;
  }

  private onRecv(from: MemberId, to: MemberId, frame: ProtocolFrame, t: number): void {
    const key = flightKey(from, to, frame);
    const list = this.pending.get(key) ?? [];
    const send = latestAtOrBefore(list, t);
    if (send) {
      list.splice(list.indexOf(send), 1);
      if (list.length === 0) this.pending.delete(key);
      send.end = t;
      this.flightLog.extended(send);
      this.flightSamples.add(t - send.start);
    } else {
      this.flightLog.add({ from, to, kind: frame.kind, seq: frame.seq, start: t - this.typicalFlightUs(), end: t, lost: false, ...messageFields(frame) });
    }
    if (frame.kind === 'ack') this.sampleRoundTrip(to, from, frame.seq, t);
  }

  /** An ack reached the DATA's sender: half the time since the DATA's first send is a flight estimate. */
  private sampleRoundTrip(sender: MemberId, acker: MemberId, seq: number, t: number): void {
    const sent = this.pending.get(`${sender}>${acker}:data:${seq}`)?.[0];
    if (sent && t > sent.start) this.halfRoundTrips.add((t - sent.start) / 2);
  }
}

function flightKey(from: MemberId, to: MemberId, frame: ProtocolFrame): string {
  return `${from}>${to}:${frame.kind}:${frame.seq}`;
}

/** The last flight sent at or before `time` (a key's sends are in time order). */
function latestAtOrBefore(list: readonly Flight[], time: number): Flight | null {
  let found: Flight | null = null;
  for (const flight of list) {
    if (flight.start > time) break;
    found = flight;
  }
  return found;
}

/** The median of the most recent samples, recomputed every few new ones. */
class Samples {
  private readonly values: number[] = [];
  private next = 0;
  private sinceUpdate = 0;
  private cached: number | null = null;

  add(value: number): void {
    if (this.values.length < SAMPLES_KEPT) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % SAMPLES_KEPT;
    this.sinceUpdate += 1;
    if (this.cached === null || this.sinceUpdate >= SAMPLES_PER_UPDATE) {
      const sorted = [...this.values].sort((a, b) => a - b);
      this.cached = Math.max(1, sorted[Math.floor(sorted.length / 2)]);
      this.sinceUpdate = 0;
    }
  }

  median(): number | null {
    return this.cached;
  }
}
