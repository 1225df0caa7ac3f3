// The UI bench's arithmetic: what a page's probe recorded, turned into one tab's figures and a run's summary.

import { median, percentile, round } from '../sim/stats';

/** What the page probe records, every time in epoch milliseconds (the page's timeOrigin + performance.now()). */
export interface ProbeData {
  /** Timestamps of animation frames. */
  frames: number[];
  /** [start, duration ms] of each long task. */
  longTasks: [number, number][];
  /** [phase, time] each time the phase text changed. */
  phases: [string, number][];
  /** [time, peer id, ms]: the tab-to-tab round trips the page showed, sampled. */
  rtts: [number, string, number][];
  /** [visibilityState, time], from the page's start. */
  visibility: [string, number][];
}

/** The send phase of a tab, and who timed it: the tab itself, or another tab of the run (the tab never showed it). */
export interface SendPhase {
  from: number;
  to: number;
  timedBy: 'this tab' | 'another tab';
}

/** How the run went for one tab, read from its page after the run. */
export interface TabReading {
  id: string | null;
  probe: ProbeData;
  /** The committed count of the tab's result. */
  count: number;
  /** 'worker' or 'main thread' as the page says; null when the page does not say. */
  mode: NodeMode | null;
  /** The result only appeared after the bench brought the tab to the front. */
  resultAfterFront: boolean;
}

export type NodeMode = 'worker' | 'main thread';

export interface TabFigures {
  id: string | null;
  /** The page's visibility when its send phase began. */
  visible: boolean;
  mode: NodeMode | null;
  sendPhaseS: number;
  sendPhaseTimedBy: SendPhase['timedBy'];
  /** Animation frames per second in the send phase; null for a hidden tab (it draws none). */
  fps: number | null;
  /** 95th percentile of the time between animation frames in the send phase; null for a hidden tab. */
  p95FrameMs: number | null;
  longTasks: number;
  longTaskMs: number;
  longTaskMaxMs: number;
  count: number;
  commitsPerSenderPerSec: number;
  vsHeadless: number | null;
  /** Per peer: the median round trip the page showed during the send phase (its latest, if none then). */
  rttByPeerMs: Record<string, number>;
  /** Median over the peers; null when the page shows no round trips. */
  rttMs: number | null;
  rttMaxMs: number | null;
  resultAfterFront: boolean;
}

/** A run's tabs in a few figures: the slowest, the worst or the sum, as each target needs. */
export interface TabsSummary {
  /** Lowest frame rate of the visible tabs; null when no tab was visible. */
  fps: number | null;
  /** Highest p95 frame time of the visible tabs. */
  p95FrameMs: number | null;
  longTasks: number;
  longTaskMs: number;
  longTaskMaxMs: number;
  /** Mean over the tabs of count / tabs / send phase. */
  tabCommitsPerSenderPerSec: number;
  slowestTabCommitsPerSenderPerSec: number;
  vsHeadless: number | null;
  slowestTabVsHeadless: number | null;
  /** The longest link round trip any tab showed (each link's median); null when none showed one. */
  rttMs: number | null;
  nodeModes: (NodeMode | null)[];
}

/**
 * The longest tab-to-tab round trip over the raw browser round trip, rounded as every ratio of the report (3
 * decimals); the target is judged on this figure, so the verdict and the number printed next to it agree.
 */
export function rttVsRaw(rttMs: number, rawMeanMs: number): number {
  return round(rttMs / rawMeanMs, 3);
}

/** The times between consecutive animation frames that both fall in [from, to]. */
export function frameIntervals(frames: readonly number[], from: number, to: number): number[] {
  const inside = frames.filter((t) => t >= from && t <= to);
  return inside.slice(1).map((t, i) => t - inside[i]);
}

/** The send phase as the tab showed it: from "sending" to the next phase; null if it never showed both. */
export function ownSendPhase(probe: ProbeData): SendPhase | null {
  const sending = probe.phases.findIndex(([phase]) => phase === 'sending');
  // The phase after sending is usually waiting, but a short wait phase may never be shown.
  const next = probe.phases[sending + 1];
  if (sending === -1 || !next) return null;
  return { from: probe.phases[sending][1], to: next[1], timedBy: 'this tab' };
}

/** Each tab's send phase: its own, or else that of the first tab that showed one; throws if none did. */
export function sendPhases(probes: readonly ProbeData[]): SendPhase[] {
  const own = probes.map(ownSendPhase);
  const reference = own.find((phase) => phase !== null);
  if (!reference) throw new Error('no tab showed the sending phase and the one after it');
  return own.map((phase) => phase ?? { ...reference, timedBy: 'another tab' });
}

