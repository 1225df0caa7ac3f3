// Headless nodes as separate processes: the CLI's result line, a killed node, exit codes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalingServer } from '../../signaling-server/server';
import { randomRoom, runNodeProcess, startServer } from './helpers';

let server: SignalingServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const RESULT_LINE = /^\(\d+, \d+\.\d{10}\)\n$/;

describe('chatterbox node', () => {
  it('two nodes with --expect 2 print the same result line and exit 0', async () => {
    const room = randomRoom();
    const args = ['--signal', server.url, '--room', room, '--expect', '2', '--with-seed', '5', '--send-for', '1', '--wait-for', '1'];
    const [one, two] = await Promise.all([runNodeProcess(args), runNodeProcess(args)]);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(one.stdout).toMatch(RESULT_LINE);
    expect(two.stdout).toBe(one.stdout);
    expect(one.stderr).toContain('cluster agrees');
  });

  it('a node killed mid-run: the survivors name it and exit with the stalled code', async () => {
    const room = randomRoom();
    const common = ['--signal', server.url, '--room', room, '--expect', '3', '--send-for', '2', '--wait-for', '1'];
    let killing = false;
    const killMidRun = (stderr: string, kill: () => void): void => {
      if (killing || !stderr.includes('phase sending')) return;
      killing = true;
      setTimeout(kill, 500);
    };
    const victim = runNodeProcess([...common, '--id', 'n3', '--verbose'], killMidRun);
    const survivors = [runNodeProcess([...common, '--id', 'n1']), runNodeProcess([...common, '--id', 'n2'])];
    const [first, second] = await Promise.all(survivors);
    await victim;
    for (const run of [first, second]) {
      expect(run.code, run.stderr).toBe(4);
      expect(run.stdout).toMatch(RESULT_LINE);
      expect(run.stderr).toMatch(/stalled: no ack from n3/);
    }
  });

  it('rejects bad flags with exit code 2 and says which', async () => {
    const run = await runNodeProcess(['--expect', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--expect must be at least 1');
  });

  it('cannot connect to a missing signaling server: exit code 3', async () => {
    const run = await runNodeProcess(['--signal', 'ws://127.0.0.1:9', '--connect-timeout', '2']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('could not connect to the signaling server');
  });
});
