// What a run looked like at one moment: `scene(history, t)` is a pure function of the history and
// the time, like RaftScope's `state.seek(t)`. The animation loop draws the scene at its playhead;
// the panels read the selectors below on the same kind of scene, so every figure on screen at one
// moment comes from the same snapshots (the inspector's count, a node's LOG box and the newest row
// of its commit log agree).

import type { MemberId, Phase } from '../../core';
import { resultLine } from '../../runtime/agreement';
import type { NodeSnapshot } from '../../runtime/snapshot';
import { leastAdvancedPhase } from '../phase';
import type { CommitMark, Flight } from '../timeline/flights';
import type { CommitRows } from '../views/commit-rows';
import type { MemberResult, NodeFigures } from './figures';
import type { RunHistory } from './history';

/** At most this many frames and commits in flight are handed to the drawing at once. */
/** Enough for the cluster view to draw 200 after sampling 1 message in 16 (packets.ts, 64 nodes). */
const MAX_IN_FLIGHT = 3200;
const MAX_COMMITTING = 1920;
/** The space-time diagram's default window while it follows: the last 2 s at full speed, proportionally less when slower. */
const BASE_RECENT_US = 2_000_000;
const MIN_RECENT_US = 20_000;

export interface Scene {
  /** The moment shown (history µs). */
  time: number;
  /** Each member's figures at `time` (null: nothing known yet); the same object while nothing changed. */
  nodes: Readonly<Record<MemberId, NodeFigures | null>>;
  /** The members' snapshots (the nodes' figures' snapshots), the same object while nothing changed. */
  snapshots: Readonly<Record<MemberId, NodeSnapshot | null>>;
  /** Frames in flight and commits moving at `time` (sampled). */
  inFlight: readonly Flight[];
  committing: readonly CommitMark[];
}

export interface SceneOptions {
  /** Include the traffic (frames, commits); panels need only the nodes. */
  traffic?: boolean;
  /** Take the nodes' figures at this time instead (a drawing that refreshes node states less often than frames). */
  nodesAt?: number;
}

const NO_FLIGHTS: readonly Flight[] = [];
const NO_COMMITS: readonly CommitMark[] = [];

/** How much recent traffic the space-time diagram shows while it follows, at an animation speed. */
export function recentSpanUs(scale: number): number {
  return Math.max(MIN_RECENT_US, BASE_RECENT_US * Math.min(1, scale));
}

/**
 * The run at `time`. `previous` (the last scene computed from the same history) lets unchanged
 * parts keep their identity, so a drawing can tell cheaply that nothing changed.
 */
export function scene(history: RunHistory, time: number, options: SceneOptions = {}, previous: Scene | null = null): Scene {
  const members = history.memberIds;
  const nodes: Record<MemberId, NodeFigures | null> = {};
  let same = previous !== null && Object.keys(previous.nodes).length === members.length;
  const nodesAt = options.nodesAt ?? time;
  for (const id of members) {
    nodes[id] = history.track(id)?.figuresAt(nodesAt) ?? null;
    if (same && previous!.nodes[id] !== nodes[id]) same = false;
  }
  const traffic = history.trafficLog;
  const withTraffic = options.traffic ?? true;
  return {
    time,
    nodes: same ? previous!.nodes : nodes,
    snapshots: same ? previous!.snapshots : snapshotsOf(nodes),
    inFlight: withTraffic ? traffic.flights(time, time, MAX_IN_FLIGHT) : NO_FLIGHTS,
    committing: withTraffic ? traffic.commits(time, time, MAX_COMMITTING) : NO_COMMITS,
  };
}

function snapshotsOf(nodes: Readonly<Record<MemberId, NodeFigures | null>>): Record<MemberId, NodeSnapshot | null> {
  const snapshots: Record<MemberId, NodeSnapshot | null> = {};
  for (const [id, figures] of Object.entries(nodes)) snapshots[id] = figures?.snapshot ?? null;
  return snapshots;
}

// ---- selectors: what the panels show, read from a scene and its history ----------------------------

/**
 * The run's phase at the scene: this tab's node's, or else the least advanced of the nodes known
 * (of those in `present`, when given: members that left do not hold it back); before any node
 * reported, the phase by the clock since the run started.
 */
export function phaseOf(history: RunHistory, view: Scene, present?: ReadonlySet<MemberId>): Phase {
  const own = history.self ? view.nodes[history.self] : null;
  if (own) return own.snapshot.phase;
  const phases: Phase[] = [];
  for (const [id, figures] of Object.entries(view.nodes)) if (figures && (!present || present.has(id))) phases.push(figures.snapshot.phase);
  if (phases.length > 0) return leastAdvancedPhase(phases, 'connecting');
  const run = history.run;
  if (!run || view.time < run.startedAt) return 'connecting';
  const ends = phaseEnds(run);
  return view.time < ends.sending ? 'sending' : view.time < ends.waiting ? 'waiting' : 'done';
}

