// The bench's targets, each judged met, not met, or not measured against this run's figures.

import { errorText, isFigure } from './outcome';
import { n } from './report';
import type { BenchSummary } from './suite';
import type { UiCase, UiResult } from './ui';

export interface Target {
  part: string;
  goal: string;
  measured: string;
  /** null: not measured in this run (failed or skipped). */
  met: boolean | null;
}

type Figures = Omit<BenchSummary, 'targets'>;

export function evaluateTargets(s: Figures): Target[] {
  return [ratioTarget(s), tenNodeTarget(s), ...simTargets(s), meshTarget(s), mesh64Target(s), memoryTarget(s), ...uiTargets(s)];
}

function notMeasured(part: string, goal: string, why: string): Target {
  return { part, goal, measured: `not measured: ${why}`, met: null };
}

function ratioTarget(s: Figures): Target {
  const goal = 'W=1 commits/s per sender at N=3 >= 0.5 x raw round trips/s';
  if (s.ratio === null) return notMeasured('2', goal, 'raw or N=3 run missing');
  return { part: '2', goal, measured: `${s.w1CommitsPerSenderPerSec['3']} / ${s.rawRoundTripsPerSec} = ${s.ratio}`, met: s.ratio >= 0.5 };
}

function tenNodeTarget(s: Figures): Target {
  const goal = '10 nodes, 60 s: >= 2,812,430 agreed messages (10 x 281,243)';
  const ten = s.tenNode;
  if (!isFigure(ten)) return notMeasured('4', goal, errorText(ten));
  const scaled = Math.round((ten.target * ten.durationS) / 60);
  const scaledNote = ten.durationS === 60 ? '' : ` (target scaled to ${ten.durationS} s: ${n(scaled)})`;
  const agreed = ten.agree ? '' : ', nodes did NOT agree';
  return { part: '4', goal, measured: `${n(ten.agreedMessages)} at W=${ten.window} in ${ten.durationS} s${scaledNote}${agreed}`, met: ten.agree && ten.agreedMessages >= scaled };
}

function simTargets(s: Figures): Target[] {
  const sim = s.simulator;
  const goals = ['simulator speedup >= 100 (25 nodes)', 'latency p50 < 400 ms and p100 < 600 ms (100 ms links)', 'frames per commit <= 2(N-1) (100 ms links)'];
  if (!isFigure(sim)) return goals.map((goal) => notMeasured('5', goal, errorText(sim)));
  const { defaultNetwork: d, links100ms: l } = sim;
  return [
    { part: '5', goal: goals[0], measured: `${d.speedup}x (10 ms links); ${l.speedup}x (100 ms links)`, met: d.speedup >= 100 },
    { part: '5', goal: goals[1], measured: `p50 ${l.commitLatencyMs.p50} ms, p100 ${l.commitLatencyMs.p100} ms`, met: l.commitLatencyMs.p50 < 400 && l.commitLatencyMs.p100 < 600 },
    {
      part: '5',
      goal: goals[2],
      measured: `${l.framesPerCommit} vs ${l.framesPerCommitBound} (tick ${l.tickMs} ms); ${sim.links100msSlowTick.framesPerCommit} with tick ${sim.links100msSlowTick.tickMs} ms`,
      met: l.framesPerCommit <= l.framesPerCommitBound,
    },
  ];
}

function meshTarget(s: Figures): Target {
  const goal = '32 nodes form a mesh in < 10 s';
  const mesh = s.mesh;
  if (!isFigure(mesh)) return notMeasured('6', goal, errorText(mesh));
  const m = mesh['32'];
  if (!isFigure(m)) return notMeasured('6', goal, m ? errorText(m) : 'no 32-node run');
  return { part: '6', goal, measured: `${n(m.formationMs)} ms from the first process start (${n(m.meshOnlyMs)} ms after the last join)`, met: m.formationMs < 10_000 };
}

function mesh64Target(s: Figures): Target {
  const goal = '64 nodes form a mesh, run and agree';
  const mesh = s.mesh;
  if (!isFigure(mesh)) return notMeasured('6', goal, errorText(mesh));
  const m = mesh['64'];
  if (!isFigure(m)) return notMeasured('6', goal, m ? errorText(m) : 'no 64-node run');
  const rss = `RSS ${m.rssPerNodeMB} MB per node (${m.nodesPerProcess} nodes per process)`;
  return { part: '6', goal, measured: `${m.agree ? 'agreed' : 'did NOT agree'}; formed in ${n(m.formationMs)} ms; ${rss}`, met: m.agree };
}

