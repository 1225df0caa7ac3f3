// The simulator's figures: speed (simulated seconds per wall second), commit latency and frames per commit.

import { DEFAULT_PARAMS } from '../core';
import type { NetworkConfig } from '../sim/network';
import { simulate, type LatencyQuantiles } from '../sim/simulate';
import { round } from '../sim/stats';

export interface SimRun {
  nodes: number;
  latencyMs: number;
  delay: NetworkConfig['delay'];
  tickMs: number;
  simulatedSeconds: number;
  wallSeconds: number;
  speedup: number;
  commitLatencyMs: LatencyQuantiles;
  framesPerCommit: number;
  /** What frames per commit would be without resends: a DATA and an ACK per other member. */
  framesPerCommitBound: number;
  agree: boolean;
  violations: number;
}

export interface SimulatorResult {
  /** The default network (10 ms mean, uniform): the speedup headline. */
  defaultNetwork: SimRun;
  /** 100 ms constant links with the default tick: the latency targets. */
  links100ms: SimRun;
  /** 100 ms links with a tick above the round trip (no early resends): frames per commit near the bound. */
  links100msSlowTick: SimRun;
}

const NO_FAULTS = { loss: 0, dup: 0, partitions: false, crash: false, skewMs: 0 };

export function benchSimulator(nodes: number): SimulatorResult {
  simRun(5, 10, 'uniform', DEFAULT_PARAMS.tickMs); // warm-up: the measured runs should not pay for compilation
  return {
    defaultNetwork: simRun(nodes, 10, 'uniform', DEFAULT_PARAMS.tickMs),
    links100ms: simRun(nodes, 100, 'constant', DEFAULT_PARAMS.tickMs),
    links100msSlowTick: simRun(nodes, 100, 'constant', 300),
  };
}

function simRun(nodes: number, latencyMs: number, delay: NetworkConfig['delay'], tickMs: number): SimRun {
  const started = performance.now();
  const report = simulate({ nodes, params: { ...DEFAULT_PARAMS, tickMs }, netSeed: 1, network: { latencyMs, delay, ...NO_FAULTS } });
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    nodes,
    latencyMs,
    delay,
    tickMs,
    simulatedSeconds: report.simulatedSeconds,
    wallSeconds: round(wallSeconds, 3),
    speedup: round(report.simulatedSeconds / wallSeconds, 1),
    commitLatencyMs: report.latencyMs,
    framesPerCommit: report.framesPerCommit,
    framesPerCommitBound: 2 * (nodes - 1),
    agree: report.agree,
    violations: report.violations,
  };
}
