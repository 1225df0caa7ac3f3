// `chatterbox sim` as a user runs it: through the real bin, checking output, determinism and exit codes.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function chatterbox(...args: string[]) {
  const run = spawnSync(process.execPath, ['bin/chatterbox.js', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('chatterbox sim', () => {
  it('prints one agreed JSON result, identical on every run', () => {
    const args = ['sim', '--nodes', '5', '--send-for', '3', '--wait-for', '1', '--with-seed', '7', '--json'];
    const first = chatterbox(...args);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ agree: true, violations: 0, spread: 0 });
    expect(report.nodes).toHaveLength(5);
    expect(new Set(report.nodes.map((n: { count: number }) => n.count)).size).toBe(1);
    expect(report.nodes[0].count).toBeGreaterThan(0);
    expect(Object.keys(report.latencyMs)).toEqual(['p0', 'p50', 'p95', 'p99', 'p100']);
    expect(chatterbox(...args).stdout).toBe(first.stdout);
  });

  it('prints a line per node and a summary', () => {
    const run = chatterbox('sim', '--nodes', '2', '--send-for', '0.5', '--wait-for', '0.5');
    expect(run.stdout).toMatch(/^n1 \(\d+, \d+\.\d{10}\)\nn2 \(\d+, \d+\.\d{10}\)\nagree: /);
  });

  it('runs fault scenarios and reports violations and failures', () => {
    const run = chatterbox('sim', '--nodes', '5', '--scenarios', '200', '--loss', '0.3', '--dup', '0.1', '--partitions', '--crash', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ scenarios: 200, violations: 0, failures: [] });
  });

  it.each([
    [['--send-for', '-1'], '--send-for must be at least 0'],
    [['--nodes', '0'], '--nodes 0 is out of range: must be from 1 to 256'],
    [['--with-seed', '0x10'], '--with-seed must be a decimal integer from 0 to 9007199254740991, got "0x10"'],
    [['--with-seed', '9007199254740992'], '--with-seed 9007199254740992 is out of range: must be from 0 to 9007199254740991'],
    [['--loss', '1.5'], '--loss must be at most 1'],
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['--window', '2.5'], '--window must be a decimal integer from 1 to 1024, got "2.5"'],
    [['--delay', 'gamma'], '--delay must be one of constant, uniform, exponential'],
    [['--nodes'], '--nodes needs a value'],
  ])('rejects %j with one line and exit code 2', (flags, message) => {
    const run = chatterbox('sim', ...flags);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });

  it.each(['constant', 'uniform', 'exponential'])('refuses --latency 0 with %s delays, saying why, instead of hanging', (delay) => {
    const run = chatterbox('sim', '--latency', '0', '--delay', delay, '--nodes', '2', '--send-for', '0.1', '--wait-for', '0.1');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--latency must be at least 0.001 ms');
    expect(run.stderr).toContain('virtual clock');
  });

  it('runs the smallest latency it accepts (1 µs links) to the end', () => {
    const run = chatterbox('sim', '--latency', '0.001', '--delay', 'constant', '--nodes', '2', '--send-for', '0.001', '--wait-for', '0.001', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ agree: true, violations: 0 });
  });

  it('answers --help for the command and for sim', () => {
    expect(chatterbox('--help')).toMatchObject({ code: 0 });
    expect(chatterbox('--help').stdout).toContain('sim');
    expect(chatterbox('sim', '--help').stdout).toContain('--partitions');
  });
});
