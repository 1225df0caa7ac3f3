// `chatterbox bench`: the benchmark suite (BENCHMARKS.md); writes bench.json, bench.md and the window plot.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isFigure, PART_NAMES } from '../bench/outcome';
import { killRunning, ROOT } from '../bench/processes';
import type { BenchSummary } from '../bench/suite';
import { windowPlotSvg, type WindowPlot } from '../bench/svg';
import { defineFlags, describeFlags, parseFlags } from './flags';
import type { CommandOutput } from './output';

export const BENCH_FLAGS = defineFlags({
  quick: { type: 'boolean', help: 'a reduced set that finishes in under 3 minutes (same JSON keys)' },
  out: { type: 'string', value: 'DIR', default: 'bench-results', help: 'write bench.json, bench.md and bench-window.svg here' },
  skip: { type: 'strings', value: 'PART', choices: PART_NAMES, help: `leave a part out, repeatable: ${PART_NAMES.join(', ')}` },
  'cpu-prof': { type: 'boolean', help: 'profile the node processes (node --cpu-prof into DIR/profiles) and list their hot functions' },
  json: { type: 'boolean', help: 'print only the JSON summary' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
});

export const BENCH_HELP = `chatterbox bench [options]

Measures, in one run on this machine: raw data-channel round trips, commits per second per sender
for 2-8 nodes and windows 1-64, a 10-node cluster, the simulator, mesh formation and memory per
process, memory against committed messages, and the UI (Playwright + Chromium). Prints the
markdown report, then the JSON summary as the last line. Failed or skipped parts are reported
as { error } or { skipped }; the bench itself still exits 0. A full run also writes
docs/bench-window.svg. See BENCHMARKS.md.

${describeFlags(BENCH_FLAGS)}

Exit codes: 0 done, 2 bad flags.`;

export async function runBenchCommand(args: readonly string[], out: CommandOutput): Promise<number> {
  const flags = parseFlags(args, BENCH_FLAGS);
  if (flags.help) {
    out.stdout(BENCH_HELP);
    return 0;
  }
  const quick = flags.quick;
  const outDir = resolve(flags.out);
  mkdirSync(outDir, { recursive: true });
  const interrupt = (): void => {
    killRunning();
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  try {
    // Loaded here, not at the top: the suite pulls in Playwright, which other commands must not pay for.
    const { runBench } = await import('../bench/suite');
    const { markdownReport } = await import('../bench/report');
    const summary = await runBench({
      quick,
      outDir,
      skip: new Set(flags.skip),
      cpuProf: flags['cpu-prof'],
      progress: (line) => out.stderr(line),
    });
    const markdown = markdownReport(summary);
    writeOutputs(summary, markdown, outDir, !quick);
    if (!flags.json) out.stdout(markdown);
    out.stdout(JSON.stringify(summary));
    return 0;
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

function writeOutputs(summary: BenchSummary, markdown: string, outDir: string, full: boolean): void {
  writeFileSync(join(outDir, 'bench.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(outDir, 'bench.md'), markdown);
  const plot = windowPlot(summary);
  if (!plot) return;
  const svg = windowPlotSvg(plot);
  writeFileSync(join(outDir, 'bench-window.svg'), svg);
  if (full) writeFileSync(join(ROOT, 'docs', 'bench-window.svg'), svg);
}

/** Commits/s per sender against the window at N = 3, with the raw round-trip rate for reference; null without data. */
export function windowPlot(summary: BenchSummary): WindowPlot | null {
  const windowed = summary.windowed;
  if (!isFigure(windowed)) return null;
  const points = summary.plan.windows.flatMap((window) => {
    const figures = windowed[window];
    return isFigure(figures) ? [{ window, commitsPerSenderPerSec: figures.commitsPerSenderPerSec }] : [];
  });
  if (points.length === 0) return null;
  const references = [];
  if (summary.rawRoundTripsPerSec !== null) references.push({ label: 'raw ping-pong round trips/s', value: summary.rawRoundTripsPerSec });
  const unbatched = windowed['1-no-batching'];
  if (isFigure(unbatched)) references.push({ label: 'W=1 without batching', value: unbatched.commitsPerSenderPerSec });
  const m = summary.machine;
  return {
    title: `Commits/s per sender against the window (N = ${summary.plan.windowNodes})`,
    subtitle: `${summary.mode} run, ${m.date.slice(0, 10)}, ${m.cpus} CPUs, Node ${m.node}, one process per node, WebRTC`,
    points,
    references,
  };
}
