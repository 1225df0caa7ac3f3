// Runs beside the sandbox engine (in its worker): folds every record into what the page draws, once
// a frame — each node's figures, the inspected node's new commits, a sample of the traffic by message, the events
// guided scenarios wait for — so the page never re-runs the cluster itself and its frames keep their
// budget (issue 12). It also keeps the run's records for "Download the cluster trace".

import { isProtocolFrame, type MemberId, type NodeState } from '../core';
import type { TraceRecord } from '../runtime/trace';
import { traceLine } from '../runtime/trace';
import { countRecord, figuresOfState, type NodeFigures } from '../ui/history/figures';
import type { LoggedCommit } from '../ui/live/commit-log';
import { ZERO_COUNTERS, type TrafficCounters } from '../ui/live/feed';
import { messageKey } from '../ui/timeline/flights';
import { observe, createWatch, type RunWatch, type WatchEvent } from './watch';

/** The most records a sandbox run keeps for download (a tab's own trace stops at the same). */
export const MAX_KEPT_RECORDS = 500_000;
/** A frame holds at most this many traffic records (unless the sample is the sparsest): above, the sample is halved until it fits, from that frame on. */
const TRAFFIC_PER_FRAME = 400;
/** The sparsest sample: 1 message in this many. */
const MAX_EVERY = 64;
/** The newest commits of the inspected node handed over per frame, for its commit log. */
const LOG_PER_FRAME = 400;
/** Commits kept per node, for the page's commit log of a node it starts inspecting (it shows 500). */
const COMMITS_KEPT = 500;

/** What the page gets each frame: everything it draws, taken at `cursorUs`. */
export interface SandboxFrame {
  /** Virtual time (µs) the run has reached; every node's figures are taken there. */
  cursorUs: number;
  /** Figures of the nodes that changed since they were last handed over (every node the first time); empty in frames without nodes. */
  nodes: Record<MemberId, NodeFigures>;
  /**
   * The inspected node's commits since the last frame, numbered in its commit order (the newest
   * LOG_PER_FRAME); or, with `commitHistory`, its newest COMMITS_KEPT commits, which replace its log.
   * The other nodes' commits never cross: the page shows one node's log (and counts from figures).
   */
  commits: Record<MemberId, LoggedCommit[]>;
  commitHistory: boolean;
  /** Frames sent, received and lost, and commits, of 1 message in `every`: all records of those messages. */
  traffic: TraceRecord[];
  every: number;
  /** What happened since the last frame, for guided scenarios (src/sandbox/watch.ts); empty unless the page watches. */
  events: WatchEvent[];
  crashed: MemberId[];
  /** Records of the run so far, and whether the download lost some to MAX_KEPT_RECORDS. */
  records: number;
  truncated: boolean;
}

export class FrameReporter {
  private readonly kept: TraceRecord[] = [];
  private recordCount = 0;
  private readonly watch: RunWatch = createWatch();
  private readonly counters = new Map<MemberId, TrafficCounters>();
  private readonly commitCounts = new Map<MemberId, number>();
  /** Each node's newest commits (up to twice COMMITS_KEPT between trims). */
  private readonly recentCommits = new Map<MemberId, LoggedCommit[]>();
  /** The node whose commits the page shows, and whether its history is still to go out. */
  private inspected: MemberId;
  private historyDue = true;
  private commits: LoggedCommit[] = [];
  private traffic: TraceRecord[] = [];
  private events: WatchEvent[] = [];
  private readonly changed = new Set<MemberId>();
  private every = 1;
  /** Whether the page wants the events (a guided scenario plays); without it they are not sent. */
  watching = false;

  constructor(
    private readonly members: readonly MemberId[],
    inspected: MemberId | null = null,
  ) {
    for (const id of members) {
      this.counters.set(id, { ...ZERO_COUNTERS });
      this.recentCommits.set(id, []);
      this.changed.add(id);
    }
    this.inspected = this.memberOr(inspected);
  }

  /** The page inspects `node` now (null or a stranger: the first member, as the page's inspector does). */
  inspect(node: MemberId | null): void {
    const inspected = this.memberOr(node);
    if (inspected === this.inspected) return;
    this.inspected = inspected;
    this.historyDue = true;
    this.commits = [];
  }

  /** Folds the engine's newest records, in order. */
  fold(records: readonly TraceRecord[]): void {
    for (const record of records) this.add(record);
  }

  /** Shows every message again (after a change of speed: slower runs can show more). */
  resetSampling(): void {
    this.every = 1;
  }

