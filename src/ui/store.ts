// The UI's state (zustand): what the user chose (mode, selection, animation speed and pause, the
// draft parameters, banners, the trace being replayed) and the session's facts that are no part
// of a run's history (signaling status, this tab's id and node mode, the room's roster, this tab's
// links, the link shapes; in the sandbox, its network and speed). Everything about a run (phases, counters, results, commits, throughput)
// is a selector on its history (src/ui/history/scene.ts), never copied here.

import { create } from 'zustand';
import { DEFAULT_PARAMS, paramsError, sortedMembers, type MemberId, type RunParams } from '../core';
import type { LinkState } from '../net/mesh';
import type { LinkSettings } from '../net/link-shaper';
import type { SignalingStatus } from '../net/signaling-client';
import type { NodeMode } from './live/node-port';
import type { RosterMessage } from '../signaling';
import type { SandboxFacts } from './sandbox/sandbox-controller';

export interface Banner {
  id: string;
  tone: 'error' | 'warning' | 'info';
  text: string;
}

/** The run parameters as typed in the top bar (seconds for durations). */
export interface ParamsDraft {
  sendForS: string;
  waitForS: string;
  seed: string;
  tickMs: string;
  window: string;
}

/** The session's facts: this tab in its room. */
export interface SessionFacts {
  signaling: SignalingStatus;
  /** Where this tab's protocol runs (null: an observer runs none). */
  nodeMode: NodeMode | null;
  selfId: MemberId | null;
  roster: RosterMessage | null;
  /** This tab's data channels, per peer. */
  ownLinks: Record<MemberId, LinkState>;
  /** Fault injection per link, keyed by linkKey(a, b). */
  shapes: Record<string, LinkSettings>;
}

export interface AppState extends SessionFacts {
  /** Which history is shown: this tab's live run, a trace file, or the sandbox's simulated cluster. */
  mode: 'live' | 'replay' | 'sandbox';
  banners: Banner[];
  selectedNode: MemberId | null;
  selectedLink: string | null;
  /** The animation's speed and pause, as the user set them (the playhead follows them). */
  animation: { scale: number; paused: boolean };
  paramsDraft: ParamsDraft;
  /** The trace file replayed (its history is the app controller's). */
  replay: { fileName: string } | null;
  /** The sandbox's network, speed and run, as its controller last published them (null outside the sandbox). */
  sandbox: SandboxFacts | null;
  /** The guided scenario playing in the sandbox (its id and the step showing; step = steps.length once over), or null. */
  scenario: { id: string; step: number } | null;
  /** The guided scenario playing in this live room (step = steps.length once over), and the runs it started, or null. */
  liveScenario: { id: string; step: number; runs: LiveScenarioRun[] } | null;
}

/** A run a live scenario started, once over: its window and the count its members agreed on (null if they did not). */
export interface LiveScenarioRun {
  window: number;
  count: number | null;
}

export const INITIAL_SESSION: SessionFacts = {
  signaling: 'connecting',
  nodeMode: null,
  selfId: null,
  roster: null,
  ownLinks: {},
  shapes: {},
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

/** The typed parameters as RunParams, or what is wrong with them (in the words of the fields). */
export function paramsFromDraft(draft: ParamsDraft): RunParams | string {
  const number = (text: string): number => (text.trim() === '' ? NaN : Number(text));
  const params = {
    sendForMs: Math.round(number(draft.sendForS) * 1000),
    waitForMs: Math.round(number(draft.waitForS) * 1000),
    seed: number(draft.seed),
    tickMs: number(draft.tickMs),
    window: number(draft.window),
  };
  const error = paramsError(params);
  return error ? `Check the run parameters: ${error.replace('sendForMs', 'send-for').replace('waitForMs', 'wait-for').replace('tickMs', 'tick')}.` : params;
}

export const useStore = create<AppState>(() => ({
  ...INITIAL_SESSION,
  mode: 'live',
  banners: [],
  selectedNode: null,
  selectedLink: null,
  animation: { scale: 1, paused: false },
  paramsDraft: draftFromParams(DEFAULT_PARAMS),
  replay: null,
  sandbox: null,
  scenario: null,
  liveScenario: null,
}));

/** Shows a banner, replacing one with the same id. */
export function showBanner(banner: Banner): void {
  useStore.setState((state) => ({ banners: [...state.banners.filter((b) => b.id !== banner.id), banner] }));
}

export function dismissBanner(id: string): void {
  useStore.setState((state) => (state.banners.some((b) => b.id === id) ? { banners: state.banners.filter((b) => b.id !== id) } : state));
}

/** The room's members, sorted (who the live view draws before a run). */
export function rosterMembers(roster: RosterMessage | null): MemberId[] {
  return sortedMembers(roster?.members.map((m) => m.id) ?? []);
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
