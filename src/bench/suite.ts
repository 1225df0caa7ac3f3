// The benchmark suite: runs every part in order (each failure is recorded, never fatal) into one summary.

import { NODE_PROCESS_FLAGS } from '../cli/node-flags';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { round } from '../sim/stats';
import { defaultClusterWaitSeconds, defaultNodesPerProcess } from '../cli/node-processes';
import { commitsPerSenderPerSec, meshFormation, runLocalCluster, type ClusterRun, type MeshFormation } from './cluster-run';
import { describeMachine, type Machine } from './machine';
import { runPingPong, type PingPongResult } from './pingpong';
import { collect, lastJsonLine, spawnScript } from './processes';
import { failed, isFigure, type Outcome, type PartName } from './outcome';
import { summarizeProfiles, type ProfileSummary } from './profile';
import { benchSimulator, type SimulatorResult } from './simulator';
import { evaluateTargets, type Target } from './targets';
import { benchUi, type UiResult } from './ui';
import type { LoopbackResult } from './loopback';

export interface BenchOptions {
  quick: boolean;
  outDir: string;
  skip: ReadonlySet<PartName>;
  /** Profile the node processes (node --cpu-prof) and summarize their hot functions. */
  cpuProf: boolean;
  progress: (line: string) => void;
}

/** What a mode measures: the full run, or a reduced one that finishes in under three minutes. */
export interface Plan {
  pingPongS: number;
  w1Nodes: number[];
  sendForS: number;
  waitForS: number;
  windows: number[];
  windowNodes: number;
  tenNodes: number;
  tenNodeS: number;
  simNodes: number;
  meshNodes: number[];
  meshSendForS: number;
  memorySampleAt: number[];
  memoryWindow: number;
  uiTabs: number;
  uiSendForS: number;
}

export const FULL_PLAN: Plan = {
  pingPongS: 5,
  w1Nodes: [2, 3, 4, 8, 16],
  sendForS: 5,
  waitForS: 2,
  windows: [1, 4, 16, 64],
  windowNodes: 3,
  tenNodes: 10,
  tenNodeS: 60,
  simNodes: 25,
  meshNodes: [4, 8, 16, 32, 64],
  meshSendForS: 0.5,
  memorySampleAt: [100_000, 1_000_000, 2_000_000],
  memoryWindow: 64,
  uiTabs: 4,
  uiSendForS: 5,
};

export const QUICK_PLAN: Plan = {
  ...FULL_PLAN,
  pingPongS: 2,
  sendForS: 1.5,
  waitForS: 1,
  tenNodeS: 10,
  meshNodes: [4, 8],
  memorySampleAt: [100_000, 300_000],
  uiSendForS: 3,
};

export interface ClusterFigures {
  nodes: number;
  window: number;
  batching: boolean;
  sendForS: number;
  agreedCount: number;
  agree: boolean;
  spread: number;
  commitsPerSenderPerSec: number;
}

export interface TenNode {
  nodes: number;
  window: number;
  durationS: number;
  agreedMessages: number;
  agree: boolean;
  spread: number;
  /** The published solution's figure for 10 nodes over 60 s, and ten times it. */
  baseline: number;
  target: number;
}

export interface MemoryFigures {
  window: number;
  samples: { committed: number; rssMB: number; heapUsedMB: number; heapTotalMB: number; newSpaceMB: number }[];
  /** RSS at the second sample (1M messages in a full run) minus RSS at the first (100k): the target's figure. */
  growthMB: number;
  /** RSS at the last sample minus RSS at the second (1M to 2M in a full run): growth once V8's heap has settled. */
  laterGrowthMB: number | null;
  commitsPerSec: number;
  gcBeforeSample: boolean;
}

