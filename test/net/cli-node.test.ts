// Headless nodes as separate processes: the CLI's result line, a killed node, exit codes.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SignalingServer } from '../../signaling-server/server';
import { randomRoom, runNodeProcess } from '../support/cli-process';
import { helloNonce, sendSignedJoin } from '../support/signed-join';
import { startServer } from './helpers';

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

  it('--expect 2 means two members reachable over WebRTC: a stranger that joins first as "a" and never connects is not waited for', async () => {
    const room = randomRoom();
    const stranger = new WebSocket(server.url);
    await sendSignedJoin(stranger, helloNonce(stranger), { room, role: 'member', id: 'a' });
    await new Promise((resolve) => stranger.on('message', (data) => String(data).includes('"welcome"') && resolve(null)));
    const args = ['--signal', server.url, '--room', room, '--expect', '2', '--send-for', '0.5', '--wait-for', '1', '--connect-timeout', '20'];
    const [one, two] = await Promise.all([runNodeProcess([...args, '--id', 'n1']), runNodeProcess([...args, '--id', 'n2'])]);
    stranger.close();
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  });

  it('a node whose own run flags contradict a proposed run declines it, both sides say why, and nothing runs', async () => {
    const room = randomRoom();
    const common = ['--signal', server.url, '--room', room, '--send-for', '0.5', '--wait-for', '1'];
    // a1 sorts first, so it proposes the run with its params; b2 asked for another seed and window
    const [proposer, decliner] = await Promise.all([
      runNodeProcess([...common, '--id', 'a1', '--expect', '2', '--with-seed', '6']),
      runNodeProcess([...common, '--id', 'b2', '--expect', '2', '--with-seed', '5', '--window', '4', '--connect-timeout', '6']),
    ]);
    expect(decliner.stderr).toMatch(/declined a1's run \S+: its own flags --with-seed 5 \(the run asks for 6\), --window 4 \(the run asks for 1\)/);
    expect(proposer.stderr).toMatch(/run \S+ was not started: b2 declined: its own flags --with-seed 5/);
    expect(proposer.code, proposer.stderr).toBe(3);
    expect(decliner.code, decliner.stderr).toBe(3);
    expect(proposer.stdout + decliner.stdout).toBe(''); // nothing ran
  });

  it('defaults are not contradictions: a node without run flags accepts the proposed run and says what it accepted', async () => {
    const room = randomRoom();
    const common = ['--signal', server.url, '--room', room, '--expect', '2'];
    const [proposer, joiner] = await Promise.all([
      runNodeProcess([...common, '--id', 'a1', '--with-seed', '6', '--send-for', '0.5', '--wait-for', '1']),
      runNodeProcess([...common, '--id', 'b2']),
    ]);
    expect(joiner.code, joiner.stderr).toBe(0);
    expect(joiner.stdout).toBe(proposer.stdout);
    expect(joiner.stderr).toMatch(/accepted a1's run \S+: members a1, b2; seed 6, window 1, send-for 0.5 s, wait-for 1 s, tick 100 ms/);
  });

  it('--peer-config-file starts exactly the listed members, and --trace records the run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chatterbox-'));
    const peers = path.join(dir, 'peers.json');
    const trace = path.join(dir, 'n1.jsonl');
    writeFileSync(peers, JSON.stringify(['n1', 'n2']));
    const common = ['--signal', server.url, '--room', randomRoom(), '--peer-config-file', peers, '--send-for', '0.5', '--wait-for', '1'];
    const [one, two] = await Promise.all([runNodeProcess([...common, '--id', 'n1', '--trace', trace]), runNodeProcess([...common, '--id', 'n2'])]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const records = readFileSync(trace, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(records[0]).toMatchObject({ ev: 'start', node: 'n1', members: ['n1', 'n2'] });
    const result = records.find((r) => r.ev === 'result');
    expect(`(${result.count}, ${result.checksum})\n`).toBe(one.stdout);
  });

  it('rejects a peer config that does not list the node', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chatterbox-'));
    const peers = path.join(dir, 'peers.json');
    writeFileSync(peers, JSON.stringify(['n1', 'n2']));
    const run = await runNodeProcess(['--peer-config-file', peers, '--id', 'n3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('does not list --id n3');
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

  it('--room-secret: a node with the wrong secret is refused at the door (exit 3, saying why)', async () => {
    const room = randomRoom();
    const owner = new WebSocket(server.url);
    await sendSignedJoin(owner, helloNonce(owner), { room, role: 'member', id: 'a', secret: 's3cret' });
    await new Promise((resolve) => owner.on('message', (data) => String(data).includes('"welcome"') && resolve(null)));
    const run = await runNodeProcess(['--signal', server.url, '--room', room, '--room-secret', 'guess', '--connect-timeout', '10']);
    owner.close();
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`signaling: forbidden: room ${room} needs its secret: join.secret is wrong`);
  });

  it('rejects bad flags with exit code 2 and says which', async () => {
    const run = await runNodeProcess(['--expect', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--expect 0 is out of range: must be from 1 to 64');
  });

  it('cannot connect to a missing signaling server: exit code 3', async () => {
    const run = await runNodeProcess(['--signal', 'ws://127.0.0.1:9', '--connect-timeout', '2']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('could not connect to the signaling server');
  });
});