/** The page's visibility at a moment, from its log of visibility changes. */
export function visibleAt(probe: ProbeData, time: number): boolean {
  let state = probe.visibility[0]?.[0] ?? 'visible';
  for (const [next, at] of probe.visibility) if (at <= time) state = next;
  return state === 'visible';
}

/** Per peer, the median round trip shown in the phase; a peer never shown then counts with its latest sample. */
export function rttByPeer(rtts: ProbeData['rtts'], phase: SendPhase): Record<string, number> {
  const during = new Map<string, number[]>();
  const latest = new Map<string, number>();
  for (const [time, peer, ms] of rtts) {
    latest.set(peer, ms);
    if (time >= phase.from && time <= phase.to) during.set(peer, [...(during.get(peer) ?? []), ms]);
  }
  const byPeer: Record<string, number> = {};
  for (const [peer, last] of [...latest].sort(([a], [b]) => a.localeCompare(b))) byPeer[peer] = median(during.get(peer) ?? []) ?? last;
  return byPeer;
}

/** The node mode named in the page's text, or null when it names none. */
export function nodeModeOf(text: string | null): NodeMode | null {
  if (!text) return null;
  if (/worker/i.test(text)) return 'worker';
  if (/main thread/i.test(text)) return 'main thread';
  return null;
}

/** One tab's figures over its send phase; every sender's share is count / tabs. */
export function tabFigures(reading: TabReading, phase: SendPhase, tabs: number, headless: number | null): TabFigures {
  const seconds = (phase.to - phase.from) / 1000;
  const visible = visibleAt(reading.probe, phase.from);
  const frames = reading.probe.frames.filter((t) => t >= phase.from && t < phase.to).length;
  const long = reading.probe.longTasks.filter(([start]) => start >= phase.from && start < phase.to).map(([, duration]) => duration);
  const rate = reading.count / tabs / seconds;
  const rtts = rttByPeer(reading.probe.rtts, phase);
  const p95 = percentile(frameIntervals(reading.probe.frames, phase.from, phase.to), 95);
  return {
    id: reading.id,
    visible,
    mode: reading.mode,
    sendPhaseS: round(seconds, 2),
    sendPhaseTimedBy: phase.timedBy,
    fps: visible ? round(frames / seconds, 1) : null,
    p95FrameMs: visible && p95 !== null ? round(p95, 1) : null,
    longTasks: long.length,
    longTaskMs: round(sum(long), 0),
    longTaskMaxMs: round(Math.max(0, ...long), 0),
    count: reading.count,
    commitsPerSenderPerSec: round(rate, 1),
    vsHeadless: headless ? round(rate / headless, 3) : null,
    rttByPeerMs: rtts,
    rttMs: median(Object.values(rtts)),
    rttMaxMs: maxOrNull(Object.values(rtts)),
    resultAfterFront: reading.resultAfterFront,
  };
}

export function summarizeTabs(perTab: readonly TabFigures[], headless: number | null): TabsSummary {
  const visible = perTab.filter((t) => t.fps !== null);
  const rates = perTab.map((t) => t.commitsPerSenderPerSec);
  const meanRate = sum(rates) / rates.length;
  const slowest = Math.min(...rates);
  return {
    fps: minOrNull(visible.map((t) => t.fps as number)),
    p95FrameMs: maxOrNull(visible.flatMap((t) => (t.p95FrameMs === null ? [] : [t.p95FrameMs]))),
    longTasks: sum(perTab.map((t) => t.longTasks)),
    longTaskMs: round(sum(perTab.map((t) => t.longTaskMs)), 0),
    longTaskMaxMs: Math.max(0, ...perTab.map((t) => t.longTaskMaxMs)),
    tabCommitsPerSenderPerSec: round(meanRate, 1),
    slowestTabCommitsPerSenderPerSec: slowest,
    vsHeadless: headless ? round(meanRate / headless, 3) : null,
    slowestTabVsHeadless: headless ? round(slowest / headless, 3) : null,
    rttMs: maxOrNull(perTab.flatMap((t) => (t.rttMaxMs === null ? [] : [t.rttMaxMs]))),
    nodeModes: perTab.map((t) => t.mode),
  };
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const minOrNull = (values: readonly number[]): number | null => (values.length === 0 ? null : Math.min(...values));
const maxOrNull = (values: readonly number[]): number | null => (values.length === 0 ? null : Math.max(...values));
