// Helpers for tests on the real network: a signaling server, in-process sessions, spawned CLI nodes.

import { createSignalingServer, type SignalingServer } from '../../signaling-server/server';
import type { NodeResult, RunParams } from '../../src/core';
import { nodePeerFactory, nodeWebSocket } from '../../src/net/node-transport';
import { microsecondClock } from '../../src/runtime/clock';
import { Session } from '../../src/runtime/session';

export const startServer = (): Promise<SignalingServer> => createSignalingServer({ port: 0, host: '127.0.0.1' });

export function openSession(url: string, room: string, id: string): Session {
  return new Session({ signalUrl: url, room, role: 'member', id, connect: nodeWebSocket, createPeer: nodePeerFactory(), clock: microsecondClock() });
}

export function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(check, 20);
    };
    check();
  });
}

/** Every session is connected to every other one (and the server knows it). */
export async function waitForMesh(sessions: Session[]): Promise<void> {
  const n = sessions.length;
  await waitFor(
    () => sessions.every((s) => s.connectedPeers().length === n - 1 && s.roster?.members.every((m) => m.connected.length === n - 1)),
    20_000,
    'the mesh',
  );
}

/** Resolves with each session's result once its run is done. */
export function results(sessions: Session[]): Promise<NodeResult[]> {
  return Promise.all(
    sessions.map(
      (s) =>
        new Promise<NodeResult>((resolve) => {
          s.on('run', ({ runtime }) => runtime.on('result', resolve));
        }),
    ),
  );
}

export const PARAMS: RunParams = { sendForMs: 1500, waitForMs: 1500, seed: 4, tickMs: 50, window: 1 };
