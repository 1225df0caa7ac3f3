// The bench summary as markdown: the machine, one table per kind of figure, and the targets.

import type { MeshFormation } from './cluster-run';
import { errorText, isFigure, type Outcome } from './outcome';
import type { BenchSummary, ClusterFigures } from './suite';
import type { UiCase, UiResult } from './ui';
import type { ThreadCpu } from './thread-cpu';

/** A number with thousands separators and a fixed number of decimals. */
export const n = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A markdown table; cells are escaped for pipes. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function markdownReport(s: BenchSummary): string {
  const m = s.machine;
  return [
    `# Chatterbox bench (${s.mode}), ${m.date}`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.chromium ?? 'no Chromium'}, ${m.platform}; ` +
      `load average ${m.loadAverage} at the start. The bench took ${n(s.durationS)} s.`,
    '',
    '## Throughput (headless nodes, one process each, WebRTC)',
    '',
    `Raw data-channel ping-pong between two processes: ${rawLine(s)}.`,
    '',
    throughputTable(s),
    '',
    `Ratio, W=1 commits/s per sender at N=3 over raw round trips/s: ${s.ratio ?? 'not measured'}.`,
    '',
    `Ten nodes: ${tenLine(s)}.`,
    '',
    '## Simulator',
    '',
    simulatorTable(s),
    '',
    '## Mesh formation and memory (nodes sharing processes, as chatterbox cluster runs them by default)',
    '',
    meshTable(s),
    '',
    `In-process memory (two runtimes, in-memory link): ${memoryLine(s)}`,
    '',
    '## UI',
    '',
    uiLine(s),
    '',
    '## Targets',
    '',
    markdownTable(
      ['part', 'target', 'measured', 'met'],
      s.targets.map((t) => [t.part, t.goal, t.measured, t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met']),
    ),
    '',
  ].join('\n');
}

function rawLine(s: BenchSummary): string {
  const raw = s.raw;
  if (!isFigure(raw)) return errorText(raw);
  return `${n(raw.roundTripsPerSec)} round trips/s (${n(raw.roundTrips)} in ${n(raw.seconds, 1)} s; one send() call takes ${raw.sendCallUs} µs)`;
}

function throughputTable(s: BenchSummary): string {
  const rows: string[][] = [];
  const add = (label: string, figures: Outcome<ClusterFigures> | undefined): void => {
    if (!figures) return;
    if (!isFigure(figures)) rows.push([label, '', '', '', errorText(figures), '', '']);
    else rows.push([label, String(figures.nodes), String(figures.window), figures.batching ? 'yes' : 'no', n(figures.agreedCount), n(figures.commitsPerSenderPerSec, 1), `${figures.spread}${figures.agree ? '' : ' (not agreed)'}`]);
  };
  if (isFigure(s.w1)) for (const [nodes, figures] of Object.entries(s.w1)) add(`W=1, N=${nodes}`, figures);
  else rows.push(['W=1', '', '', '', errorText(s.w1), '', '']);
  if (isFigure(s.windowed)) for (const [window, figures] of Object.entries(s.windowed)) add(`windowed, W=${window}`, figures);
  else rows.push(['windowed', '', '', '', errorText(s.windowed), '', '']);
  return markdownTable(['run', 'N', 'W', 'batching', 'agreed count', 'commits/s per sender', 'count spread'], rows);
}

function tenLine(s: BenchSummary): string {
  const ten = s.tenNode;
  if (!isFigure(ten)) return errorText(ten);
  return `${n(ten.agreedMessages)} agreed messages in ${ten.durationS} s at W=${ten.window}${ten.agree ? '' : ' (nodes did NOT agree)'}; the published figure is ${n(ten.baseline)} in 60 s, the target ${n(ten.target)}`;
}

function simulatorTable(s: BenchSummary): string {
  const sim = s.simulator;
  if (!isFigure(sim)) return errorText(sim);
  const rows = [sim.defaultNetwork, sim.links100ms, sim.links100msSlowTick].map((r) => [
    `${r.latencyMs} ms ${r.delay}`,
    String(r.tickMs),
    String(r.nodes),
    `${r.speedup}x`,
    `${r.commitLatencyMs.p0} / ${r.commitLatencyMs.p50} / ${r.commitLatencyMs.p95} / ${r.commitLatencyMs.p99} / ${r.commitLatencyMs.p100}`,
    `${r.framesPerCommit} (2(N-1) = ${r.framesPerCommitBound})`,
    r.agree && r.violations === 0 ? 'yes' : 'NO',
  ]);
  return markdownTable(['links', 'tick ms', 'N', 'speedup (sim s / wall s)', 'commit latency ms p0 / p50 / p95 / p99 / p100', 'frames per commit', 'agree, no violation'], rows);
}

function meshTable(s: BenchSummary): string {
  if (!isFigure(s.mesh)) return errorText(s.mesh);
  const rows = Object.entries(s.mesh).map(([nodes, m]: [string, Outcome<MeshFormation>]) =>
    isFigure(m)
      ? [nodes, String(m.nodesPerProcess), n(m.formationMs), n(m.meshOnlyMs), `${n(m.joinMeanMs)} / ${n(m.joinMaxMs)}`, n(m.rssPerNodeMB, 1), `${n(m.rssPerProcessMeanMB, 1)} / ${n(m.rssPerProcessMaxMB, 1)}`, m.agree ? 'yes' : 'NO']
      : [nodes, errorText(m), '', '', '', '', '', ''],
  );
  const header = ['N', 'nodes per process', 'formation ms (first process start to run start)', 'mesh only ms (last join to run start)', 'process start to join ms, mean / max', 'RSS per node MB', 'RSS per process MB, mean / max', 'agree'];
  return markdownTable(header, rows);
}

function memoryLine(s: BenchSummary): string {
  const memory = s.memory;
  if (!isFigure(memory)) return errorText(memory);
  const rows = memory.samples.map((x) => [n(x.committed), n(x.rssMB, 1), n(x.heapUsedMB, 1), n(x.heapTotalMB, 1), n(x.newSpaceMB, 1)]);
  const later = memory.laterGrowthMB === null ? '' : `, then ${memory.laterGrowthMB} MB`;
  return (
    `W=${memory.window}, ${n(memory.commitsPerSec)} commits/s${memory.gcBeforeSample ? ', gc before each sample' : ''}; RSS growth ${memory.growthMB} MB${later}.\n\n` +
    markdownTable(['committed at node A', 'RSS MB', 'heap used MB', 'heap total MB', 'V8 new space MB'], rows)
  );
}

function uiLine(s: BenchSummary): string {
  const ui = s.ui;
  if (!isFigure(ui)) return `UI ${errorText(ui)}`;
  const headless = ui.headlessCommitsPerSenderPerSec === null ? 'no headless N=4 figure to compare with' : `headless N=4: ${n(ui.headlessCommitsPerSenderPerSec, 1)} commits/s per sender`;
  const rows = [...caseRows('4 tabs', ui), ...(isFigure(ui.oneWindow) ? caseRows('one window', ui.oneWindow) : [['one window', errorText(ui.oneWindow), '', '', '', '', '', '', '', '', '']])];
  const header = ['case', 'tab', 'visible', 'mode', 'send phase s', 'commits/s per sender', 'vs headless', 'fps', 'p95 frame ms', 'long tasks: count / ms / longest', 'RTT ms: median / longest link'];
  return [
    `Chromium ${ui.chromium}, W=${ui.window}, tick ${ui.tickMs} ms, send for ${ui.sendForS} s; ${headless}. ` +
      `Raw browser data channel (two pages, 32 bytes ping-pong): ${rawRttLine(ui)}.`,
    '',
    markdownTable(header, rows),
    '',
    `CPU by thread in the 4 tabs' send phase: ${threadLine(ui.threadCpu)}${drawingCostLine(ui)}.`,
    '',
    `Sandbox (one page, ${sandboxLine(ui)}).`,
    '',
    `Emulated: ${ui.emulation.emulated.join('; ')}.`,
    '',
    `Not emulated: ${ui.emulation.notEmulated.join('; ')}.`,
  ].join('\n');
}

