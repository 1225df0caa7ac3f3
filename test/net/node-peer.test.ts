// A headless node's WebRTC connection (NodePeer on wrtc): two of them connect over trickle ICE and
// carry a message on a pre-negotiated channel, and with --ice-ports each connection binds only its own
// ports, in turn.

import { describe, expect, it } from 'vitest';
import type { MeshPeer, MeshSignal } from '../../src/net/mesh';
import { nodePeerFactory } from '../../src/net/node-transport';

/** The ports of the UDP candidates `peer` signals, until `count` came. */
function candidatePorts(peer: MeshPeer, count: number): Promise<number[]> {
  const ports: number[] = [];
  return new Promise((resolve) => {
    peer.on('signal', (signal: MeshSignal) => {
      if (signal.type !== 'candidate') return;
      const fields = signal.candidate.candidate.split(' ');
      if (fields[2] === 'udp') ports.push(Number(fields[5]));
      if (ports.length === count) resolve(ports);
    });
  });
}

/** Passes each side's signals to the other, as the signaling server would. */
function wire(a: MeshPeer, b: MeshPeer): void {
  a.on('signal', (signal: MeshSignal) => b.signal(signal));
  b.on('signal', (signal: MeshSignal) => a.signal(signal));
}

function channel(peer: MeshPeer): RTCDataChannel {
  return peer._pc.createDataChannel('frames', { negotiated: true, id: 64, ordered: true });
}

describe('NodePeer', () => {
  it('connects to another over trickle ICE, and the negotiated channel carries a message', async () => {
    const create = nodePeerFactory();
    const offerer = create({ initiator: true, trickle: true, config: { iceServers: [] } });
    const answerer = create({ initiator: false, trickle: true, config: { iceServers: [] } });
    const [sending, receiving] = [channel(offerer), channel(answerer)];
    wire(offerer, answerer);
    const received = new Promise<string>((resolve) => (receiving.onmessage = (event) => resolve(String(event.data))));
    await new Promise((resolve) => (sending.onopen = resolve));
    sending.send('hello');
    expect(await received).toBe('hello');
    offerer.destroy();
    answerer.destroy();
  }, 20_000);

  it('with a port range, each connection binds the next two ports and nothing else', async () => {
    const create = nodePeerFactory({ min: 31_200, max: 31_203 });
    const first = create({ initiator: true, trickle: true, config: { iceServers: [] } });
    channel(first);
    const second = create({ initiator: true, trickle: true, config: { iceServers: [] } });
    channel(second);
    const [firstPorts, secondPorts] = await Promise.all([candidatePorts(first, 2), candidatePorts(second, 2)]);
    for (const port of firstPorts) expect([31_200, 31_201]).toContain(port);
    for (const port of secondPorts) expect([31_202, 31_203]).toContain(port);
    first.destroy();
    second.destroy();
  }, 20_000);
});