  /** Whether the inspected node's commit history has yet to go out (the page just asked for another node). */
  get commitHistoryPending(): boolean {
    return this.historyDue;
  }

  /** Whether some node changed since its figures were last handed over. */
  get nodesPending(): boolean {
    return this.changed.size > 0;
  }

  /** The frame to hand over, with (`withNodes`) each changed node's figures from its state now; starts the next frame. */
  take(cursorUs: number, stateOf: (id: MemberId) => Readonly<NodeState>, withNodes = true): SandboxFrame {
    const nodes: Record<MemberId, NodeFigures> = {};
    if (withNodes) for (const id of this.changed) nodes[id] = figuresOfState(stateOf(id) as NodeState, this.counters.get(id)!, cursorUs);
    const commitHistory = this.historyDue;
    const log = commitHistory ? this.recentCommits.get(this.inspected)!.slice(-COMMITS_KEPT) : this.commits.slice(-LOG_PER_FRAME);
    this.thinTraffic();
    const frame: SandboxFrame = {
      cursorUs,
      nodes,
      commits: log.length > 0 || commitHistory ? { [this.inspected]: log } : {},
      commitHistory,
      traffic: this.traffic,
      every: this.every,
      events: this.events,
      crashed: this.members.filter((id) => this.watch.crashed[id]),
      records: this.recordCount,
      truncated: this.recordCount > this.kept.length,
    };
    if (withNodes) this.changed.clear();
    this.historyDue = false;
    this.commits = [];
    this.traffic = [];
    this.events = [];
    return frame;
  }

  /** The run's records so far as JSON Lines (docs/TRACE.md), as `chatterbox sim --trace` writes them. */
  traceText(): string {
    return this.kept.map((record) => traceLine(record) + '\n').join('');
  }

  private add(record: TraceRecord): void {
    this.recordCount += 1;
    if (this.kept.length < MAX_KEPT_RECORDS) this.kept.push(record);
    const events = observe(this.watch, record);
    if (this.watching) for (const event of events) this.events.push(event);
    const counters = this.counters.get(record.node);
    if (counters) countRecord(counters, record);
    this.changed.add(record.node);
    if (record.ev === 'commit') this.logCommit(record);
    if (this.sampled(record)) this.traffic.push(record);
  }

  private logCommit(record: Extract<TraceRecord, { ev: 'commit' }>): void {
    const index = (this.commitCounts.get(record.node) ?? 0) + 1;
    this.commitCounts.set(record.node, index);
    const entry: LoggedCommit = { from: record.from, seq: record.seq, sentAt: record.sentAt, value: record.value, index, at: record.t };
    const recent = this.recentCommits.get(record.node);
    if (recent) {
      recent.push(entry);
      if (recent.length >= 2 * COMMITS_KEPT) recent.splice(0, recent.length - COMMITS_KEPT);
    }
    if (record.node === this.inspected) this.commits.push(entry);
  }

  private memberOr(node: MemberId | null): MemberId {
    return node !== null && this.members.includes(node) ? node : this.members[0];
  }

  /**
   * Halves the sample until the frame's traffic fits TRAFFIC_PER_FRAME (or the sample is the
   * sparsest): the frame keeps the messages of the new sample, every record of each, and so do the
   * frames after it. Right after a start or a change of speed the sample is every message, and the
   * first frames at full speed held thousands of records, while the page must fold each frame in one.
   */
  private thinTraffic(): void {
    while (this.traffic.length > TRAFFIC_PER_FRAME && this.every < MAX_EVERY) {
      this.every *= 2;
      this.traffic = this.traffic.filter((record) => this.sampled(record));
    }
  }

  /** Whether the record belongs to a message in the sample (FINs always do; other records are not traffic). */
  private sampled(record: TraceRecord): boolean {
    switch (record.ev) {
      case 'commit':
        return messageKey(record.from, record.seq) % this.every === 0;
      case 'send':
      case 'drop':
        return isProtocolFrame(record.frame) && this.inSample(record.frame, record.node, record.to);
      case 'recv':
        return isProtocolFrame(record.frame) && this.inSample(record.frame, record.from, record.node);
      default:
        return false;
    }
  }

  /** A DATA's message is its sender's; an ACK's is the message of the node it goes to. */
  private inSample(frame: { kind: string; seq: number }, from: MemberId, to: MemberId): boolean {
    if (frame.kind === 'fin') return true;
    const sender = frame.kind === 'ack' ? to : from;
    return messageKey(sender, frame.seq) % this.every === 0;
  }
}
