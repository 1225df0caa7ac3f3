// What a tab's node tells its page: everything the views draw, gathered next to the protocol (in
// the worker, or on the main thread) and handed over in batches at most once per animation frame.

import { isProtocolFrame, type Frame, type MemberId, type Phase } from '../../core';
import type { FramePlane } from '../../net/frame-plane';
import type { Timers } from '../../net/timers';
import type { NodeRuntime, PeerResult } from '../../runtime/runtime';
import type { NodeSnapshot } from '../../runtime/snapshot';
import { traceLine } from '../../runtime/trace';
import { COMMIT_ANIMATION_US, RateSampler, messageFields, type CommitMark, type Flight } from '../timeline/flights';
import type { LoggedCommit } from './commit-log';

export interface TrafficCounters {
  dataSent: number;
  acksSent: number;
  finsSent: number;
  received: number;
  dropped: number;
  commits: number;
}

/** One hand-over from the node to its page; every figure in it describes the node at `at`. */
export interface FeedBatch {
  /** The node's clock (µs) when the batch was taken. */
  at: number;
  snapshot: NodeSnapshot;
  /** Frames sent and received since the last batch, sampled per directed link. */
  flights: Flight[];
  /** Commits since the last batch, sampled per sender, for the animation. */
  marks: CommitMark[];
  /** The newest commits since the last batch, in order (at most LOG_PER_BATCH), for the commit log. */
  log: LoggedCommit[];
  counters: TrafficCounters;
  phase: Phase;
  /** The node's clock (µs) when its current phase ends at the latest. */
  phaseEndsAt: number | null;
  /** The result line once done. */
  result: string | null;
  results: Record<MemberId, PeerResult>;
  rttMs: Record<MemberId, number>;
  runningChecksum: string;
  /** New trace lines (JSON Lines, each ending in a newline) and how many records they hold. */
  trace: { text: string; records: number; truncated: boolean };
}

/** Batches go out this often at most while the node is busy (about one animation frame). */
const FEED_EVERY_MS = 16;
/** Per directed link (or per committed sender), at most this many animated items per quarter second. */
const SAMPLE_WINDOW_US = 250_000;
const SAMPLE_PER_WINDOW = 24;
/** Frames shorter than this still take this long on screen (µs of timeline), so they can be seen. */
export const MIN_VISIBLE_FLIGHT_US = 80_000;
/** The commit log receives at most this many entries per batch (the newest). */
const LOG_PER_BATCH = 400;
/** A tab keeps at most this many trace records (the download says when it was cut). */
const MAX_TRACE_RECORDS = 500_000;

/** Expected one-way flight to a peer on the timeline: half its RTT (or its shaped delay), made visible. */
export function flightUs(rttMs: number | undefined, delayMs: number): number {
  const oneWayUs = rttMs !== undefined ? (rttMs / 2) * 1000 : delayMs * 1000;
  return Math.max(MIN_VISIBLE_FLIGHT_US, oneWayUs);
}

export const ZERO_COUNTERS: TrafficCounters = { dataSent: 0, acksSent: 0, finsSent: 0, received: 0, dropped: 0, commits: 0 };

export class NodeFeed {
  private flights: Flight[] = [];
  private marks: CommitMark[] = [];
  private log: LoggedCommit[] = [];
  private readonly counters: TrafficCounters = { ...ZERO_COUNTERS };
  private readonly sampler = new RateSampler(SAMPLE_WINDOW_US, SAMPLE_PER_WINDOW);
  private traceLines: string[] = [];
  private traceRecords = 0;
  private traceDropped = 0;
  /** The last frame drawn as sent: the plane reports a drop right after the send. */
  private lastSent: { to: MemberId; flight: Flight } | null = null;
  private timer: unknown = null;
  private result: string | null = null;
  private closed = false;

