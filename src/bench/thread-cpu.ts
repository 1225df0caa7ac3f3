// Where a browser's CPU goes, by thread (Linux /proc): samples the CPU time of every thread of the
// processes this bench started (the browser and its renderers, GPU and utility processes), so a
// case can say how many cores its renderers' main threads, compositors and workers used in a span.

import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (s) of each thread ("pid/tid") at one moment (epoch ms), with the group it counts in. */
interface CpuSample {
  at: number;
  threads: Map<string, { group: string; seconds: number }>;
}

/** Cores used by one group of threads over a span: CPU seconds per wall second. */
export interface ThreadGroupCpu {
  /** Process type and thread name, e.g. "renderer CrRendererMain", "renderer DedicatedWorker". */
  group: string;
  cores: number;
}

export interface ThreadCpu {
  /** Wall seconds of the span. */
  spanS: number;
  /** Cores used by all the sampled threads together. */
  totalCores: number;
  /** The busiest groups first. */
  groups: ThreadGroupCpu[];
}

const TICKS_PER_SECOND = 100;
const SAMPLE_EVERY_MS = 250;

/** Samples the threads of this process's descendants every 250 ms until stopped; empty where /proc is missing. */
export class ThreadCpuSampler {
  private readonly samples: CpuSample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly root = process.pid) {
    this.take();
    this.timer = setInterval(() => this.take(), SAMPLE_EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.take();
  }

  /**
   * Cores used per thread group between the first and last samples in [from, to] (epoch ms); null
   * without two samples in it. A thread counts from its first sample in the span (from 0 if it began
   * after the span's first sample) to its last one (a thread that ended counts until then).
   */
  between(from: number, to: number): ThreadCpu | null {
    const inSpan = this.samples.filter((sample) => sample.at >= from && sample.at <= to);
    if (inSpan.length < 2 || inSpan[inSpan.length - 1].at - inSpan[0].at < SAMPLE_EVERY_MS) return null;
    const spanS = (inSpan[inSpan.length - 1].at - inSpan[0].at) / 1000;
    const used = new Map<string, number>();
    const seen = new Map<string, { group: string; first: number; last: number }>();
    for (const [index, sample] of inSpan.entries()) {
      for (const [thread, { group, seconds }] of sample.threads) {
        const known = seen.get(thread);
        if (known) known.last = seconds;
        else seen.set(thread, { group, first: index === 0 ? seconds : 0, last: seconds });
      }
    }
    for (const { group, first, last } of seen.values()) used.set(group, (used.get(group) ?? 0) + last - first);
    const groups: ThreadGroupCpu[] = [...used].filter(([, seconds]) => seconds > 0).map(([group, seconds]) => ({ group, cores: round(seconds / spanS) }));
    groups.sort((a, b) => b.cores - a.cores);
    return { spanS: round(spanS), totalCores: round(groups.reduce((sum, g) => sum + g.cores, 0)), groups };
  }

  private take(): void {
    try {
      this.samples.push({ at: Date.now(), threads: threadSeconds(descendantsOf(this.root)) });
    } catch {
      // No /proc (not Linux): the case reports no thread figures.
    }
  }
}

/** Pids of every process below `root`, with the process's type (Chromium's --type=, else its name). */
function descendantsOf(root: number): Map<number, string> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(`/proc/${pid}/stat`);
    if (stat) parents.set(pid, stat.parent);
  }
  const found = new Map<number, string>();
  for (const pid of parents.keys()) {
    let up = parents.get(pid);
    while (up !== undefined && up !== root && up > 1) up = parents.get(up);
    if (up === root) found.set(pid, processType(pid));
  }
  return found;
}

/** CPU seconds of every thread of the given processes, each with its group ("process-type thread-name"). */
function threadSeconds(processes: Map<number, string>): CpuSample['threads'] {
  const threads: CpuSample['threads'] = new Map();
  for (const [pid, type] of processes) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
      if (!stat) continue;
      const name = tid === String(pid) ? 'main' : threadGroupName(stat.name);
      threads.set(`${pid}/${tid}`, { group: `${type} ${name}`, seconds: stat.ticks / TICKS_PER_SECOND });
    }
  }
  return threads;
}

/** Thread names with a number (ThreadPoolForeg, "DedicatedWorker th") grouped without it. */
function threadGroupName(name: string): string {
  return name.replace(/\d+$/, '').trim();
}

/** Chromium rewrites its processes' command lines (no --type= left), so the kind is told by the flags that remain. */
function processType(pid: number): string {
  let line: string;
  try {
    line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return 'process';
  }
  if (line.includes('--renderer-client-id')) return 'renderer';
  if (line.includes('--gpu-preferences')) return 'gpu';
  if (line.includes('--utility-sub-type') || line.includes('--type=utility')) return 'utility';
  if (line.includes('chromium') || line.includes('chrome')) return 'browser';
  return line.split(' ')[0].split('/').pop() || 'process';
}

/** A /proc stat line's thread name, parent pid and CPU ticks (user + system); null when gone or unreadable. */
function readStat(path: string): { name: string; parent: number; ticks: number } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = text.slice(close + 2).split(' ');
  // After the name: state(0) ppid(1) ... utime(11) stime(12).
  return { name: text.slice(open + 1, close), parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
