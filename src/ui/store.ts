// The UI's state (zustand): fed in batches by the live controller and the replay, read by the views.

import { create } from 'zustand';
import { DEFAULT_PARAMS, sortedMembers, type MemberId, type Phase, type RunParams } from '../core';
import type { LinkState } from '../net/mesh';
import type { LinkSettings } from '../net/link-shaper';
import type { SignalingStatus } from '../net/signaling-client';
import type { PeerResult, RunStart } from '../runtime/runtime';
import type { NodeSnapshot } from '../runtime/snapshot';
import { ZERO_COUNTERS, type TrafficCounters } from './live/feed';
import type { NodeMode } from './live/node-port';
import type { RosterMessage } from '../signaling';

/** The run this tab shows: the runtime's run start, plus when it started on this tab's clock. */
export interface RunInfo extends RunStart {
  /** This tab's clock (µs) when the run started (the server's RunInfo uses epoch ms). */
  startedAt: number;
}

/** A member's final (count, checksum), as results are passed between nodes. */
export type MemberResult = PeerResult;

export { ZERO_COUNTERS, type TrafficCounters } from './live/feed';

export interface ThroughputPoint {
  /** Seconds since the run started. */
  t: number;
  /** Commits per second over the last sample period. */
  rate: number;
}

export interface ThroughputSeries {
  id: MemberId;
  points: ThroughputPoint[];
}

export interface Banner {
  id: string;
  tone: 'error' | 'warning' | 'info';
  text: string;
}

/** What the animation shows at its playhead, published at most 30 times a second. */
export interface ViewFrame {
  playhead: number;
  /** How far the playhead is behind live (or the end of the trace), µs. */
  behind: number;
  snapshots: Record<MemberId, NodeSnapshot | null>;
}

/** The run parameters as typed in the top bar (seconds for durations). */
export interface ParamsDraft {
  sendForS: string;
  waitForS: string;
  seed: string;
  tickMs: string;
  window: string;
}

export interface ReplayInfo {
  fileName: string;
  members: MemberId[];
  /** Nodes whose state the trace lets us rebuild (they recorded their inputs). */
  recorded: MemberId[];
  start: number;
  end: number;
  records: number;
  params: RunParams | null;
  /** Recorded results, per node. */
  results: Record<MemberId, MemberResult>;
  /** What checking the replay against the recorded results found. */
  notes: string[];
  throughput: ThroughputSeries[];
  playing: boolean;
  speed: number;
}

export interface LiveFields {
  signaling: SignalingStatus;
  /** Where this tab's protocol runs (null: an observer runs none). */
  nodeMode: NodeMode | null;
  selfId: MemberId | null;
  roster: RosterMessage | null;
  /** This tab's data channels, per peer. */
  ownLinks: Record<MemberId, LinkState>;
  rttMs: Record<MemberId, number>;
  /** Fault injection per link, keyed by linkKey(a, b). */
  shapes: Record<string, LinkSettings>;
  run: RunInfo | null;
  phase: Phase;
  /** This tab's clock (µs) when the current phase ends at the latest. */
  phaseEndsAt: number | null;
  ownResult: string | null;
  results: Record<MemberId, MemberResult>;
  /** This tab's clock (µs) when this node (or, for an observer, every member) was done. */
  doneAt: number | null;
  telemetry: Record<MemberId, NodeSnapshot>;
  counters: TrafficCounters;
  runningChecksum: string | null;
  traceRecords: number;
  traceTruncated: boolean;
  throughput: ThroughputSeries[];
}

export interface AppState extends LiveFields {
  mode: 'live' | 'replay';
  banners: Banner[];
  selectedNode: MemberId | null;
  selectedLink: string | null;
  animation: { scale: number; paused: boolean };
  view: ViewFrame;
  paramsDraft: ParamsDraft;
  replay: ReplayInfo | null;
}


export const INITIAL_LIVE: LiveFields = {
  signaling: 'connecting',
  nodeMode: null,
  selfId: null,
  roster: null,
  ownLinks: {},
  rttMs: {},
  shapes: {},
  run: null,
  phase: 'connecting',
  phaseEndsAt: null,
  ownResult: null,
  results: {},
  doneAt: null,
  telemetry: {},
  counters: ZERO_COUNTERS,
  runningChecksum: null,
  traceRecords: 0,
  traceTruncated: false,
  throughput: [],
};

export function draftFromParams(params: RunParams): ParamsDraft {
  return {
    sendForS: String(params.sendForMs / 1000),
    waitForS: String(params.waitForMs / 1000),
    seed: String(params.seed),
    tickMs: String(params.tickMs),
    window: String(params.window),
  };
}

export const useStore = create<AppState>(() => ({
  ...INITIAL_LIVE,
  mode: 'live',
  banners: [],
  selectedNode: null,
  selectedLink: null,
  animation: { scale: 1, paused: false },
  view: { playhead: 0, behind: 0, snapshots: {} },
  paramsDraft: draftFromParams(DEFAULT_PARAMS),
  replay: null,
}));

/** Shows a banner, replacing one with the same id. */
export function showBanner(banner: Banner): void {
  useStore.setState((state) => ({ banners: [...state.banners.filter((b) => b.id !== banner.id), banner] }));
}

export function dismissBanner(id: string): void {
  useStore.setState((state) => (state.banners.some((b) => b.id === id) ? { banners: state.banners.filter((b) => b.id !== id) } : state));
}

/** The members the live view draws: the run's, or else everyone in the room. */
export function liveMembersOf(state: LiveFields): MemberId[] {
  if (state.run) return state.run.members;
  return sortedMembers(state.roster?.members.map((m) => m.id) ?? []);
}

/** Links are undirected: one key per pair, smaller id first. */
export function linkKey(a: MemberId, b: MemberId): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

/** Every unordered pair of `ids` (each link once), in list order. */
export function pairs(ids: readonly MemberId[]): [MemberId, MemberId][] {
  const result: [MemberId, MemberId][] = [];
  for (let i = 0; i < ids.length; i += 1) for (let j = i + 1; j < ids.length; j += 1) result.push([ids[i], ids[j]]);
  return result;
}
