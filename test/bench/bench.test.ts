// The bench's cheap parts in-process: plot, tables, targets, flags, profiles, and a tiny loopback run.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLoopback } from '../../src/bench/loopback';
import { summarizeProfiles } from '../../src/bench/profile';
import { markdownReport, markdownTable } from '../../src/bench/report';
import { bestWindow, FULL_PLAN, type BenchSummary, type ClusterFigures, type MemoryFigures } from '../../src/bench/suite';
import { niceMax, windowPlotSvg } from '../../src/bench/svg';
import { evaluateTargets, UI_GOALS } from '../../src/bench/targets';
import type { SandboxFrames, UiCase, UiResult } from '../../src/bench/ui';
import { percentile } from '../../src/sim/stats';
import { frameIntervals, nodeModeOf, rttByPeer, rttVsRaw, sendPhases, summarizeTabs, tabFigures, visibleAt, type ProbeData, type TabReading } from '../../src/bench/ui-figures';
import { rttFigures } from '../../src/bench/ui-raw-rtt';
import { windowPlot } from '../../src/cli/bench';
import { main } from '../../src/cli/main';
import type { CommandOutput } from '../../src/cli/output';

function cluster(nodes: number, window: number, rate: number, batching = true): ClusterFigures {
  return { nodes, window, batching, sendForS: 5, agreedCount: Math.round(rate * nodes * 5), agree: true, spread: 0, commitsPerSenderPerSec: rate };
}

const sim = (latencyMs: number, tickMs: number, framesPerCommit: number) => ({
  nodes: 25,
  latencyMs,
  delay: 'constant' as const,
  tickMs,
  simulatedSeconds: 4,
  wallSeconds: 0.5,
  speedup: 8,
  commitLatencyMs: { p0: 300, p50: 300, p95: 300, p99: 300, p100: 300 },
  framesPerCommit,
  framesPerCommitBound: 48,
  agree: true,
  violations: 0,
});

function fixture(): Omit<BenchSummary, 'targets'> {
  return {
    mode: 'full',
    machine: { cpus: 2, cpuModel: 'test cpu', memoryGiB: 24, node: 'v20.0.0', chromium: null, platform: 'linux x64', loadAverage: 1, date: '2026-01-01T00:00:00.000Z' },
    plan: FULL_PLAN,
    durationS: 300,
    partSeconds: { raw: 6 },
    rawRoundTripsPerSec: 2000,
    raw: { roundTripsPerSec: 2000, roundTrips: 10_000, seconds: 5, sendCallUs: 200 },
    w1CommitsPerSenderPerSec: { '3': 1200 },
    ratio: 0.6,
    w1: { '3': cluster(3, 1, 1200), '8': { error: 'node n5 timed out' } },
    windowed: { '1': cluster(3, 1, 1200), '4': cluster(3, 4, 3000), '16': cluster(3, 16, 2500), '64': { error: 'boom' }, '1-no-batching': cluster(3, 1, 400, false) },
    tenNode: { skipped: 'skipped with --skip' },
    simSpeedup: 8,
    simulator: { defaultNetwork: sim(10, 100, 48.4), links100ms: sim(100, 100, 153.6), links100msSlowTick: sim(100, 300, 51.2) },
    meshFormationMs: { '4': 2000, '32': null },
    mesh32Ms: null,
    mesh: {
      '4': { formationMs: 2000, meshOnlyMs: 100, joinMeanMs: 1500, joinMaxMs: 1800, nodesPerProcess: 2, rssPerNodeMB: 50, rssPerProcessMeanMB: 100, rssPerProcessMaxMB: 104, agree: true },
      '32': { error: 'node n07 timed out' },
    },
    memory: {
      window: 64,
      samples: [
        { committed: 100_000, rssMB: 100, heapUsedMB: 6, heapTotalMB: 24, newSpaceMB: 16 },
        { committed: 1_000_000, rssMB: 110, heapUsedMB: 6, heapTotalMB: 40, newSpaceMB: 32 },
      ],
      growthMB: 10,
      laterGrowthMB: null,
      commitsPerSec: 80_000,
      gcBeforeSample: true,
    },
    ui: { skipped: 'the UI is not there yet (no index.html)' },
    profiles: {},
  };
}