  constructor(
    private readonly runtime: NodeRuntime,
    private readonly plane: FramePlane,
    private readonly timers: Timers,
    private readonly clock: () => number,
    private readonly deliver: (batch: FeedBatch) => void,
  ) {
    const self = runtime.self;
    runtime.on('trace', (record) => this.addTrace(traceLine(record)));
    runtime.on('send', ({ to, frame, at }) => this.onSend(self, to, frame, at));
    runtime.on('recv', ({ from, frame, at }) => this.onRecv(from, self, frame, at));
    runtime.on('commit', ({ entry, at }) => {
      this.counters.commits += 1;
      this.log.push({ ...entry, index: this.counters.commits, at });
      if (this.sampler.keep(`commit:${entry.from}`, at)) this.marks.push({ node: self, from: entry.from, seq: entry.seq, start: at, end: at + COMMIT_ANIMATION_US, sentAt: entry.sentAt, value: entry.value });
      this.schedule();
    });
    runtime.on('phase', () => this.schedule());
    runtime.on('result', (result) => {
      this.result = result.line;
      this.schedule();
    });
    runtime.on('results', () => this.schedule());
    plane.on('dropped', ({ to }) => this.onDropped(to));
    this.schedule();
  }

  /** Stops sending batches (a new run replaces this feed). */
  close(): void {
    this.closed = true;
    if (this.timer) this.timers.clear(this.timer);
    this.timer = null;
  }

  private onSend(self: MemberId, to: MemberId, frame: Frame, at: number): void {
    if (frame.kind === 'data') this.counters.dataSent += 1;
    else if (frame.kind === 'ack') this.counters.acksSent += 1;
    else if (frame.kind === 'fin') this.counters.finsSent += 1;
    this.lastSent = null;
    if (isProtocolFrame(frame)) {
      const flight = this.sample({ from: self, to, kind: frame.kind, seq: frame.seq, start: at, end: at + this.flightTo(to), lost: false, ...messageFields(frame) });
      if (flight) this.lastSent = { to, flight };
    }
    this.schedule();
  }

  private onRecv(from: MemberId, self: MemberId, frame: Frame, at: number): void {
    this.counters.received += 1;
    if (isProtocolFrame(frame)) this.sample({ from, to: self, kind: frame.kind, seq: frame.seq, start: at - this.flightTo(from), end: at, lost: false, ...messageFields(frame) });
    this.schedule();
  }

  private onDropped(to: MemberId): void {
    this.counters.dropped += 1;
    if (this.lastSent?.to === to) this.lastSent.flight.lost = true;
    this.lastSent = null;
    this.schedule();
  }

  private sample(flight: Flight): Flight | null {
    if (!this.sampler.keep(`${flight.from}>${flight.to}`, flight.end)) return null;
    this.flights.push(flight);
    return flight;
  }

  private flightTo(peer: MemberId): number {
    return flightUs(this.runtime.rttMs.get(peer), this.plane.shaper.get(peer).delayMs);
  }

  private addTrace(line: string): void {
    if (this.traceRecords + this.traceLines.length >= MAX_TRACE_RECORDS) {
      this.traceDropped += 1;
      return;
    }
    this.traceLines.push(line);
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = this.timers.set(this.flush, FEED_EVERY_MS);
  }

  private readonly flush = (): void => {
    this.timer = null;
    if (this.closed) return;
    this.deliver(this.take());
  };

  /** Everything since the last batch, and the node's state now. */
  private take(): FeedBatch {
    const runtime = this.runtime;
    const traceText = this.traceLines.length > 0 ? this.traceLines.join('\n') + '\n' : '';
    const batch: FeedBatch = {
      at: this.clock(),
      snapshot: runtime.snapshot(),
      flights: this.flights,
      marks: this.marks,
      log: this.log.length > LOG_PER_BATCH ? this.log.slice(-LOG_PER_BATCH) : this.log,
      counters: { ...this.counters },
      phase: runtime.phase,
      phaseEndsAt: runtime.phaseEndsAt(),
      result: this.result,
      results: Object.fromEntries(runtime.results),
      rttMs: Object.fromEntries(runtime.rttMs),
      runningChecksum: runtime.runningChecksum(),
      trace: { text: traceText, records: this.traceLines.length, truncated: this.traceDropped > 0 },
    };
    this.traceRecords += this.traceLines.length;
    this.flights = [];
    this.marks = [];
    this.log = [];
    this.traceLines = [];
    return batch;
  }
}
