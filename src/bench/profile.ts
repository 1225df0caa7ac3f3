// Summarizes V8 CPU profiles (node --cpu-prof): the functions with the most self time, idle excluded.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  /** `name file:line`, the file shortened to its last two path segments. */
  function: string;
  /** Share of the busy (non-idle) samples, in percent. */
  busyPercent: number;
}

export interface ProfileSummary {
  profiles: number;
  /** Share of the sampled time the main threads were busy, in percent. */
  busyPercent: number;
  top: HotFunction[];
}

export function summarizeProfiles(dir: string, topN: number): ProfileSummary {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const self = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const names = new Map(profile.nodes.map((n) => [n.id, frameName(n.callFrame)]));
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      const name = names.get(id)!;
      total += delta;
      if (name.startsWith('(idle)')) idle += delta;
      else self.set(name, (self.get(name) ?? 0) + delta);
    });
  }
  const busy = total - idle;
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([name, time]) => ({ function: name, busyPercent: percent(time, busy) }));
  return { profiles: files.length, busyPercent: percent(busy, total), top };
}

function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const file = frame.url.split('/').slice(-2).join('/');
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
}

function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}