const second = 1000;
/** A probe of a tab whose send phase runs from 1 s to 3 s, drawing a frame every `frameMs` when visible. */
function probe(options: { frameMs?: number; hidden?: boolean; showsPhases?: boolean } = {}): ProbeData {
  const frames = options.hidden ? [] : Array.from({ length: Math.floor((4 * second) / (options.frameMs ?? 20)) }, (_, i) => i * (options.frameMs ?? 20));
  return {
    frames,
    longTasks: [[500, 300], [1500, 60], [2000, 120], [3500, 400]],
    phases: options.showsPhases === false ? [['connecting', 0]] : [['connecting', 0], ['sending', 1000], ['waiting', 3000], ['done', 3600]],
    rtts: [[900, 'b', 9], [1200, 'b', 2], [1700, 'b', 4], [2200, 'b', 3], [2500, 'c', 1], [3200, 'd', 7]],
    visibility: [[options.hidden ? 'hidden' : 'visible', 0]],
  };
}
const reading = (p: ProbeData, count = 800): TabReading => ({ id: 'a', probe: p, count, mode: 'worker', resultAfterFront: false });


const sendPhase = { from: 1000, to: 3000, timedBy: 'this tab' } as const;

/** A UI case whose tabs commit at these rates per sender (2 s send phase, 4 tabs), the first visible or all. */
function uiCase(rates: number[], visibleTabs: number, headless: number | null): UiCase {
  const perTab = rates.map((rate, i) => tabFigures(reading(probe({ frameMs: 16, hidden: i >= visibleTabs }), rate * 4 * 2), sendPhase, 4, headless));
  const setup = { description: 'test', contexts: 'one per tab', windows: 4, focusEmulation: true, backgroundThrottling: false, visibleTabs, rendererProcesses: 4 } as const;
  const threadCpu = { spanS: 2, totalCores: 1.9, groups: [{ group: 'renderer main', cores: 1.2 }, { group: 'renderer DedicatedWorker th', cores: 0.7 }] };
  return { setup, ...summarizeTabs(perTab, headless), perTab, threadCpu };
}

/** The sandbox case: 16 virtual nodes at full speed for 2 s. */
function sandboxFrames(fps: number, longTasks: number): SandboxFrames {
  return { nodes: 16, speed: 'max', link: 'sandbox=v1;n=16;seed=1', runS: 2, fps, p95FrameMs: 17.1, longTasks, longTaskMs: longTasks * 60, longTaskMaxMs: longTasks > 0 ? 60 : 0, records: 180_000, threadCpu: null };
}

/** A part-8 result: 4 visible tabs at 90 commits/s per sender against 100 headless, links 0.9 ms, raw 0.5 ms. */
function uiResult(): UiResult {
  const fourTabs = uiCase([90, 90, 95, 100], 4, 100);
  return {
    tabs: 4,
    window: 1,
    tickMs: 100,
    sendForS: 2,
    headlessCommitsPerSenderPerSec: 100,
    chromium: '150.0.7871.100',
    ...fourTabs,
    fps: 60,
    longTasks: 0,
    rttMs: 0.9,
    rawBrowserRtt: rttFigures([0.5, 0.5, 0.5, 0.5], 0.002),
    sandbox16: sandboxFrames(60, 0),
    rttVsRaw: 1.8,
    oneWindow: uiCase([85, 85, 85, 85], 1, 100),
    emulation: { emulated: ['one window'], notEmulated: ['a GPU'] },
  };
}