function sandboxLine(ui: UiResult): string {
  const sandbox = ui.sandbox16;
  if (!isFigure(sandbox)) return `16 virtual nodes at full speed: ${errorText(sandbox)}`;
  return (
    `${sandbox.nodes} virtual nodes at full speed, #${sandbox.link}): the run took ${sandbox.runS} s, ${n(sandbox.records)} records; ` +
    `${sandbox.fps} fps, p95 frame ${sandbox.p95FrameMs ?? '?'} ms, long tasks ${sandbox.longTasks} / ${n(sandbox.longTaskMs)} ms / longest ${n(sandbox.longTaskMaxMs)} ms; ` +
    `CPU by thread during the run: ${threadLine(sandbox.threadCpu)}`
  );
}

/** Threads that turn a page into pixels: the renderers' main threads, raster and compositor threads, and the display compositor. */
const DRAWING_THREADS = /^(renderer (main|ThreadPoolForeg|Compositor)|gpu VizCompositorTh)$/;

/** "; drawing took about 16.2 ms of CPU per frame shown (...)": what one animation frame of one tab costs the machine. */
function drawingCostLine(ui: UiResult): string {
  const framesPerS = ui.perTab.reduce((sum, tab) => sum + (tab.fps ?? 0), 0);
  if (!ui.threadCpu || framesPerS <= 0) return '';
  const cores = ui.threadCpu.groups.filter((g) => DRAWING_THREADS.test(g.group)).reduce((sum, g) => sum + g.cores, 0);
  const ms = (cores * 1000) / framesPerS;
  return `; drawing (renderer main, raster, compositor and display threads: ${n(cores, 2)} cores for ${n(framesPerS, 1)} frames/s over the tabs) took about ${n(ms, 1)} ms of CPU per frame shown, so 4 tabs at 55 fps would need about ${n((ms * 55 * 4) / 1000, 1)} cores for drawing alone`;
}

