// One run's history, RaftScope-style: everything the UI shows of a run, on one time axis, from
// which `scene(history, t)` (scene.ts) tells what was true at any moment t. Sources append to it:
//
// - records with recorded inputs (`appendRecords`): a trace file loaded at once, or a simulator
//   streaming full traces; each such node is rebuilt through the reducer (replayed-node.ts);
// - reports of nodes whose protocol runs elsewhere (`report`, `telemetry`): this tab's node in its
//   worker, and peers' telemetry; their reported snapshots are their checkpoints and nothing is
//   re-run here, so the page's main thread stays free (issue 8) (reported-node.ts).
//
// Bounded: a source with recorded inputs keeps at most MAX_RECORDS records (then notes the cut), a
// reporting node its newest reports; nothing else grows with the run. This tab's own trace is kept
// as the JSON Lines its node wrote (`keepTrace`), for download.

import { compareIds, type MemberId, type RunParams, type TraceRecord } from '../../core';
import type { NodeSnapshot } from '../../runtime/snapshot';
import type { PeerResult } from '../../runtime/runtime';
import type { LoggedCommit } from '../live/commit-log';
import { TraceRecorder } from '../live/trace-recorder';
import type { CommitMark, Flight } from '../timeline/flights';
import type { NodeFigures, MemberResult } from './figures';
import { ReplayedNode } from './replayed-node';
import { ReportedNode } from './reported-node';
import { Traffic } from './traffic';

/** The most records a history keeps from sources with recorded inputs (a tab's trace stops at the same). */
export const MAX_RECORDS = 500_000;
/** Flights and commits kept for nodes that sample their own (about a minute of a busy tab). */
const SAMPLED_TRAFFIC_KEPT = 6000;

/** The run a history shows: the start notice, plus when it started on the history's clock (µs). */
export interface RunInfo {
  runId: string;
  run: number;
  members: MemberId[];
  params: RunParams;
  startedAt: number;
}

export interface HistoryOptions {
  /** The run, when known before any record (a live run); a file's comes from its start records. */
  run?: RunInfo | null;
  /** The node whose protocol runs in this tab, if any. */
  self?: MemberId | null;
  /** The history grows with real time (its clock is this tab's): countdowns and "behind live" apply. */
  realTime?: boolean;
  /** Flights and commits to keep (the newest); by default a minute of a busy tab's own sample. */
  trafficKept?: number;
}

/** What a reporting node hands over with its figures (this tab's node: a feed batch). */
export interface NodeReport {
  figures: NodeFigures;
  flights?: readonly Flight[];
  marks?: readonly CommitMark[];
  log?: readonly LoggedCommit[];
  /** Results of members (self included) the node knows. */
  results?: Readonly<Record<MemberId, PeerResult>>;
}

export type NodeTrack = ReplayedNode | ReportedNode;

/** What a sandbox frame hands the history (src/sandbox/frame-report.ts's SandboxFrame has these and more). */
export interface SandboxFrameParts {
  nodes: Readonly<Record<MemberId, NodeFigures>>;
  commits: Readonly<Record<MemberId, readonly LoggedCommit[]>>;
  /** The commits are each node's kept history, replacing its log (it was just picked for inspection). */
  commitHistory?: boolean;
  traffic: readonly TraceRecord[];
  every: number;
}

export class RunHistory {
  readonly self: MemberId | null;
  readonly realTime: boolean;
  private runInfo: RunInfo | null;
  private readonly members = new Set<MemberId>();
  private readonly tracks = new Map<MemberId, NodeTrack>();
  private readonly results = new Map<MemberId, { at: number; result: MemberResult }[]>();
  private readonly doneAt = new Map<MemberId, number>();
  private traffic: Traffic;
  private recordCount = 0;
  private cut = false;
  /** Set by sandbox frames: their traffic is 1 message in this many (0: no such frames). */
  private sourceEvery = 0;
  private first = Infinity;
  private last = -Infinity;
  private changes = 0;
  private readonly listeners = new Set<() => void>();
  /** This tab's own trace, as its node wrote it (for download). */
  readonly ownTrace = new TraceRecorder();

  constructor(options: HistoryOptions = {}) {
    this.self = options.self ?? null;
    this.realTime = options.realTime ?? false;
    this.runInfo = options.run ?? null;
    for (const id of this.runInfo?.members ?? []) this.members.add(id);
    this.traffic = new Traffic(options.trafficKept ?? SAMPLED_TRAFFIC_KEPT);
  }