/** When the phase shown ends at the latest (µs): this tab's node's own deadline, or the run's by the clock. */
export function phaseEndsAt(history: RunHistory, view: Scene, phase: Phase): number | null {
  const own = history.self ? view.nodes[history.self] : null;
  if (own) return own.phaseEndsAt;
  if (!history.run || phase === 'done' || phase === 'connecting') return null;
  const ends = phaseEnds(history.run);
  return phase === 'sending' ? ends.sending : ends.waiting;
}

function phaseEnds(run: NonNullable<RunHistory['run']>): { sending: number; waiting: number } {
  const sending = run.startedAt + run.params.sendForMs * 1000;
  return { sending, waiting: sending + run.params.waitForMs * 1000 };
}

/** Every member's result known at the scene: reported or recorded, or reached by a node shown. */
export function resultsOf(history: RunHistory, view: Scene): Record<MemberId, MemberResult> {
  const results: Record<MemberId, MemberResult> = {};
  for (const id of history.memberIds) {
    const result = history.resultAt(id, view.time) ?? view.nodes[id]?.snapshot.result ?? null;
    if (result) results[id] = result;
  }
  return results;
}

/** A node's commit log at the scene: its commits up to the count its snapshot shows, newest first; null when not kept. */
export function commitRowsOf(history: RunHistory, view: Scene, id: MemberId): CommitRows | null {
  const track = history.track(id);
  const figures = view.nodes[id];
  if (!track || ('keepsLog' in track && !track.keepsLog)) return null;
  return track.commitRows(figures?.snapshot.count ?? 0);
}

/**
 * When the results panel stops waiting for reports: when the run was over for this tab, or, for an
 * observer whose members did not all report DONE (a node's last report can be lost as it exits),
 * the end of the run by its clock.
 */
export function resultsDueAt(history: RunHistory): number | null {
  const done = doneAtOf(history);
  if (done !== null || history.self || !history.run) return done;
  return phaseEnds(history.run).waiting;
}

/** When the run was over for this tab: its node done, or (without one) every member done; µs or null. */
export function doneAtOf(history: RunHistory): number | null {
  if (history.self) return history.doneTime(history.self);
  const members = history.run?.members ?? history.memberIds;
  let latest = -Infinity;
  for (const id of members) {
    const at = history.doneTime(id);
    if (at === null) return null;
    latest = Math.max(latest, at);
  }
  return members.length > 0 ? latest : null;
}

export interface ThroughputPoint {
  /** Seconds since the run started. */
  t: number;
  /** Commits per second over the second before. */
  rate: number;
}

export interface ThroughputSeries {
  id: MemberId;
  points: ThroughputPoint[];
}

const THROUGHPUT_STEP_US = 250_000;
const THROUGHPUT_SPAN_US = 1_000_000;
/** Two minutes of points per member. */
const THROUGHPUT_POINTS = 480;

/** Commits per second per member up to the scene (or until the member was done), a point every quarter second (the last two minutes). */
export function throughputOf(history: RunHistory, view: Scene): ThroughputSeries[] {
  const start = history.run?.startedAt ?? history.span.start;
  if (!Number.isFinite(start) || view.time <= start) return [];
  const steps = Math.floor((view.time - start) / THROUGHPUT_STEP_US);
  const first = Math.max(1, steps - THROUGHPUT_POINTS + 1);
  const series: ThroughputSeries[] = [];
  for (const id of history.memberIds) {
    const track = history.track(id);
    if (!track) continue;
    const points: ThroughputPoint[] = [];
    const until = history.doneTime(id) ?? Infinity;
    for (let i = first; i <= steps; i += 1) {
      const at = start + i * THROUGHPUT_STEP_US;
      if (at - THROUGHPUT_STEP_US > until) break;
      const since = Math.max(start, at - THROUGHPUT_SPAN_US);
      const now = track.countAt(at);
      const before = at - THROUGHPUT_SPAN_US < start ? 0 : track.countAt(since);
      if (now === null || before === null) continue;
      points.push({ t: (at - start) / 1_000_000, rate: (Math.max(0, now - before) * 1_000_000) / (at - since) });
    }
    if (points.length > 0) series.push({ id, points });
  }
  return series;
}

const notesMade = new WeakMap<RunHistory, { version: number; notes: string[] }>();

/** What replaying the history says about the results its rebuilt nodes recorded (one note per node; kept until the history changes). */
export function replayNotes(history: RunHistory): string[] {
  const made = notesMade.get(history);
  if (made?.version === history.version) return made.notes;
  const notes = notesOf(history);
  notesMade.set(history, { version: history.version, notes });
  return notes;
}

function notesOf(history: RunHistory): string[] {
  return history.rebuilt.map((id) => {
    const replayed = history.track(id)?.latest()?.snapshot.result ?? null;
    const line = replayed ? resultLine(replayed) : null;
    const recorded = history.resultAt(id, Infinity);
    if (recorded && line === resultLine(recorded)) return `${id}: the replay reproduces the recorded result ${line}.`;
    if (recorded) return `${id}: the replay ends with ${line ?? 'no result'}, but the trace recorded ${resultLine(recorded)}.`;
    if (line) return `${id}: no result recorded; the replay reaches ${line}.`;
    return `${id}: the trace ends before ${id} was done.`;
  });
}
