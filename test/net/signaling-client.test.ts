// The signaling client keeps its place: when the server goes away and comes back, it rejoins as itself.

import { describe, expect, it } from 'vitest';
import { createSignalingServer } from '../../signaling-server/server';
import { nodeWebSocket } from '../../src/net/node-transport';
import { SignalingClient } from '../../src/net/signaling-client';
import { createIdentity } from '../../src/signaling';
import { waitFor } from './helpers';

describe('signaling client', () => {
  it('reconnects after the server restarts and rejoins the room with the same id', async () => {
    const first = await createSignalingServer({ port: 0, host: '127.0.0.1' });
    const port = first.port;
    const client = new SignalingClient({ url: first.url, room: 'r', role: 'member', id: 'n1', identity: createIdentity(), connect: nodeWebSocket });
    const statuses: string[] = [];
    client.on('status', (s) => statuses.push(s));
    await waitFor(() => client.status === 'open', 5000, 'the first join');
    await first.close();
    await waitFor(() => client.status === 'reconnecting', 5000, 'the drop');
    const second = await createSignalingServer({ port, host: '127.0.0.1' });
    const rosters: string[][] = [];
    client.on('roster', (roster) => rosters.push(roster.members.map((m) => m.id)));
    await waitFor(() => client.status === 'open' && rosters.length > 0, 10_000, 'the rejoin');
    expect(client.id).toBe('n1');
    expect(rosters.at(-1)).toEqual(['n1']);
    expect(statuses).toEqual(['open', 'reconnecting', 'open']);
    client.close();
    await second.close();
  });
});