  /** A trace file's history: its records merged by time (each node's in its own order), appended at once. */
  static fromRecords(records: readonly TraceRecord[]): RunHistory {
    const history = new RunHistory();
    history.appendRecords(mergeByTime(records));
    return history;
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** Grows by one on every change: drawing and panels compare it to know whether to look again. */
  get version(): number {
    return this.changes;
  }

  get run(): RunInfo | null {
    return this.runInfo;
  }

  /** Every member of the run (or seen in the records), sorted. */
  get memberIds(): MemberId[] {
    return [...this.members].sort(compareIds);
  }

  /** Nodes whose inputs are recorded (the replay rebuilds them). */
  get rebuilt(): MemberId[] {
    return [...this.tracks].filter(([, track]) => track instanceof ReplayedNode).map(([id]) => id).sort(compareIds);
  }

  track(id: MemberId): NodeTrack | null {
    return this.tracks.get(id) ?? null;
  }

  /** Records appended from sources with recorded inputs, and whether the limit cut some. */
  get records(): { count: number; truncated: boolean } {
    return { count: this.recordCount, truncated: this.cut };
  }

  /** The first and last moments the history holds (µs); empty: +Infinity and -Infinity. */
  get span(): { start: number; end: number } {
    return { start: this.first, end: this.last };
  }

  get trafficLog(): Traffic {
    return this.traffic;
  }

  /**
   * How the traffic shown was sampled at its source: 'nodes' when reporting nodes each sent a
   * sample of their own frames (a message's other frames may be missing), or k when whole messages
   * came, 1 in k (the sandbox at high speed; 1: every message).
   */
  get trafficSampling(): 'nodes' | number {
    if (this.sourceEvery > 0) return this.sourceEvery;
    return this.rebuilt.length < this.memberIds.length ? 'nodes' : 1;
  }

  /** Each member's result as known at `time` (the latest change of it). */
  resultAt(id: MemberId, time: number): MemberResult | null {
    const changes = this.results.get(id) ?? [];
    let found: MemberResult | null = null;
    for (const change of changes) {
      if (change.at > time) break;
      found = change.result;
    }
    return found;
  }

  /** When the node was first seen done (µs), or null. */
  doneTime(id: MemberId): number | null {
    return this.doneAt.get(id) ?? null;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- appending -------------------------------------------------------------------------------

  /**
   * Appends records of nodes with recorded inputs (any number of nodes, interleaved), in time order
   * across nodes and in recording order per node.
   */
  appendRecords(records: readonly TraceRecord[]): void {
    if (records.length === 0) return;
    // Traffic derived from records is kept as long as the records are (sampled traffic: the newest only).
    if (this.recordCount === 0) this.traffic = new Traffic(MAX_RECORDS);
    for (const record of records) {
      if (this.recordCount >= MAX_RECORDS) {
        this.cut = true;
        break;
      }
      this.addRecord(record);
    }
    this.changed();
  }

  /** What a node whose protocol runs elsewhere reported (this tab's node: one feed batch). */
  report(id: MemberId, report: NodeReport): void {
    this.addReport(id, report);
    this.changed();
  }

  /**
   * One frame of a sandbox (src/sandbox/frame-report.ts), as one change: the figures of the nodes it
   * brings, the inspected node's new commits (or its whole kept log), and every traffic record (frames and commits) of 1 message in
   * `every`.
   */
  appendFrame(frame: SandboxFrameParts): void {
    for (const [id, figures] of Object.entries(frame.nodes)) this.addReport(id, { figures });
    for (const [id, log] of Object.entries(frame.commits)) {
      const track = this.reportedTrack(id);
      if (frame.commitHistory) track?.clearCommits();
      track?.addCommits(log);
    }
    for (const record of frame.traffic) {
      this.noteTime(record.t);
      this.traffic.addRecord(record);
    }
    this.sourceEvery = frame.every;
    this.changed();
  }

  private addReport(id: MemberId, report: NodeReport): void {
    const node = this.reportedTrack(id);
    if (!node) return;
    node.report(report.figures);
    this.noteTime(report.figures.at);
    this.noteFigures(id, report.figures);
    for (const flight of report.flights ?? []) this.traffic.addFlight(flight);
    for (const mark of report.marks ?? []) this.traffic.addMark(mark);
    if (report.log) node.addCommits(report.log);
    for (const [member, result] of Object.entries(report.results ?? {})) this.noteResult(member, report.figures.at, result);
  }

  /** A peer's telemetry: its snapshot at `at` (this tab's clock). */
  telemetry(id: MemberId, at: number, snapshot: NodeSnapshot): void {
    this.report(id, { figures: { at, snapshot, counters: null, runningChecksum: null, phaseEndsAt: null, rttMs: snapshot.rttMs ?? {} } });
  }

  /** This tab's node's trace lines (JSON Lines), kept for download. */
  keepTrace(text: string, records: number, truncated: boolean): void {
    this.ownTrace.append(text, records, truncated);
  }

  // ---- inside ----------------------------------------------------------------------------------

  private addRecord(record: TraceRecord): void {
    this.recordCount += 1;
    this.members.add(record.node);
    this.noteTime(record.t);
    if (record.ev === 'start') this.onStart(record);
    this.traffic.addRecord(record);
    let track = this.tracks.get(record.node);
    if (!track) {
      track = new ReplayedNode(record.node);
      this.tracks.set(record.node, track);
    }
    if (track instanceof ReplayedNode) track.append(record);
    if (record.ev === 'result') this.noteResult(record.node, record.t, record);
    if (record.ev === 'phase' && record.phase === 'done' && !this.doneAt.has(record.node)) this.doneAt.set(record.node, record.t);
  }

  private onStart(record: Extract<TraceRecord, { ev: 'start' }>): void {
    for (const id of record.members) this.members.add(id);
    this.runInfo ??= { runId: record.runId, run: record.run, members: [...record.members], params: record.params, startedAt: record.t };
  }

  /** The track of a reporting node (only members of the run report; a node rebuilt from records does not). */
  private reportedTrack(id: MemberId): ReportedNode | null {
    if (this.runInfo && !this.runInfo.members.includes(id)) return null;
    const track = this.tracks.get(id);
    if (track) return track instanceof ReportedNode ? track : null;
    const created = new ReportedNode(id);
    this.tracks.set(id, created);
    this.members.add(id);
    return created;
  }

  private noteFigures(id: MemberId, figures: NodeFigures): void {
    const { snapshot } = figures;
    if (snapshot.result) this.noteResult(id, figures.at, snapshot.result);
    if (snapshot.phase === 'done' && !this.doneAt.has(id)) this.doneAt.set(id, figures.at);
  }

  /** Keeps a member's result when it is new or differs from the one known. */
  private noteResult(id: MemberId, at: number, result: MemberResult): void {
    const changes = this.results.get(id) ?? [];
    const known = changes.length > 0 ? changes[changes.length - 1].result : null;
    if (known && known.count === result.count && known.checksum === result.checksum && known.complete === result.complete) return;
    changes.push({ at: Math.max(at, changes.length > 0 ? changes[changes.length - 1].at : -Infinity), result: { count: result.count, checksum: result.checksum, complete: result.complete } });
    this.results.set(id, changes);
  }

  private noteTime(t: number): void {
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
  }

  private changed(): void {
    this.changes += 1;
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * Records of several nodes in one time order, each node's kept in the order it recorded them: a
 * file may hold one node after another (traces put together with cat).
 */
export function mergeByTime(records: readonly TraceRecord[]): TraceRecord[] {
  const byNode = new Map<MemberId, TraceRecord[]>();
  for (const record of records) {
    const list = byNode.get(record.node);
    if (list) list.push(record);
    else byNode.set(record.node, [record]);
  }
  if (byNode.size <= 1) return [...records];
  const streams = [...byNode.values()];
  const heads = streams.map(() => 0);
  const merged: TraceRecord[] = [];
  const before = (a: TraceRecord, b: TraceRecord): boolean => a.t < b.t || (a.t === b.t && sendsFirst(a) < sendsFirst(b));
  for (;;) {
    let best = -1;
    for (let i = 0; i < streams.length; i += 1) {
      if (heads[i] < streams[i].length && (best < 0 || before(streams[i][heads[i]], streams[best][heads[best]]))) best = i;
    }
    if (best < 0) return merged;
    merged.push(streams[best][heads[best]]);
    heads[best] += 1;
  }
}

/** At equal times a frame's send goes before its receive. */
function sendsFirst(record: TraceRecord): number {
  return record.ev === 'send' || record.ev === 'drop' ? 0 : 1;
}
