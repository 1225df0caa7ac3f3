// The conformance harness, `chatterbox cluster --external`, against the second implementation in test/support/other-node.js.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CASES, checkCut } from '../../src/cli/conformance';
import type { ChildRun } from '../support/cli-process';

const OTHER_NODE = 'node test/support/other-node.js';

function chatterbox(...args: string[]): Promise<ChildRun> {
  const child = spawn(process.execPath, ['bin/chatterbox.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

interface Row {
  case: string;
  external: string;
  count: number | null;
  checksum: string | null;
  agree: boolean;
  problems: string[];
}

function report(run: ChildRun): { cases: Row[]; agree: boolean } {
  return JSON.parse(run.stdout);
}

describe('chatterbox cluster --external', () => {
  it('runs the whole matrix with the second implementation, and every case agrees with our traces', async () => {
    const run = await chatterbox('cluster', '--nodes', '2', '--external', OTHER_NODE, '--json');
    const { cases, agree } = report(run);
    expect(cases.map((row) => row.case)).toEqual(CASES.map((c) => c.name));
    for (const row of cases) {
      expect(row.problems, row.case).toEqual([]);
      expect(row.count, row.case).toBeGreaterThan(0);
      expect(row.checksum, row.case).toMatch(/^\d+\.\d{10}$/);
    }
    expect(new Set(cases.map((row) => row.external))).toEqual(new Set(['a-ext', 'z-ext', 'n1-ext']));
    expect(agree).toBe(true);
    expect(run.code, run.stderr).toBe(0);
  }, 240_000);

  it('fails when the external node prints a checksum that its run does not give, although its RESULT frames were right', async () => {
    const run = await chatterbox('cluster', '--nodes', '2', '--external', `${OTHER_NODE} --fault checksum`, '--case', 'w4-highest');
    expect(run.code, run.stderr).toBe(1);
    const table = run.stdout.split('\n');
    expect(table.find((line) => line.startsWith('w4-highest '))).toMatch(/\sNO\s/);
    expect(run.stdout).toMatch(/w4-highest: z-ext printed \(\d+, \d+\.\d{10}\); the traces give \(\d+, \d+\.\d{10}\)/);
    expect(run.stdout).not.toMatch(/n[12] printed/);
    expect(run.stdout).toContain('conformance: 1 of 1 cases DISAGREE');
  }, 120_000);

  it('fails when the external node sends values that are not value(seed, id, seq)', async () => {
    const run = await chatterbox('cluster', '--nodes', '2', '--external', `${OTHER_NODE} --fault value`, '--case', 'w1-lowest', '--wait-for', '1', '--json');
    expect(run.code, run.stderr).toBe(1);
    const [row] = report(run).cases;
    expect(row.agree).toBe(false);
    expect(row.problems).toContain('n1 got forged values from a-ext');
    expect(row.problems.some((problem) => problem.startsWith('a-ext exited 4'))).toBe(true);
  }, 120_000);

  it('takes our own node as the external one', async () => {
    const run = await chatterbox('cluster', '--nodes', '2', '--external', 'node bin/chatterbox.js node', '--case', 'w4-middle', '--json');
    expect(report(run).cases[0]).toMatchObject({ case: 'w4-middle', external: 'n1-ext', agree: true, problems: [] });
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);

  it.each([
    [['--case', 'w1-lowest'], '--case needs --external'],
    [['--external', OTHER_NODE, '--case', 'w2'], '--case: no case w2; the cases are'],
    [['--external', OTHER_NODE, '--window', '4'], '--window does not go with --external'],
    [['--external', ' '], '--external must not be empty'],
    [['--external', "node 'x"], '--external has an unmatched quote'],
    [['--external', OTHER_NODE, '--nodes', '32'], '--nodes with --external must be at most 31'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const run = await chatterbox('cluster', ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('the cut check', () => {
  const window = { cutAtMs: 1000, healedAtMs: 1400 };
  const received = (ms: number[]) => ms.map((t) => JSON.stringify({ t: t * 1000, node: 'n1', ev: 'recv', from: 'z-ext', frame: { kind: 'ack' } })).join('\n');

  it('passes when nothing came from the external node for most of the cut', () => {
    expect(checkCut(received([990, 1010, 1390, 1410]), 'n1', 'z-ext', window)).toEqual([]);
  });

  it('fails when frames kept arriving across the cut', () => {
    const steady = Array.from({ length: 60 }, (_, i) => 950 + i * 10);
    expect(checkCut(received(steady), 'n1', 'z-ext', window)).toEqual(['the cut of z-ext–n1 (400 ms) did not show: n1 kept receiving from z-ext (longest gap 10 ms)']);
  });
});