function capture(): CommandOutput & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (line) => out.push(line), stderr: (line) => err.push(line), progress: () => undefined };
}

describe('bench plot', () => {
  it('rounds axis maxima up to 1, 2 or 5 times a power of ten', () => {
    expect([niceMax(0), niceMax(7), niceMax(12), niceMax(4300), niceMax(5000)]).toEqual([1, 10, 20, 5000, 5000]);
  });

  it('draws one marker per window on a log2 axis, with reference lines', () => {
    const svg = windowPlotSvg({
      title: 'A & B',
      subtitle: 'sub',
      points: [{ window: 16, commitsPerSenderPerSec: 2500 }, { window: 1, commitsPerSenderPerSec: 1200 }, { window: 4, commitsPerSenderPerSec: 3000.5 }],
      references: [{ label: 'raw', value: 2000 }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('A &amp; B');
    expect(svg).toContain('3000.5');
    expect(svg).toContain('raw (2000)');
    for (const tick of ['>1<', '>2<', '>4<', '>8<', '>16<']) expect(svg).toContain(tick);
    expect(svg).not.toContain('NaN');
  });

  it('plots the measured windows of a summary and skips the failed ones', () => {
    const plot = windowPlot({ ...fixture(), targets: [] })!;
    expect(plot.points.map((p) => p.window)).toEqual([1, 4, 16]);
    expect(plot.references.map((r) => r.value)).toEqual([2000, 400]);
    expect(windowPlot({ ...fixture(), windowed: { skipped: 'x' }, targets: [] })).toBeNull();
  });
});

describe('bench report', () => {
  it('escapes pipes in markdown cells', () => {
    expect(markdownTable(['a', 'b'], [['x|y', 'z']])).toBe('| a | b |\n| --- | --- |\n| x\\|y | z |');
  });

  it('judges every target: met, not met, or not measured', () => {
    const targets = evaluateTargets(fixture());
    const byGoal = (text: string) => targets.find((t) => t.goal.includes(text))!;
    expect(targets).toHaveLength(14);
    expect(byGoal('0.5 x raw').met).toBe(true);
    expect(byGoal('2,812,430').met).toBeNull();
    expect(byGoal('speedup').met).toBe(false);
    expect(byGoal('p50 < 400').met).toBe(true);
    expect(byGoal('frames per commit').met).toBe(false);
    expect(byGoal('32 nodes').measured).toContain('node n07 timed out');
    expect(byGoal('64 nodes').met).toBeNull();
    expect(byGoal('RSS').met).toBe(true);
    expect(byGoal('fps').met).toBeNull();
  });

  it('judges measured targets against their thresholds', () => {
    const ten = { nodes: 10, window: 16, durationS: 10, agree: true, spread: 0, baseline: 281_243, target: 2_812_430 };
    const mesh = (formationMs: number, agree = true) => ({ formationMs, meshOnlyMs: 100, joinMeanMs: 1500, joinMaxMs: 1800, nodesPerProcess: 8, rssPerNodeMB: 30, rssPerProcessMeanMB: 240, rssPerProcessMaxMB: 250, agree });
    const judge = (figures: Partial<Omit<BenchSummary, 'targets'>>, goal: string) => evaluateTargets({ ...fixture(), ...figures }).find((t) => t.goal.includes(goal))!;
    expect(judge({ ratio: 0.4 }, '0.5 x raw').met).toBe(false);
    // 10 s of the 60 s target: 2,812,430 / 6 = 468,738 messages, and the nodes must agree.
    expect(judge({ tenNode: { ...ten, agreedMessages: 468_738 } }, '2,812,430').met).toBe(true);
    expect(judge({ tenNode: { ...ten, agreedMessages: 468_737 } }, '2,812,430').met).toBe(false);
    expect(judge({ tenNode: { ...ten, agreedMessages: 468_738, agree: false } }, '2,812,430').met).toBe(false);
    expect(judge({ mesh: { '32': mesh(9_999) } }, '32 nodes').met).toBe(true);
    expect(judge({ mesh: { '32': mesh(10_000) } }, '32 nodes').met).toBe(false);
    expect(judge({ mesh: { '64': mesh(90_000) } }, '64 nodes').met).toBe(true);
    expect(judge({ mesh: { '64': mesh(20_000, false) } }, '64 nodes').met).toBe(false);
    expect(judge({ memory: { ...(fixture().memory as MemoryFigures), growthMB: 20 } }, 'RSS').met).toBe(false);
  });

  it('judges the RTT target on the ratio it prints, so the two never disagree', () => {
    const judgeRtt = (rttMs: number) => {
      const ui = { ...uiResult(), rttMs, rttVsRaw: rttVsRaw(rttMs, 0.5) };
      const target = evaluateTargets({ ...fixture(), ui }).find((t) => t.goal.includes('tab-to-tab RTT'))!;
      const printed = Number(/= ([0-9.]+) \(limit 3\)/.exec(target.measured)![1]);
      return { printed, met: target.met };
    };
    expect(judgeRtt(1.502)).toEqual({ printed: 3.004, met: false });
    expect(judgeRtt(1.5)).toEqual({ printed: 3, met: true });
    for (const rttMs of [0.9, 1.49, 1.52, 1.55, 2]) {
      const { printed, met } = judgeRtt(rttMs);
      expect([rttMs, met]).toEqual([rttMs, printed <= 3]);
    }
  });

  it('renders failures and skips instead of figures', () => {
    const summary = { ...fixture(), targets: evaluateTargets(fixture()) };
    const markdown = markdownReport(summary);
    expect(markdown).toContain('# Chatterbox bench (full)');
    expect(markdown).toContain('| W=1, N=8 |  |  |  | failed: node n5 timed out |');
    expect(markdown).toContain('| windowed, W=4 | 3 | 4 | yes | 45,000 | 3,000.0 | 0 |');
    expect(markdown).toContain('| windowed, W=1-no-batching | 3 | 1 | no | 6,000 | 400.0 | 0 |');
    expect(markdown).toContain('| 4 | 2 | 2,000 | 100 | 1,500 / 1,800 | 50.0 | 100.0 / 104.0 | yes |');
    expect(markdown).toContain('Ten nodes: skipped: skipped with --skip');
    expect(markdown).toContain('UI skipped: the UI is not there yet');
    expect(markdown).toContain('| 2 | W=1 commits/s per sender at N=3 >= 0.5 x raw round trips/s | 1200 / 2000 = 0.6 | met |');
    expect(markdown).not.toMatch(/undefined|NaN/);
  });

  it('says where the cores went in the 4 tabs, and what a drawn frame costs', () => {
    const markdown = markdownReport({ ...fixture(), ui: uiResult(), targets: [] });
    // uiCase: 1.2 cores of renderer main threads for 4 tabs at 16 ms frames (62.5 fps each): 4.8 ms per frame.
    expect(markdown).toContain('CPU by thread in the 4 tabs\' send phase: 1.9 cores in all over 2 s: renderer main 1.2, renderer DedicatedWorker th 0.7');
    expect(markdown).toMatch(/1\.20 cores for 2\d\d\.\d frames\/s over the tabs\) took about 4\.\d ms of CPU per frame shown/);
  });

  it('picks the agreed window with the most commits per second per sender', () => {
    expect(bestWindow(fixture().windowed as Record<string, ClusterFigures>, [1, 4, 16, 64])).toBe(4);
    expect(bestWindow({}, [1, 4, 16, 64])).toBe(64);
    const windowed = fixture().windowed as Record<string, ClusterFigures>;
    expect(bestWindow({ ...windowed, '4': { ...windowed['4'], agree: false } }, [1, 4, 16, 64])).toBe(16);
  });
});

describe('chatterbox bench flags', () => {
  it.each([
    [['--skip', 'foo'], '--skip must be one of raw, w1, windowed, ten, sim, mesh, memory, ui'],
    [['--out'], '--out needs a value'],
    [['--quick=yes'], '--quick takes no value'],
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['extra'], 'unexpected argument "extra"'],
  ])('%j exits 2 with one line', async (args, message) => {
    const out = capture();
    expect(await main(['bench', ...args], out)).toBe(2);
    expect(out.err).toHaveLength(1);
    expect(out.err[0]).toContain(message);
    expect(out.out).toEqual([]);
  });

  it('--help describes every flag and exits 0', async () => {
    const out = capture();
    expect(await main(['bench', '--help'], out)).toBe(0);
    for (const flag of ['--quick', '--out', '--skip', '--cpu-prof', '--json']) expect(out.out[0]).toContain(flag);
  });
});

describe('bench internals', () => {
  it('summarizes CPU profiles by self time, idle excluded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
    const frame = (functionName: string) => ({ functionName, url: 'file:///a/b/c.ts', lineNumber: 9 });
    const profile = {
      nodes: [{ id: 1, callFrame: frame('(idle)') }, { id: 2, callFrame: frame('send') }, { id: 3, callFrame: frame('step') }],
      samples: [1, 2, 2, 2, 3],
      timeDeltas: [100, 100, 100, 100, 100],
    };
    writeFileSync(join(dir, 'one.cpuprofile'), JSON.stringify(profile));
    expect(summarizeProfiles(dir, 5)).toEqual({
      profiles: 1,
      busyPercent: 80,
      top: [{ function: 'send b/c.ts:10', busyPercent: 75 }, { function: 'step b/c.ts:10', busyPercent: 25 }],
    });
  });

  it('two runtimes on the in-memory link commit messages and sample memory at each count', async () => {
    let collections = 0;
    const result = await runLoopback({ window: 4, sampleAt: [200, 500], maxSeconds: 10, beforeSample: () => (collections += 1) });
    expect(collections).toBe(2);
    expect(result.samples.map((s) => s.committed >= 200)).toEqual([true, true]);
    expect(result.samples[1].committed).toBeGreaterThanOrEqual(500);
    expect(result.committed).toBeGreaterThanOrEqual(500);
    for (const sample of result.samples) expect(sample.rssBytes).toBeGreaterThan(sample.heapUsedBytes);
  });
});

