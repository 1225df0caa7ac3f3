// `chatterbox cluster` as a user runs it: real node processes on a loopback signaling server.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'chatterbox-cluster-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function chatterbox(...args: string[]) {
  const run = spawnSync(process.execPath, ['bin/chatterbox.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('chatterbox cluster', () => {
  it('--trace-dir creates a missing folder and writes every node\'s trace into it', () => {
    const traceDir = path.join(tmp, 'not', 'there', 'yet');
    const run = chatterbox('cluster', '--nodes', '1', '--send-for', '0.3', '--wait-for', '0.3', '--trace-dir', traceDir, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ agree: true, nodes: [{ id: 'n1' }] });
    const trace = path.join(traceDir, 'n1.jsonl');
    expect(existsSync(trace)).toBe(true);
    const records = readFileSync(trace, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(records.find((record) => record.ev === 'result')).toMatchObject({ count: JSON.parse(run.stdout).nodes[0].count });
  });
});

describe('chatterbox node', () => {
  it('refuses a --trace file in a missing folder up front, with exit code 2', () => {
    const trace = path.join(tmp, 'missing', 'n1.jsonl');
    const run = chatterbox('node', '--trace', trace);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`chatterbox node: --trace ${trace}: the folder ${path.dirname(trace)} does not exist (try chatterbox node --help)`);
  });
});