export interface BenchSummary {
  mode: 'full' | 'quick';
  machine: Machine;
  plan: Plan;
  durationS: number;
  partSeconds: Partial<Record<PartName, number>>;
  rawRoundTripsPerSec: number | null;
  raw: Outcome<PingPongResult>;
  w1CommitsPerSenderPerSec: Record<string, number | null>;
  ratio: number | null;
  w1: Outcome<Record<string, Outcome<ClusterFigures>>>;
  windowed: Outcome<Record<string, Outcome<ClusterFigures>>>;
  tenNode: Outcome<TenNode>;
  simSpeedup: number | null;
  simulator: Outcome<SimulatorResult>;
  meshFormationMs: Record<string, number | null>;
  /** First node's process start to the run's start at 32 nodes (null where the part did not run 32). */
  mesh32Ms: number | null;
  mesh: Outcome<Record<string, Outcome<MeshFormation>>>;
  memory: Outcome<MemoryFigures>;
  ui: Outcome<UiResult>;
  profiles: Record<string, ProfileSummary>;
  targets: Target[];
}

const BASELINE_MESSAGES = 281_243;

export async function runBench(options: BenchOptions): Promise<BenchSummary> {
  return new Bench(options).run();
}

class Bench {
  private readonly plan: Plan;
  private readonly started = performance.now();
  private readonly partSeconds: Partial<Record<PartName, number>> = {};
  /** W = 1 batched runs by node count (a process per node), reused by the windowed part. */
  private readonly w1Runs = new Map<number, ClusterRun>();
  private readonly profileDirs = new Map<string, string>();

  constructor(private readonly options: BenchOptions) {
    this.plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  }

  async run(): Promise<BenchSummary> {
    const machine = describeMachine();
    const raw = await this.part('raw', () => this.raw());
    const w1 = await this.part('w1', () => this.w1());
    const windowed = await this.part('windowed', () => this.windowed());
    const tenNode = await this.part('ten', () => this.tenNode(isFigure(windowed) ? windowed : {}));
    const simulator = await this.part('sim', async () => benchSimulator(this.plan.simNodes));
    const mesh = await this.part('mesh', () => this.mesh());
    const memory = await this.part('memory', () => this.memory());
    const w1Rates = isFigure(w1) ? mapValues(w1, (f) => (isFigure(f) ? f.commitsPerSenderPerSec : null)) : {};
    const headless = w1Rates[String(this.plan.uiTabs)] ?? null;
    const ui = await this.part('ui', () =>
      benchUi({
        tabs: this.plan.uiTabs,
        sendForS: this.plan.uiSendForS,
        buildDir: join(this.options.outDir, 'ui-dist'),
        timeoutMs: 180_000,
        headlessCommitsPerSenderPerSec: headless,
        rawRttS: this.plan.pingPongS,
      }),
    );
    const rawRate = isFigure(raw) ? raw.roundTripsPerSec : null;
    const summary: Omit<BenchSummary, 'targets'> = {
      mode: this.options.quick ? 'quick' : 'full',
      machine,
      plan: this.plan,
      durationS: round((performance.now() - this.started) / 1000, 1),
      partSeconds: this.partSeconds,
      rawRoundTripsPerSec: rawRate,
      raw,
      w1CommitsPerSenderPerSec: w1Rates,
      ratio: rawRate && w1Rates['3'] ? round(w1Rates['3'] / rawRate, 3) : null,
      w1,
      windowed,
      tenNode,
      simSpeedup: isFigure(simulator) ? simulator.defaultNetwork.speedup : null,
      simulator,
      meshFormationMs: isFigure(mesh) ? mapValues(mesh, (m) => (isFigure(m) ? m.formationMs : null)) : {},
      mesh32Ms: isFigure(mesh) && mesh['32'] && isFigure(mesh['32']) ? mesh['32'].formationMs : null,
      mesh,
      memory,
      ui,
      profiles: this.profiles(),
    };
    return { ...summary, targets: evaluateTargets(summary) };
  }

  /** Runs one part, timing it; a thrown error becomes `{ error }`, a skipped part `{ skipped }`. */
  private async part<T extends object>(name: PartName, run: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    if (this.options.skip.has(name)) return { skipped: 'skipped with --skip' };
    this.options.progress(`bench: ${name} ...`);
    const started = performance.now();
    try {
      return await run();
    } catch (error) {
      return failed(error);
    } finally {
      this.partSeconds[name] = round((performance.now() - started) / 1000, 1);
      this.options.progress(`bench: ${name} done in ${this.partSeconds[name]} s`);
    }
  }

