// The protocol on a real network: WebRTC data channels between in-process sessions (@roamhq/wrtc).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalingServer } from '../../signaling-server/server';
import type { NodeHost } from '../../src/runtime/node-host';
import type { Session } from '../../src/runtime/session';
import type { TraceRecord } from '../../src/runtime/trace';
import { randomRoom } from '../support/cli-process';
import { openSession, PARAMS, results, startServer, waitFor, waitForMesh } from './helpers';

let server: SignalingServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

async function cluster(ids: string[]): Promise<Session[]> {
  const room = randomRoom();
  const sessions = ids.map((id) => openSession(server.url, room, id));
  await waitForMesh(sessions);
  return sessions;
}

function closeAll(sessions: Session[]): void {
  for (const s of sessions) s.close();
}

describe('a real WebRTC mesh', () => {
  it('three nodes agree, and the same seed and ids give the same value stream', async () => {
    const streams: string[][] = [];
    for (let round = 0; round < 2; round += 1) {
      const sessions = await cluster(['a', 'b', 'c']);
      const commits: string[] = [];
      sessions[0].on('run', ({ runtime }) =>
        runtime.on('trace', (r: TraceRecord) => {
          if (r.ev === 'commit') commits.push(`${r.from}#${r.seq}=${r.value}`);
        }),
      );
      const done = results(sessions);
      expect(sessions[0].requestStart({ ...PARAMS, sendForMs: 800, waitForMs: 1000 })).toBe(true);
      const all = await done;
      closeAll(sessions);
      expect(new Set(all.map((r) => r.line)).size).toBe(1);
      expect(all.every((r) => r.complete)).toBe(true);
      expect(all[0].count).toBeGreaterThan(10);
      streams.push(commits.filter((c) => c.startsWith('a#')).slice(0, 10));
    }
    expect(streams[0]).toHaveLength(10);
    expect(streams[1]).toEqual(streams[0]);
  });

  it('a link cut mid-run stops acks on it; restored, the run ends in agreement', async () => {
    const sessions = await cluster(['a', 'b', 'c']);
    const [a, b] = sessions;
    const done = results(sessions);
    a.requestStart({ ...PARAMS, sendForMs: 2000, waitForMs: 2000 });
    await waitFor(() => (a.runtime?.committedCount() ?? 0) > 20, 5000, 'progress');
    a.shapeLink('a', 'b', { cut: true, lossPercent: 0, delayMs: 0 });
    const shaperOf = (s: Session) => (s.host as NodeHost).plane.shaper;
    await waitFor(() => shaperOf(a).get('b').cut && shaperOf(b).get('a').cut, 2000, 'the cut at both ends');
    const stalledAt = a.runtime!.committedCount();
    const serialAtCut = a.runtime!.highestSent();
    let framesFromB = 0;
    const stopCounting = a.runtime!.on('recv', ({ from }) => (framesFromB += from === 'b' ? 1 : 0));
    await new Promise((r) => setTimeout(r, 400));
    stopCounting();
    expect(framesFromB).toBe(0); // no acks (or anything else) cross the cut link
    expect(a.runtime!.highestSent()).toBe(serialAtCut); // so a cannot move on
    a.shapeLink('a', 'b', { cut: false, lossPercent: 0, delayMs: 0 });
    const all = await done;
    closeAll(sessions);
    expect(all.every((r) => r.complete)).toBe(true);
    expect(new Set(all.map((r) => r.line)).size).toBe(1);
    expect(all[0].count).toBeGreaterThan(stalledAt);
  });

  it('a data channel that closes mid-run is marked lost, reconnected, and the run still agrees', async () => {
    const sessions = await cluster(['a', 'b', 'c']);
    const [a, b] = sessions;
    const states: string[] = [];
    b.on('link', ({ peer, state }) => peer === 'a' && states.push(state));
    const traced: TraceRecord[] = [];
    b.on('run', ({ runtime }) => runtime.on('trace', (r) => r.ev === 'link' && traced.push(r)));
    const done = results(sessions);
    a.requestStart({ ...PARAMS, sendForMs: 2500, waitForMs: 2500 });
    await waitFor(() => (a.runtime?.committedCount() ?? 0) > 20, 5000, 'progress');
    const link = (a.mesh as unknown as { links: Map<string, { connection: { destroy(): void } }> }).links.get('b')!;
    link.connection.destroy(); // as if ICE failed: both ends see the channel close
    await waitFor(() => states.includes('lost') && a.mesh!.linkState('b') === 'open' && b.mesh!.linkState('a') === 'open', 10_000, 'the link to come back');
    const all = await done;
    closeAll(sessions);
    expect(states[0]).toBe('lost');
    expect(states.at(-1)).toBe('open');
    // b's trace shows the old channel gone (closed by the connection, or lost) and then the new one open
    const linkToA = traced.filter((r) => r.ev === 'link' && r.peer === 'a').map((r) => (r.ev === 'link' ? r.state : ''));
    expect(['closed', 'lost']).toContain(linkToA[0]);
    expect(linkToA.at(-1)).toBe('open');
    expect(all.every((r) => r.complete)).toBe(true);
    expect(new Set(all.map((r) => r.line)).size).toBe(1);
  });

  it('a member whose signaling reconnects mid-run keeps its data channels: the data plane does not follow the roster', async () => {
    const sessions = await cluster(['a', 'b', 'c']);
    const [a, b] = sessions;
    const states: string[] = [];
    a.on('link', ({ peer, state }) => peer === 'b' && states.push(state));
    const done = results(sessions);
    a.requestStart({ ...PARAMS, sendForMs: 2500, waitForMs: 2000 });
    await waitFor(() => (a.runtime?.committedCount() ?? 0) > 20, 5000, 'progress');
    const statuses: string[] = [];
    b.on('status', (status) => statuses.push(status));
    (b.signaling as unknown as { socket: { close(): void } }).socket.close(); // b's signaling drops; the server drops b from the roster
    await waitFor(() => statuses.includes('open'), 10_000, "b's signaling to come back");
    const all = await done;
    closeAll(sessions);
    expect(statuses[0]).toBe('reconnecting');
    expect(states).toEqual([]); // a's channel to b stayed open throughout
    expect(all.every((r) => r.complete)).toBe(true);
    expect(new Set(all.map((r) => r.line)).size).toBe(1);
  });

  it('exchanges results at the end so each node knows whether the cluster agrees, and traces every frame kind', async () => {
    const sessions = await cluster(['x', 'y']);
    const kinds = new Set<string>();
    const batches: number[] = [];
    sessions[0].on('run', ({ runtime }) =>
      runtime.on('trace', (r) => {
        if (r.ev === 'send' || r.ev === 'recv') kinds.add(`${r.ev} ${r.frame.kind}`);
        if (r.ev === 'batch') batches.push(r.frames);
      }),
    );
    const done = results(sessions);
    sessions[1].requestStart({ ...PARAMS, sendForMs: 1300, waitForMs: 1000, window: 8 });
    await done;
    await waitFor(() => sessions.every((s) => s.runtime!.results.size === 2), 3000, 'results from every member');
    // RESULT, and the PING/PONG probes (one a second), are in the trace like DATA, ACK and FIN
    for (const kind of ['data', 'ack', 'fin', 'result', 'ping', 'pong']) {
      expect(kinds).toContain(`send ${kind}`);
      expect(kinds).toContain(`recv ${kind}`);
    }
    // with a window of 8, frames to one peer leave together: the trace says how many per batch
    expect(batches.length).toBeGreaterThan(0);
    expect(Math.min(...batches)).toBeGreaterThanOrEqual(2);
    const [x] = sessions;
    expect(x.runtime!.results.get('y')).toEqual(x.runtime!.results.get('x'));
    closeAll(sessions);
  });
});