describe('bench UI figures', () => {
  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 100)).toBe(20);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([], 95)).toBeNull();
  });

  it('measures frame times only between frames inside the phase', () => {
    expect(frameIntervals([0, 16, 33, 50, 100], 10, 60)).toEqual([17, 17]);
    expect(frameIntervals([0, 100], 10, 60)).toEqual([]);
  });

  it('times the send phase by the tab itself, else by another tab, and fails when no tab showed it', () => {
    const phases = sendPhases([probe({ showsPhases: false }), probe()]);
    expect(phases).toEqual([{ from: 1000, to: 3000, timedBy: 'another tab' }, { from: 1000, to: 3000, timedBy: 'this tab' }]);
    expect(() => sendPhases([probe({ showsPhases: false })])).toThrow(/no tab showed the sending phase/);
  });

  it('follows the page visibility log', () => {
    const p = { ...probe(), visibility: [['visible', 0], ['hidden', 1000], ['visible', 5000]] as [string, number][] };
    expect([visibleAt(p, 500), visibleAt(p, 1000), visibleAt(p, 4000), visibleAt(p, 6000)]).toEqual([true, false, false, true]);
  });

  it('takes each peer round trip as its median in the phase, or its latest sample', () => {
    expect(rttByPeer(probe().rtts, sendPhase)).toEqual({ b: 3, c: 1, d: 7 });
  });

  it('reads the node mode from the page text', () => {
    expect([nodeModeOf('protocol in a Worker'), nodeModeOf('main thread (no transfer)'), nodeModeOf('loading'), nodeModeOf(null)]).toEqual(['worker', 'main thread', null, null]);
  });

  it("computes a visible tab's figures over its send phase only", () => {
    const tab = tabFigures(reading(probe({ frameMs: 20 })), sendPhase, 4, 50);
    expect(tab.sendPhaseS).toBe(2);
    expect(tab.fps).toBe(50);
    expect(tab.p95FrameMs).toBe(20);
    expect([tab.longTasks, tab.longTaskMs, tab.longTaskMaxMs]).toEqual([2, 180, 120]);
    expect(tab.commitsPerSenderPerSec).toBe(100);
    expect(tab.vsHeadless).toBe(2);
    expect([tab.rttMs, tab.rttMaxMs]).toEqual([3, 7]);
    expect(tab.visible).toBe(true);
  });

  it('draws no frame rate for a hidden tab but still counts its work', () => {
    const tab = tabFigures(reading(probe({ hidden: true })), { from: 1000, to: 3000, timedBy: 'another tab' }, 4, null);
    expect([tab.visible, tab.fps, tab.p95FrameMs, tab.vsHeadless]).toEqual([false, null, null, null]);
    expect(tab.longTasks).toBe(2);
    expect(tab.sendPhaseTimedBy).toBe('another tab');
  });

  it('summarizes a run by its slowest visible tab, its worst link and all long tasks', () => {
    const tabs = [
      tabFigures(reading(probe({ frameMs: 20 }), 800), sendPhase, 4, 100),
      tabFigures(reading(probe({ frameMs: 40 }), 400), sendPhase, 4, 100),
      tabFigures(reading(probe({ hidden: true }), 800), sendPhase, 4, 100),
    ];
    const summary = summarizeTabs(tabs, 100);
    expect(summary.fps).toBe(25);
    expect(summary.p95FrameMs).toBe(40);
    expect([summary.longTasks, summary.longTaskMs, summary.longTaskMaxMs]).toEqual([6, 540, 120]);
    expect(summary.tabCommitsPerSenderPerSec).toBe(83.3);
    expect(summary.slowestTabCommitsPerSenderPerSec).toBe(50);
    expect([summary.vsHeadless, summary.slowestTabVsHeadless]).toEqual([0.833, 0.5]);
    expect(summary.rttMs).toBe(7);
    expect(summarizeTabs([tabs[2]], 100).fps).toBeNull();
  });

  it('turns ping-pong rounds into rate, mean and p95', () => {
    const figures = rttFigures([1, 1, 1, 1, 6], 0.01);
    expect([figures.roundTrips, figures.roundTripsPerSec, figures.meanMs, figures.p95Ms]).toEqual([5, 500, 2, 6]);
    expect(() => rttFigures([], 1)).toThrow(/no round trip/);
  });
});

