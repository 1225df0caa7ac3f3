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
import { evaluateTargets } from '../../src/bench/targets';
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
    mesh: {
      '4': { formationMs: 2000, meshOnlyMs: 100, joinMeanMs: 1500, joinMaxMs: 1800, rssMeanMB: 100, rssMaxMB: 104 },
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
    expect(targets).toHaveLength(9);
    expect(byGoal('0.5 x raw').met).toBe(true);
    expect(byGoal('2,812,430').met).toBeNull();
    expect(byGoal('speedup').met).toBe(false);
    expect(byGoal('p50 < 400').met).toBe(true);
    expect(byGoal('frames per commit').met).toBe(false);
    expect(byGoal('32 nodes').measured).toContain('node n07 timed out');
    expect(byGoal('RSS').met).toBe(true);
    expect(byGoal('fps').met).toBeNull();
  });

  it('judges measured targets against their thresholds', () => {
    const ten = { nodes: 10, window: 16, durationS: 10, agree: true, spread: 0, baseline: 281_243, target: 2_812_430 };
    const mesh32 = (formationMs: number) => ({ formationMs, meshOnlyMs: 100, joinMeanMs: 1500, joinMaxMs: 1800, rssMeanMB: 100, rssMaxMB: 104 });
    const judge = (figures: Partial<Omit<BenchSummary, 'targets'>>, goal: string) => evaluateTargets({ ...fixture(), ...figures }).find((t) => t.goal.includes(goal))!;
    expect(judge({ ratio: 0.4 }, '0.5 x raw').met).toBe(false);
    // 10 s of the 60 s target: 2,812,430 / 6 = 468,738 messages, and the nodes must agree.
    expect(judge({ tenNode: { ...ten, agreedMessages: 468_738 } }, '2,812,430').met).toBe(true);
    expect(judge({ tenNode: { ...ten, agreedMessages: 468_737 } }, '2,812,430').met).toBe(false);
    expect(judge({ tenNode: { ...ten, agreedMessages: 468_738, agree: false } }, '2,812,430').met).toBe(false);
    expect(judge({ mesh: { '32': mesh32(9_999) } }, '32 nodes').met).toBe(true);
    expect(judge({ mesh: { '32': mesh32(10_000) } }, '32 nodes').met).toBe(false);
    expect(judge({ memory: { ...(fixture().memory as MemoryFigures), growthMB: 20 } }, 'RSS').met).toBe(false);
  });

  it('renders failures and skips instead of figures', () => {
    const summary = { ...fixture(), targets: evaluateTargets(fixture()) };
    const markdown = markdownReport(summary);
    expect(markdown).toContain('# Chatterbox bench (full)');
    expect(markdown).toContain('| W=1, N=8 |  |  |  | failed: node n5 timed out |');
    expect(markdown).toContain('| windowed, W=4 | 3 | 4 | yes | 45,000 | 3,000.0 | 0 |');
    expect(markdown).toContain('| windowed, W=1-no-batching | 3 | 1 | no | 6,000 | 400.0 | 0 |');
    expect(markdown).toContain('| 4 | 2,000 | 100 | 1,500 / 1,800 | 100.0 | 104.0 |');
    expect(markdown).toContain('Ten nodes: skipped: skipped with --skip');
    expect(markdown).toContain('UI skipped: the UI is not there yet');
    expect(markdown).toContain('| 2 | W=1 commits/s per sender at N=3 >= 0.5 x raw round trips/s | 1200 / 2000 = 0.6 | met |');
    expect(markdown).not.toMatch(/undefined|NaN/);
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