function memoryTarget(s: Figures): Target {
  const goal = 'RSS grows < 20 MB from 100k to 1M committed messages';
  const memory = s.memory;
  if (!isFigure(memory)) return notMeasured('7', goal, errorText(memory));
  const [first, second] = memory.samples;
  const later = memory.laterGrowthMB === null ? '' : `; then ${memory.laterGrowthMB} MB more to ${n(memory.samples[2].committed)}`;
  return { part: '7', goal, measured: `${memory.growthMB} MB (${first.rssMB} MB at ${n(first.committed)}, ${second.rssMB} MB at ${n(second.committed)})${later}`, met: memory.growthMB < 20 };
}

/** The goals of part 8, judged on the 4-tab case (all visible) and the one-window case (1 visible, 3 hidden). */
export const UI_GOALS = {
  throughput: "a tab's commits/s per sender >= 0.8 x headless N=4 (4 visible tabs)",
  fps: 'slowest of 4 tabs >= 55 fps in the send phase',
  longTasks: 'no long task (>= 50 ms) in any tab in the send phase',
  rtt: 'tab-to-tab RTT shown on links <= 3 x raw browser data-channel RTT',
  oneWindow: "one window (1 visible, 3 hidden tabs): a tab's commits/s per sender >= 0.8 x headless N=4",
  sandbox: 'sandbox, 16 virtual nodes at full speed: >= 55 fps and no long task (>= 50 ms)',
} as const;

function uiTargets(s: Figures): Target[] {
  const ui = s.ui;
  if (!isFigure(ui)) return Object.values(UI_GOALS).map((goal) => notMeasured('8', goal, errorText(ui)));
  return [
    throughputTarget(UI_GOALS.throughput, ui, ui.headlessCommitsPerSenderPerSec),
    ui.fps === null
      ? notMeasured('8', UI_GOALS.fps, 'no tab was visible')
      : { part: '8', goal: UI_GOALS.fps, measured: `${ui.fps} fps in the slowest tab (limit 55); p95 frame time ${ui.p95FrameMs} ms`, met: ui.fps >= 55 },
    {
      part: '8',
      goal: UI_GOALS.longTasks,
      measured: `${ui.longTasks} long tasks (limit 0), ${n(ui.longTaskMs)} ms in all, longest ${n(ui.longTaskMaxMs)} ms`,
      met: ui.longTasks === 0,
    },
    rttTarget(ui),
    oneWindowTarget(ui),
    sandboxTarget(ui),
  ];
}

function sandboxTarget(ui: UiResult): Target {
  const sandbox = ui.sandbox16;
  if (!isFigure(sandbox)) return notMeasured('8', UI_GOALS.sandbox, errorText(sandbox));
  const measured = `${sandbox.fps} fps (limit 55), p95 frame time ${sandbox.p95FrameMs} ms, ${sandbox.longTasks} long tasks (limit 0; longest ${n(sandbox.longTaskMaxMs)} ms) over ${sandbox.runS} s`;
  return { part: '8', goal: UI_GOALS.sandbox, measured, met: sandbox.fps >= 55 && sandbox.longTasks === 0 };
}

function throughputTarget(goal: string, tabs: UiCase, headless: number | null): Target {
  if (tabs.slowestTabVsHeadless === null || headless === null) return notMeasured('8', goal, 'no headless N=4 run to compare with');
  const measured = `slowest tab ${tabs.slowestTabCommitsPerSenderPerSec} / headless ${n(headless, 1)} = ${tabs.slowestTabVsHeadless} (limit 0.8; mean of the tabs ${tabs.vsHeadless})`;
  return { part: '8', goal, measured, met: tabs.slowestTabVsHeadless >= 0.8 };
}

function rttTarget(ui: UiResult): Target {
  const raw = ui.rawBrowserRtt;
  if (!isFigure(raw)) return notMeasured('8', UI_GOALS.rtt, `raw browser RTT ${errorText(raw)}`);
  if (ui.rttMs === null || ui.rttVsRaw === null) return notMeasured('8', UI_GOALS.rtt, 'the pages show no peer-rtt');
  const measured = `${ui.rttMs} ms (longest link) / ${raw.meanMs} ms = ${ui.rttVsRaw} (limit 3)`;
  return { part: '8', goal: UI_GOALS.rtt, measured, met: ui.rttVsRaw <= 3 };
}

function oneWindowTarget(ui: UiResult): Target {
  const oneWindow = ui.oneWindow;
  if (!isFigure(oneWindow)) return notMeasured('8', UI_GOALS.oneWindow, errorText(oneWindow));
  if (oneWindow.setup.visibleTabs !== 1) return notMeasured('8', UI_GOALS.oneWindow, `${oneWindow.setup.visibleTabs} tabs were visible, not 1`);
  return throughputTarget(UI_GOALS.oneWindow, oneWindow, ui.headlessCommitsPerSenderPerSec);
}