  private async raw(): Promise<PingPongResult> {
    const result = await runPingPong(this.plan.pingPongS, 60_000 + this.plan.pingPongS * 1000, this.nodeFlags('raw'));
    this.options.progress(`bench: raw ping-pong ${result.roundTripsPerSec} round trips/s, send() ${result.sendCallUs} µs`);
    return result;
  }

  private async w1(): Promise<Record<string, Outcome<ClusterFigures>>> {
    const figures: Record<string, Outcome<ClusterFigures>> = {};
    for (const nodes of this.plan.w1Nodes) figures[nodes] = await this.cluster(`w1-n${nodes}`, nodes, 1, true, this.plan.sendForS);
    return figures;
  }

  private async windowed(): Promise<Record<string, Outcome<ClusterFigures>>> {
    const nodes = this.plan.windowNodes;
    const figures: Record<string, Outcome<ClusterFigures>> = {};
    for (const window of this.plan.windows) {
      const reused = window === 1 ? this.w1Runs.get(nodes) : undefined;
      figures[window] = reused ? clusterFigures(reused) : await this.cluster(`windowed-w${window}`, nodes, window, true, this.plan.sendForS);
    }
    figures['1-no-batching'] = await this.cluster('windowed-w1-no-batching', nodes, 1, false, this.plan.sendForS);
    return figures;
  }

  private async tenNode(windowed: Record<string, Outcome<ClusterFigures>>): Promise<TenNode> {
    const window = bestWindow(windowed, this.plan.windows);
    const figures = clusterFigures(await this.clusterRun('ten', this.plan.tenNodes, window, true, this.plan.tenNodeS));
    this.options.progress(`bench: ten nodes at W=${window}: ${figures.agreedCount} agreed messages`);
    return {
      nodes: this.plan.tenNodes,
      window,
      durationS: this.plan.tenNodeS,
      agreedMessages: figures.agreedCount,
      agree: figures.agree,
      spread: figures.spread,
      baseline: BASELINE_MESSAGES,
      target: BASELINE_MESSAGES * 10,
    };
  }

  private async mesh(): Promise<Record<string, Outcome<MeshFormation>>> {
    const figures: Record<string, Outcome<MeshFormation>> = {};
    for (const nodes of FULL_PLAN.meshNodes) {
      if (!this.plan.meshNodes.includes(nodes)) {
        figures[nodes] = { skipped: 'not in --quick mode' };
        continue;
      }
      try {
        const run = await this.clusterRun(`mesh-n${nodes}`, nodes, 1, true, this.plan.meshSendForS, defaultNodesPerProcess(nodes));
        figures[nodes] = meshFormation(run);
        this.options.progress(`bench: mesh of ${nodes} formed in ${figures[nodes].formationMs} ms`);
      } catch (error) {
        figures[nodes] = failed(error);
      }
    }
    return figures;
  }

  private async memory(): Promise<MemoryFigures> {
    const { memoryWindow, memorySampleAt } = this.plan;
    const maxSeconds = 300;
    // The same V8 flags as `chatterbox cluster` gives its node processes (src/cli/node-flags.ts).
    const child = spawnScript('./memory-child.ts', [String(memoryWindow), String(maxSeconds), ...memorySampleAt.map(String)], ['--expose-gc', ...NODE_PROCESS_FLAGS, ...this.nodeFlags('memory')]);
    const result = lastJsonLine(await collect(child, (maxSeconds + 60) * 1000), 'memory child') as LoopbackResult & { gcBeforeSample: boolean };
    if (result.samples.length < memorySampleAt.length) throw new Error(`reached only ${result.committed} committed messages in ${maxSeconds} s`);
    const samples = result.samples.map((s) => ({
      committed: s.committed,
      rssMB: mb(s.rssBytes),
      heapUsedMB: mb(s.heapUsedBytes),
      heapTotalMB: mb(s.heapTotalBytes),
      newSpaceMB: mb(s.newSpaceBytes),
    }));
    const rss = samples.map((s) => s.rssMB);
    return {
      window: memoryWindow,
      samples,
      growthMB: round(rss[1] - rss[0], 1),
      laterGrowthMB: rss.length > 2 ? round(rss[rss.length - 1] - rss[1], 1) : null,
      commitsPerSec: result.commitsPerSec,
      gcBeforeSample: result.gcBeforeSample,
    };
  }

