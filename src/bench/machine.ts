// The machine a bench ran on: CPUs, memory, Node and Chromium versions, date.

import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  chromium: string | null;
  platform: string;
  /** One-minute load average when the bench started (other processes share the machine). */
  loadAverage: number;
  date: string;
}

export function describeMachine(): Machine {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    chromium: chromiumVersion(),
    platform: `${process.platform} ${process.arch}`,
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
    date: new Date().toISOString(),
  };
}

/** The system Chromium: $CHROMIUM_PATH or Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

function chromiumVersion(): string | null {
  const run = spawnSync(chromiumPath(), ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return run.stdout?.match(/Chromium [\d.]+/)?.[0] ?? null;
}
