// The bench's CPU-by-thread sampler: a busy child process shows up under its own name, with the
// cores it used over the span; a span without samples gives no figure.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ThreadCpuSampler } from '../../src/bench/thread-cpu';

const onLinux = process.platform === 'linux';

describe.runIf(onLinux)('thread CPU sampler', () => {
  it('sees a busy child process, grouped by process and thread name', async () => {
    const sampler = new ThreadCpuSampler();
    const from = Date.now();
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 1500; while (Date.now() < end);'], { stdio: 'ignore' });
    await new Promise((resolve) => child.on('exit', resolve));
    sampler.stop();
    const cpu = sampler.between(from, Date.now());
    expect(cpu).not.toBeNull();
    const node = cpu!.groups.find((g) => g.group === 'node main');
    expect(node?.cores).toBeGreaterThan(0.05);
    expect(cpu!.totalCores).toBeGreaterThanOrEqual(node!.cores);
    expect(sampler.between(Date.now() + 10_000, Date.now() + 20_000)).toBeNull();
  });
});
