// `chatterbox sim`: one deterministic simulated run, or many random fault scenarios.

import { writeFileSync } from 'node:fs';
import { runScenarios } from '../sim/scenarios';
import { simulate, type SimConfig, type SimReport } from '../sim/simulate';
import type { TraceRecord } from '../runtime/trace';
import { traceLine } from '../runtime/trace';
import { defineFlags, describeFlags, parseFlags, UsageError, type FlagValues } from './flags';
import { RUN_FLAGS, runParamsFromFlags, runParamsToArgs } from './run-flags';
import type { CommandOutput } from './output';

/** One microsecond, the virtual clock's unit. */
const MIN_LATENCY_MS = 0.001;

const SIM_FLAGS = defineFlags({
  nodes: { type: 'integer', value: 'N', min: 1, max: 256, default: 5, help: 'number of nodes' },
  ...RUN_FLAGS,
  latency: { type: 'number', value: 'MS', min: 0, max: 60_000, default: 10, help: `mean one-way link delay, at least ${MIN_LATENCY_MS}` },
  delay: { type: 'string', value: 'DIST', choices: ['constant', 'uniform', 'exponential'], default: 'uniform', help: 'delay distribution: constant, uniform (0.5x-1.5x), exponential' },
  loss: { type: 'number', value: 'P', min: 0, max: 1, default: 0, help: 'probability a frame is lost' },
  dup: { type: 'number', value: 'P', min: 0, max: 1, default: 0, help: 'probability a frame is delivered twice' },
  partitions: { type: 'boolean', help: 'random partitions that heal, some only after the run, some never' },
  crash: { type: 'boolean', help: 'one random node crashes at a random time' },
  batching: { type: 'boolean', help: 'frames a node sends one peer in one instant travel as one message (acks coalesced), as the mesh batches' },
  skew: { type: 'number', value: 'MS', min: 0, max: 60_000, default: 0, help: 'maximum per-node clock offset' },
  'net-seed': { type: 'integer', value: 'SEED', min: 0, max: Number.MAX_SAFE_INTEGER, help: 'seed of the network randomness (default: --with-seed)' },
  scenarios: { type: 'integer', value: 'K', min: 1, max: 10_000_000, help: 'run K random scenarios, each with its own derived seed' },
  trace: { type: 'string', value: 'FILE', help: 'write the run as JSON Lines (docs/TRACE.md)' },
  json: { type: 'boolean', help: 'print one JSON object' },
  measure: { type: 'boolean', help: 'add wall-clock speed (speedup) to the output; makes it differ between runs' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
});

type SimFlags = FlagValues<typeof SIM_FLAGS>;

export const SIM_HELP = `chatterbox sim [options]

Runs the protocol on a simulated network: a virtual clock, a seeded network and an invariant
checker after every step. The same flags always print the same output.

${describeFlags(SIM_FLAGS)}

Exit codes: 0 no violation, 1 an invariant was violated, 2 bad flags.`;

export function runSim(args: readonly string[], out: CommandOutput): number {
  const flags = parseFlags(args, SIM_FLAGS);
  if (flags.help) {
    out.stdout(SIM_HELP);
    return 0;
  }
  const config = simConfigFromFlags(flags);
  const scenarios = flags.scenarios;
  if (scenarios !== undefined) return runBatch(config, scenarios, flags, out);
  return runSingle(config, flags, out);
}

function simConfigFromFlags(flags: SimFlags): SimConfig {
  const params = runParamsFromFlags(flags);
  const latencyMs = flags.latency;
  if (latencyMs < MIN_LATENCY_MS) {
    throw new UsageError(
      `--latency must be at least ${MIN_LATENCY_MS} ms (1 µs), got ${latencyMs}: on zero-delay links every round trip ` +
        'takes no time, so the virtual clock never reaches the end of the send phase',
    );
  }
  return {
    nodes: flags.nodes,
    params,
    netSeed: flags['net-seed'] ?? params.seed,
    batching: flags.batching,
    network: {
      latencyMs,
      delay: flags.delay,
      loss: flags.loss,
      dup: flags.dup,
      partitions: flags.partitions,
      crash: flags.crash,
      skewMs: flags.skew,
    },
  };
}

function runSingle(config: SimConfig, flags: SimFlags, out: CommandOutput): number {
  const tracePath = flags.trace;
  const lines: string[] = [];
  const trace = tracePath ? (record: TraceRecord) => lines.push(traceLine(record)) : undefined;
  const started = performance.now();
  const report = simulate({ ...config, trace });
  const wallSeconds = (performance.now() - started) / 1000;
  if (tracePath) writeFileSync(tracePath, lines.join('\n') + '\n');
  const speedup = flags.measure ? Math.round(report.simulatedSeconds / wallSeconds) : null;
  if (flags.json) out.stdout(JSON.stringify(singleJson(report, speedup)));
  else printSingle(report, speedup, out);
  for (const violation of report.firstViolations) out.stderr(`violation ${violation.invariant} at ${violation.node}: ${violation.detail}`);
  return report.violations === 0 ? 0 : 1;
}

function singleJson(report: SimReport, speedup: number | null) {
  return {
    nodes: report.nodes.map(({ id, count, checksum, complete, crashed }) => ({ id, count, checksum, complete, crashed })),
    agree: report.agree,
    spread: report.spread,
    violations: report.violations,
    framesPerCommit: report.framesPerCommit,
    packetsPerCommit: report.packetsPerCommit,
    latencyMs: report.latencyMs,
    speedup,
  };
}

function printSingle(report: SimReport, speedup: number | null, out: CommandOutput): void {
  for (const node of report.nodes) {
    const note = node.crashed ? '  (crashed)' : node.complete ? '' : '  (incomplete: not every FIN arrived)';
    out.stdout(`${node.id} (${node.count}, ${node.checksum})${note}`);
  }
  const latency = report.latencyMs;
  const speed = speedup === null ? '' : `, ${speedup}x real time`;
  const packets = report.packets === report.frames ? '' : ` (network messages/commit ${report.packetsPerCommit})`;
  out.stdout(
    `${report.agree ? 'agree' : 'DISAGREE'}: spread ${report.spread}, violations ${report.violations}, ` +
      `frames/commit ${report.framesPerCommit}${packets}, latency p50 ${latency.p50} ms p100 ${latency.p100} ms, ` +
      `${report.simulatedSeconds} simulated s${speed}`,
  );
}

function runBatch(config: SimConfig, count: number, flags: SimFlags, out: CommandOutput): number {
  const started = performance.now();
  const summary = runScenarios(config, count, config.params.seed, (done) => out.progress(`scenario ${done}/${count}`));
  out.progress('');
  const failures = summary.failures.map((failure) => ({ ...failure, reproduce: reproduceCommand(config, failure.seed) }));
  const wallSeconds = (performance.now() - started) / 1000;
  if (flags.json) {
    out.stdout(JSON.stringify({ scenarios: summary.scenarios, violations: summary.violations, agreed: summary.agreed, failures }));
  } else {
    out.stdout(`${summary.scenarios} scenarios, ${summary.violations} violations, ${summary.agreed} ended in agreement`);
    for (const failure of failures) out.stdout(`seed ${failure.seed}: ${failure.invariant} (${failure.detail})\n  reproduce: ${failure.reproduce}`);
  }
  out.stderr(`${count} scenarios in ${wallSeconds.toFixed(1)} s`);
  return summary.violations === 0 ? 0 : 1;
}

/** A command line that replays exactly one scenario of a batch. */
export function reproduceCommand(config: SimConfig, seed: number): string {
  const { network } = config;
  const args = [
    'npx chatterbox sim',
    '--nodes', String(config.nodes),
    ...runParamsToArgs({ ...config.params, seed }),
    '--latency', String(network.latencyMs),
    '--delay', network.delay,
    '--loss', String(network.loss),
    '--dup', String(network.dup),
    '--skew', String(network.skewMs),
  ];
  if (network.partitions) args.push('--partitions');
  if (network.crash) args.push('--crash');
  if (config.batching) args.push('--batching');
  return args.join(' ');
}