describe('bench UI targets and report', () => {
  const judge = (ui: Omit<BenchSummary, 'targets'>['ui'], goal: string) => evaluateTargets({ ...fixture(), ui }).find((t) => t.goal === goal)!;

  it('judges the UI targets of a good run as met, with the limit beside the figure', () => {
    for (const goal of Object.values(UI_GOALS)) expect(judge(uiResult(), goal).met).toBe(true);
    expect(judge(uiResult(), UI_GOALS.throughput).measured).toBe('slowest tab 90 / headless 100.0 = 0.9 (limit 0.8; mean of the tabs 0.938)');
    expect(judge(uiResult(), UI_GOALS.rtt).measured).toBe('0.9 ms (longest link) / 0.5 ms = 1.8 (limit 3)');
  });

  it('judges throughput by the slowest tab, not the mean', () => {
    const slow = { ...uiResult(), ...uiCase([79, 100, 100, 100], 4, 100) };
    expect(slow.vsHeadless).toBeGreaterThan(0.8);
    expect(judge(slow, UI_GOALS.throughput).met).toBe(false);
    expect(judge({ ...uiResult(), oneWindow: uiCase([100, 79, 100, 100], 1, 100) }, UI_GOALS.oneWindow).met).toBe(false);
  });

  it('holds the sandbox to 55 fps and no long task, and says when it was not measured', () => {
    expect(judge({ ...uiResult(), sandbox16: sandboxFrames(55, 0) }, UI_GOALS.sandbox).met).toBe(true);
    expect(judge({ ...uiResult(), sandbox16: sandboxFrames(54.9, 0) }, UI_GOALS.sandbox).met).toBe(false);
    expect(judge({ ...uiResult(), sandbox16: sandboxFrames(60, 1) }, UI_GOALS.sandbox).met).toBe(false);
    expect(judge({ ...uiResult(), sandbox16: { error: 'no page' } }, UI_GOALS.sandbox).met).toBeNull();
  });

  it('holds frame rate, long tasks and round trip to their limits', () => {
    expect(judge({ ...uiResult(), fps: 55 }, UI_GOALS.fps).met).toBe(true);
    expect(judge({ ...uiResult(), fps: 54.9 }, UI_GOALS.fps).met).toBe(false);
    expect(judge({ ...uiResult(), longTasks: 1 }, UI_GOALS.longTasks).met).toBe(false);
    expect(judge({ ...uiResult(), rttMs: 1.5, rttVsRaw: rttVsRaw(1.5, 0.5) }, UI_GOALS.rtt).met).toBe(true);
    expect(judge({ ...uiResult(), rttMs: 1.51, rttVsRaw: rttVsRaw(1.51, 0.5) }, UI_GOALS.rtt).met).toBe(false);
  });

  it('says what was not measured instead of judging it', () => {
    expect(judge({ ...uiResult(), rttMs: null }, UI_GOALS.rtt).measured).toBe('not measured: the pages show no peer-rtt');
    expect(judge({ ...uiResult(), rawBrowserRtt: { error: 'no channel' } }, UI_GOALS.rtt).met).toBeNull();
    expect(judge({ ...uiResult(), fps: null }, UI_GOALS.fps).met).toBeNull();
    expect(judge({ ...uiResult(), headlessCommitsPerSenderPerSec: null, ...uiCase([90, 90, 90, 90], 4, null) }, UI_GOALS.throughput).met).toBeNull();
    expect(judge({ ...uiResult(), oneWindow: uiCase([90, 90, 90, 90], 4, 100) }, UI_GOALS.oneWindow).measured).toBe('not measured: 4 tabs were visible, not 1');
    expect(judge({ ...uiResult(), oneWindow: { error: 'no DevTools' } }, UI_GOALS.oneWindow).met).toBeNull();
    for (const goal of Object.values(UI_GOALS)) expect(judge({ skipped: 'skipped with --skip' }, goal).met).toBeNull();
  });

  it('reports every tab of both cases next to the headless figure, and what was not emulated', () => {
    const summary = { ...fixture(), ui: uiResult() };
    const markdown = markdownReport({ ...summary, targets: evaluateTargets(summary) });
    expect(markdown).toContain('headless N=4: 100.0 commits/s per sender');
    expect(markdown).toContain('mean 0.5 ms');
    expect(markdown).toContain('| 4 tabs (a context per tab; 4 renderer processes) | 1 a | yes | worker | 2 | 90 | 0.9 | 62.5 | 16 | 2 / 180 / 120 | 3 / 7 |');
    expect(markdown).toContain('| one window (a context per tab; 4 renderer processes) | 1 a | yes |');
    expect(markdown).toContain('|  | 2 a | hidden | worker | 2 | 85 | 0.85 | not drawn |  |');
    expect(markdown).toContain('Not emulated: a GPU.');
    expect(markdown).not.toMatch(/undefined|NaN/);
  });
});