  private async cluster(label: string, nodes: number, window: number, batching: boolean, sendForS: number): Promise<Outcome<ClusterFigures>> {
    try {
      const run = await this.clusterRun(label, nodes, window, batching, sendForS);
      const figures = clusterFigures(run);
      this.options.progress(`bench: ${label}: ${figures.agreedCount} agreed, ${figures.commitsPerSenderPerSec} commits/s per sender${figures.agree ? '' : ' (NOT agreed)'}`);
      return figures;
    } catch (error) {
      this.options.progress(`bench: ${label} failed: ${String(error)}`);
      return failed(error);
    }
  }

  /**
   * A local cluster; `nodesPerProcess` 1 (each node its own process, as the throughput parts have
   * always measured) unless told (the mesh part: the cluster's default, its wait phase for more
   * than 16 nodes, and its processes' Node flags).
   */
  private async clusterRun(label: string, nodes: number, window: number, batching: boolean, sendForS: number, nodesPerProcess = 1): Promise<ClusterRun> {
    const waitForS = nodesPerProcess === 1 ? this.plan.waitForS : Math.max(this.plan.waitForS, defaultClusterWaitSeconds(nodes));
    const timeoutMs = (sendForS + waitForS) * 1000 + 60_000 + nodes * 5000;
    const clusterFlags = nodesPerProcess === 1 ? [] : NODE_PROCESS_FLAGS; // as `chatterbox cluster` runs its processes
    const run = await runLocalCluster({ nodes, sendForS, waitForS, window, batching, timeoutMs, nodesPerProcess, nodeFlags: [...clusterFlags, ...this.nodeFlags(label)] });
    if (window === 1 && batching && nodesPerProcess === 1 && !this.w1Runs.has(nodes)) this.w1Runs.set(nodes, run);
    return run;
  }

  /** `--cpu-prof` flags for the processes of one measurement, when profiling. */
  private nodeFlags(label: string): string[] {
    if (!this.options.cpuProf) return [];
    const dir = join(this.options.outDir, 'profiles', label);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    this.profileDirs.set(label, dir);
    return ['--cpu-prof', '--cpu-prof-dir', dir];
  }

  private profiles(): Record<string, ProfileSummary> {
    const summaries: Record<string, ProfileSummary> = {};
    for (const [label, dir] of this.profileDirs) summaries[label] = summarizeProfiles(dir, 12);
    return summaries;
  }
}

function clusterFigures(run: ClusterRun): ClusterFigures {
  return {
    nodes: run.options.nodes,
    window: run.options.window,
    batching: run.options.batching,
    sendForS: run.options.sendForS,
    agreedCount: run.agreedCount,
    agree: run.agree,
    spread: run.spread,
    commitsPerSenderPerSec: round(commitsPerSenderPerSec(run), 1),
  };
}

/** The window with the most commits per second per sender (64 when none was measured). */
export function bestWindow(windowed: Record<string, Outcome<ClusterFigures>>, windows: readonly number[]): number {
  let best = { window: windows[windows.length - 1], rate: -1 };
  for (const window of windows) {
    const figures = windowed[window];
    if (isFigure(figures) && figures.agree && figures.commitsPerSenderPerSec > best.rate) best = { window, rate: figures.commitsPerSenderPerSec };
  }
  return best.window;
}

function mapValues<T, U>(record: Record<string, T>, f: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]));
}

const mb = (bytes: number): number => round(bytes / 2 ** 20, 1);
