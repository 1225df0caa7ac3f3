// Attacks on trust, played against the real server and real nodes (CLI processes over WebRTC): an
// impostor that takes a member's id after a signaling restart, and a member that starts a run for
// others with its own params. The honest run completes and agrees; the attacker gets nothing.

import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSignalingServer, type SignalingServer } from '../../signaling-server/server';
import { nodePeerFactory, nodeWebSocket } from '../../src/net/node-transport';
import { microsecondClock } from '../../src/runtime/clock';
import { Session } from '../../src/runtime/session';
import type { CancelledNotice, StartNotice } from '../../src/signaling';
import { randomRoom, runNodeProcess, type ChildRun } from '../support/cli-process';
import { waitFor } from './helpers';

const RESULT_LINE = /^\(\d+, \d+\.\d{10}\)\n$/;

/** A member in this process with a key of its own (an attacker, here). */
function memberSession(url: string, room: string, id: string): Session {
  return new Session({ signalUrl: url, room, role: 'member', id, connect: nodeWebSocket, createPeer: nodePeerFactory(), clock: microsecondClock() });
}

describe('trust', () => {
  it('after a signaling restart an impostor rejoins first as n1: n2 and n3 refuse it, the real n1 runs on, and the run completes and agrees', async () => {
    const first = await createSignalingServer({ port: 0, host: '127.0.0.1' });
    const room = randomRoom();
    const args = ['--signal', first.url, '--room', room, '--expect', '3', '--send-for', '4', '--wait-for', '2', '--verbose'];
    let second: SignalingServer | null = null;
    let impostor: Session | null = null;
    let restart: Promise<void> | null = null;
    const sending = new Set<string>();
    // Once all three are sending, the server restarts and the impostor joins it before anyone else.
    const watch = (id: string) => (stderr: string): void => {
      if (stderr.includes('phase sending')) sending.add(id);
      if (sending.size < 3 || restart) return;
      restart = (async () => {
        await first.close();
        second = await createSignalingServer({ port: first.port, host: '127.0.0.1' });
        impostor = memberSession(second.url, room, 'n1');
      })();
    };
    const runs: ChildRun[] = await Promise.all(['n1', 'n2', 'n3'].map((id) => runNodeProcess([...args, '--id', id], watch(id))));
    await restart;
    const impostorWelcomed = impostor!.id === 'n1' && impostor!.signaling.status === 'open';
    impostor!.close();
    await second!.close();
    const [n1, n2, n3] = runs;
    expect(impostorWelcomed).toBe(true); // it did hold n1 on the new server
    for (const run of runs) {
      expect(run.code, run.stderr.slice(-2000)).toBe(0);
      expect(run.stdout).toMatch(RESULT_LINE);
      expect(run.stdout).toBe(n1.stdout);
      expect(run.stderr).toContain('cluster agrees: 3 of 3 results equal');
    }
    for (const run of [n2, n3]) {
      const refusals = run.stderr.split('\n').filter((line) => line.startsWith('refused a connection from n1'));
      expect(refusals).toHaveLength(1); // logged once, with the reason
      expect(refusals[0]).toMatch(/^refused a connection from n1: its offer is signed by key [0-9a-f]{16}…, but n1's key is [0-9a-f]{16}…$/);
    }
    expect(n1.stderr).toMatch(/signaling: duplicate-id: n1 is bound to another key in room \S+ .*; the run goes on over its data channels, and this node tries to join again/);
  });

  it('a member proposes a run for a subset with its own seed: the member whose flags it contradicts declines, nothing runs, and the honest run afterwards agrees', async () => {
    const server = await createSignalingServer({ port: 0, host: '127.0.0.1' });
    const room = randomRoom();
    const dir = mkdtempSync(path.join(tmpdir(), 'chatterbox-'));
    const peers = path.join(dir, 'peers.json');
    writeFileSync(peers, JSON.stringify(['n1', 'n2']));
    const common = ['--signal', server.url, '--room', room, '--peer-config-file', peers, '--with-seed', '5', '--send-for', '0.5', '--wait-for', '1'];
    const honestN1 = runNodeProcess([...common, '--id', 'n1']);
    const attacker = memberSession(server.url, room, 'z9');
    const attackerRuns: string[] = [];
    attacker.on('run', ({ notice }) => attackerRuns.push(notice.runId));
    // the proposal's outcome: cancelled, or (what must not happen) a start
    const cancelled = new Promise<CancelledNotice | StartNotice>((resolve) => {
      attacker.on('cancelled', resolve);
      attacker.on('start', resolve);
    });
    await waitFor(() => attacker.connectedPeers().includes('n1') && Boolean(attacker.roster?.members.find((m) => m.id === 'n1')?.connected.includes('z9')), 20_000, 'the attacker connected to n1');
    attacker.requestStart({ sendForMs: 500, waitForMs: 1000, seed: 99, tickMs: 100, window: 1 }, ['n1', 'z9']); // n1's params but the seed
    const refusal = await cancelled;
    const honestN2 = runNodeProcess([...common, '--id', 'n2']);
    const [n1, n2] = await Promise.all([honestN1, honestN2]);
    attacker.close();
    await server.close();
    expect(refusal).toMatchObject({ type: 'cancelled', cause: 'declined', by: 'n1' });
    expect((refusal as CancelledNotice).reason).toBe('n1 declined: its own flags --with-seed 5 (the run asks for 99); the run names n1, z9, but --peer-config-file lists n1, n2');
    expect(n1.stderr).toContain(`declined z9's run ${refusal.runId}: its own flags --with-seed 5 (the run asks for 99)`);
    expect(attackerRuns).toEqual([]); // nothing ran without n1's consent
    for (const run of [n1, n2]) expect(run.code, run.stderr).toBe(0);
    expect(n2.stdout).toBe(n1.stdout);
    expect(n1.stderr).toContain('cluster agrees: 2 of 2 results equal');
    expect(n2.stderr).toMatch(/accepted n1's run \S+: members n1, n2; seed 5/);
  });
});
