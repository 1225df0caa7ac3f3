// An attacker member forges DATA values to one victim, over real WebRTC through the real server:
// the victim rejects them and names the forger, and the honest members still agree.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalingServer } from '../../signaling-server/server';
import { decodeMessage, encodeFrame, type NodeResult } from '../../src/core';
import { nodePeerFactory, nodeWebSocket } from '../../src/net/node-transport';
import { microsecondClock } from '../../src/runtime/clock';
import { NodeHost } from '../../src/runtime/node-host';
import { Session } from '../../src/runtime/session';
import { randomRoom } from '../support/cli-process';
import { openSession, PARAMS, startServer, waitForMesh } from './helpers';

let server: SignalingServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

/** A member whose every DATA to `victim` carries its value plus one (well-formed frames, wrong values). */
function forger(room: string, id: string, victim: string): Session {
  const clock = microsecondClock();
  const host = new NodeHost({ clock });
  const send = host.plane.send.bind(host.plane);
  host.plane.send = (to, bytes) => {
    const frame = decodeMessage(bytes, id).frames[0];
    if (to !== victim || frame?.kind !== 'data') return send(to, bytes);
    send(to, encodeFrame({ ...frame, value: (frame.value % 10_000_000_000) + 1 }));
  };
  return new Session({ signalUrl: server.url, room, role: 'member', id, connect: nodeWebSocket, createPeer: nodePeerFactory(), clock, host });
}

function resultOf(session: Session, logs: string[]): Promise<NodeResult> {
  return new Promise((resolve) => {
    session.on('run', ({ runtime }) => {
      runtime.on('log', ({ message }) => logs.push(message));
      runtime.on('result', resolve);
    });
  });
}

describe('forged values', () => {
  it('the victim rejects DATA whose value is not value(seed, from, seq), logs it once, names the forger; the honest nodes agree', async () => {
    const room = randomRoom();
    const [a, b, m] = [openSession(server.url, room, 'a'), openSession(server.url, room, 'b'), forger(room, 'm', 'b')];
    await waitForMesh([a, b, m]);
    const logsA: string[] = [];
    const logsB: string[] = [];
    const results = Promise.all([resultOf(a, logsA), resultOf(b, logsB)]);
    a.requestStart({ ...PARAMS, sendForMs: 1000, waitForMs: 1500 });
    const [ofA, ofB] = await results;
    for (const session of [a, b, m]) session.close();
    expect(ofB.badValuesFrom).toEqual(['m']);
    expect(ofA.badValuesFrom).toEqual([]);
    expect(logsB.filter((line) => line.includes('carries value')).length).toBe(1);
    expect(logsB.find((line) => line.includes('carries value'))).toMatch(/^data m#1 carries value \d+, not value\(seed, m, 1\) = \d+: rejected/);
    expect(ofA.line).toBe(ofB.line); // nothing forged was committed anywhere: the honest members agree
    expect(ofA.count).toBeGreaterThan(10);
  });
});
