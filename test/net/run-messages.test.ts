// A busy node can read a proposal and the start of that run from its socket at once: it must still
// consent first and then start, not drop the start as one it never consented to.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalingServer } from '../../signaling-server/server';
import { nodePeerFactory, nodeWebSocket } from '../../src/net/node-transport';
import type { WebSocketFactory, WebSocketLike } from '../../src/net/signaling-client';
import { microsecondClock } from '../../src/runtime/clock';
import { Session } from '../../src/runtime/session';
import { randomRoom } from '../support/cli-process';
import { PARAMS, openSession, results, startServer, waitForMesh } from './helpers';

/**
 * The node's WebSocket, except that a `propose` is held back until the next message (the `start`)
 * and both are then handed over in one go, as ws does with two frames that came in one read.
 */
function proposeWithStart(): WebSocketFactory {
  return (url) => {
    const inner = nodeWebSocket(url);
    let held: { data: unknown } | null = null;
    const outer: WebSocketLike = {
      get readyState() {
        return inner.readyState;
      },
      send: (text) => inner.send(text),
      close: (code, reason) => inner.close(code, reason),
      onopen: null,
      onclose: null,
      onerror: null,
      onmessage: null,
    };
    inner.onopen = (event) => outer.onopen?.(event);
    inner.onclose = (event) => outer.onclose?.(event);
    inner.onerror = (event) => outer.onerror?.(event);
    inner.onmessage = (event) => {
      if (JSON.parse(String(event.data)).type === 'propose') {
        held = event;
        return;
      }
      if (held) outer.onmessage?.(held);
      held = null;
      outer.onmessage?.(event);
    };
    return outer;
  };
}

let server: SignalingServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('run messages', () => {
  it('a proposer that reads its proposal and the start together still runs', async () => {
    const room = randomRoom();
    const proposer = new Session({ signalUrl: server.url, room, role: 'member', id: 'a', connect: proposeWithStart(), createPeer: nodePeerFactory(), clock: microsecondClock() });
    const other = openSession(server.url, room, 'b');
    const members = [proposer, other];
    try {
      await waitForMesh(members);
      const done = results(members);
      proposer.requestStart({ ...PARAMS, sendForMs: 300, waitForMs: 1000 }, ['a', 'b']);
      const [mine, theirs] = await done;
      expect(mine.complete).toBe(true);
      expect(mine.count).toBe(theirs.count);
    } finally {
      for (const member of members) member.close();
    }
  }, 30_000);
});