/** "1.42 of the cores in all: renderer CrRendererMain 0.81, ..." (the eight busiest thread groups). */
function threadLine(cpu: ThreadCpu | null): string {
  if (!cpu) return 'not measured (no /proc)';
  const busiest = cpu.groups.slice(0, 8).map((g) => `${g.group} ${g.cores}`);
  return `${cpu.totalCores} cores in all over ${cpu.spanS} s: ${busiest.join(', ')}`;
}

function rawRttLine(ui: UiResult): string {
  const raw = ui.rawBrowserRtt;
  if (!isFigure(raw)) return errorText(raw);
  return `${n(raw.roundTripsPerSec)} round trips/s, mean ${raw.meanMs} ms, p95 ${raw.p95Ms} ms (${n(raw.roundTrips)} in ${raw.seconds} s)`;
}

function caseRows(label: string, tabs: UiCase): string[][] {
  const cell = (value: number | null, unit = ''): string => (value === null ? '' : `${value}${unit}`);
  return tabs.perTab.map((t, i) => [
    i === 0 ? `${label} (${tabs.setup.contexts === 'one per tab' ? 'a context per tab' : 'one shared context'}; ${tabs.setup.rendererProcesses ?? '?'} renderer processes)` : '',
    `${i + 1}${t.id ? ` ${t.id}` : ''}`,
    t.visible ? 'yes' : 'hidden',
    t.mode ?? 'not shown',
    `${t.sendPhaseS}${t.sendPhaseTimedBy === 'this tab' ? '' : ' (timed by another tab)'}`,
    `${t.commitsPerSenderPerSec}${t.resultAfterFront ? ' (result shown only in front)' : ''}`,
    cell(t.vsHeadless),
    t.fps === null ? 'not drawn' : String(t.fps),
    cell(t.p95FrameMs),
    `${t.longTasks} / ${n(t.longTaskMs)} / ${n(t.longTaskMaxMs)}`,
    t.rttMs === null ? 'not shown' : `${t.rttMs} / ${t.rttMaxMs}`,
  ]);
}
