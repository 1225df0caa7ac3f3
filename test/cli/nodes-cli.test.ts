// Several nodes in one process (`chatterbox nodes`, and `chatterbox cluster --nodes-per-process`): each
// is still a full node with its own result line, the cluster agrees, and bad flags are refused up front.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignalingServer, type SignalingServer } from '../../signaling-server/server';
import type { ChildRun } from '../support/cli-process';
import { randomRoom } from '../support/cli-process';

function chatterbox(...args: string[]): Promise<ChildRun> {
  const child = spawn(process.execPath, ['bin/chatterbox.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const SHORT_RUN = ['--send-for', '0.5', '--wait-for', '1'];

let server: SignalingServer;
beforeAll(async () => {
  server = await createSignalingServer({ port: 0, host: '127.0.0.1' });
});
afterAll(() => server.close());

describe('chatterbox nodes', () => {
  it('runs three full nodes in one process: each prints its own result, labelled, and they agree', async () => {
    const room = randomRoom();
    const node = (id: string) => ['--node', `--signal ${server.url} --room ${room} --id ${id} --expect 3 --json ${SHORT_RUN.join(' ')}`];
    const run = await chatterbox('nodes', ...node('a'), ...node('b'), ...node('c'));
    expect(run.code, run.stderr).toBe(0);
    const results = run.stdout.trim().split('\n').map((line) => {
      const [, label, json] = /^\[(\w+)\] (.*)$/.exec(line)!;
      return { label, ...JSON.parse(json) };
    });
    expect(results.map((r) => [r.label, r.id]).sort()).toEqual([['a', 'a'], ['b', 'b'], ['c', 'c']]);
    expect(new Set(results.map((r) => `${r.count} ${r.checksum}`)).size).toBe(1);
    expect(results.every((r) => r.agree && r.nodesInProcess === 3)).toBe(true);
    for (const id of ['a', 'b', 'c']) expect(run.stderr).toContain(`[${id}] exit 0`);
  }, 60_000);

  it('checks every node\'s flags before any starts: exit 2 naming the --node', async () => {
    const cases: [string[], string][] = [
      [[], 'give at least one --node'],
      [['--node', '--id a', '--node', '--id a --expect 2'], 'two --node have the label a'],
      [['--node', '--id a', '--node', '--expect 0'], '--node 2: --expect 0 is out of range: must be from 1 to 64'],
      [['--node', "--room 'x"], "--node 1: --node has an unmatched quote"],
      [['--node', '--ice-ports 2000-1999'], '--node 1: --ice-ports must be MIN-MAX with 1024 <= MIN < MAX <= 65535'],
      [['--node', '--help'], '--node 1: --help belongs to chatterbox node --help'],
    ];
    for (const [args, message] of cases) {
      const run = await chatterbox('nodes', ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
    }
  }, 60_000);
});

describe('chatterbox cluster --nodes-per-process', () => {
  it('5 nodes, 2 to a process (3 processes), agree', async () => {
    const run = await chatterbox('cluster', '--nodes', '5', '--nodes-per-process', '2', ...SHORT_RUN, '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.agree).toBe(true);
    expect(result.nodes.map((n: { id: string }) => n.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
  }, 90_000);

  it('refuses bad values with exit code 2', async () => {
    const cases: [string[], string][] = [
      [['--nodes-per-process', '0'], '--nodes-per-process 0 is out of range: must be from 1 to 64'],
      [['--nodes-per-process', 'two'], '--nodes-per-process must be a decimal integer from 1 to 64, got "two"'],
      [['--nodes', '65'], '--nodes 65 is out of range: must be from 1 to 64'],
      [['--nodes-per-process', '2', '--external', 'node x.js'], '--nodes-per-process does not apply to --external'],
      [['--connect-timeout', '0'], '--connect-timeout must be at least 1, got 0'],
    ];
    for (const [args, message] of cases) {
      const run = await chatterbox('cluster', ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
    }
  });
});
