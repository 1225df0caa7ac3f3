// The mesh says why it ignores a signal (glare, a stale attempt, a stranger, a malformed payload),
// and takes an offer or answer only when it is signed by the key it holds for the sender.

import { beforeAll, describe, expect, it } from 'vitest';
import { Emitter } from '../../src/net/emitter';
import { Mesh, type MeshPeer } from '../../src/net/mesh';
import type { SignalingClient } from '../../src/net/signaling-client';
import type { Timers } from '../../src/net/timers';
import { createIdentity, descriptionProofText, signText, type Identity } from '../../src/signaling';

class FakeSignaling extends Emitter<{ signal: { from: string; data: Record<string, unknown> } }> {
  readonly sent: unknown[] = [];
  send(message: unknown): boolean {
    this.sent.push(message);
    return true;
  }
  deliver(from: string, data: Record<string, unknown>): void {
    this.emit('signal', { from, data });
  }
}

/** What the mesh's peers said through their events (the last peer's handler per event). */
const peerHandlers = new Map<string, (value: unknown) => void>();

/** A stand-in for a connection (simple-peer's surface): records the signals it is given, and the mesh's event handlers. */
function fakePeer(signals: unknown[]): MeshPeer {
  const channel = { readyState: 'connecting', bufferedAmount: 0, close: () => undefined };
  return {
    _pc: { createDataChannel: () => channel },
    on: (event: string, handler: (value: unknown) => void) => peerHandlers.set(event, handler),
    signal: (data: unknown) => signals.push(data),
    removeAllListeners: () => undefined,
    destroy: () => undefined,
  } as unknown as MeshPeer;
}

const ROOM = 'r';
const keys: Record<string, Identity> = {};
beforeAll(async () => {
  for (const id of ['a', 'b', 'impostor']) keys[id] = await createIdentity();
});

/** Lets the mesh verify what it was given (signatures are checked asynchronously, in order). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

interface TestMesh {
  signaling: FakeSignaling;
  logs: string[];
  signals: unknown[];
  refusals: string[];
  attempt: () => number;
}

/** A mesh of members a and b, as `self`, that trusts each member's key from `keys` (its offer made, if it offers). */
async function mesh(self: string, timers?: Timers): Promise<TestMesh> {
  const signaling = new FakeSignaling();
  const logs: string[] = [];
  const signals: unknown[] = [];
  const refusals: string[] = [];
  const m = new Mesh({
    self,
    room: ROOM,
    identity: Promise.resolve(keys[self]),
    trustedKey: (peer) => (peer === 'a' || peer === 'b' ? keys[peer].fingerprint : null),
    signaling: signaling as unknown as SignalingClient,
    createPeer: () => fakePeer(signals),
    iceServers: [],
    log: (line) => logs.push(line),
    ...(timers ? { timers } : {}),
  });
  m.on('refused', ({ peer, reason }) => refusals.push(`${peer}: ${reason}`));
  let attempt = 0;
  m.on('channel', (c) => (attempt = c.attempt));
  m.setMembers(['a', 'b']);
  await settle(); // the offerer creates its connection on its next turn
  return { signaling, logs, signals, refusals, attempt: () => attempt };
}

/** A description from `from` to `to`, signed with `signer`'s key. */
async function signed(signer: Identity, from: string, to: string, attempt: number, type: 'offer' | 'answer', sdp = 'v=0'): Promise<Record<string, unknown>> {
  const sig = await signText(signer, descriptionProofText(ROOM, from, to, attempt, type, sdp));
  return { attempt, signal: { type, sdp }, key: signer.key, sig };
}


describe('mesh signals', () => {
  it('relays UDP candidates and leaves out TCP ones (docs/SIGNALING.md, "ICE")', async () => {
    const a = await mesh('a'); // a offers to b: its peer's signals go out
    const candidate = (line: string) => ({ type: 'candidate', candidate: { candidate: line, sdpMLineIndex: 0, sdpMid: '0' } });
    peerHandlers.get('signal')!(candidate('candidate:1 1 tcp 1518214911 192.0.2.2 47565 typ host tcptype passive'));
    peerHandlers.get('signal')!(candidate('candidate:2 1 udp 2122194687 192.0.2.2 43003 typ host'));
    await settle();
    const relayed = a.signaling.sent.map((m) => JSON.stringify(m));
    expect(relayed.filter((m) => m.includes(' tcp '))).toEqual([]);
    expect(relayed.filter((m) => m.includes(' udp '))).toHaveLength(1);
  });

  it('the higher id follows a new signed offer; the lower id logs an offer it did not ask for (glare)', async () => {
    const b = await mesh('b');
    b.signaling.deliver('a', await signed(keys.a, 'a', 'b', 7, 'offer'));
    await settle();
    expect(b.signals).toEqual([{ type: 'offer', sdp: 'v=0' }]);
    expect(b.attempt()).toBe(7);
    const a = await mesh('a');
    a.signaling.deliver('b', await signed(keys.b, 'b', 'a', 9, 'offer'));
    await settle();
    expect(a.signals).toEqual([]);
    expect(a.logs).toEqual(['mesh: ignored a signal from b: an offer, but a offers on this link (its id sorts first)']);
  });

  it('logs a stale attempt, a stranger, and data that signal-data.json refuses, saying why', async () => {
    const a = await mesh('a');
    a.signaling.deliver('b', await signed(keys.b, 'b', 'a', a.attempt() + 1, 'answer'));
    a.signaling.deliver('zed', { attempt: 1, signal: { type: 'candidate', candidate: { candidate: '' } } });
    a.signaling.deliver('b', { attempt: 'one', signal: { type: 'candidate', candidate: { candidate: '' } } });
    a.signaling.deliver('b', { attempt: a.attempt(), signal: 'answer' });
    a.signaling.deliver('b', { type: 'answer', sdp: 'v=0' }); // the signal without its {attempt, signal} envelope
    await settle();
    expect(a.signals).toEqual([]);
    // in order per sender (b's answer is verified before its next signals are looked at)
    expect(a.logs.filter((line) => !line.includes('from zed'))).toEqual([
      `mesh: ignored a signal from b: attempt ${a.attempt() + 1} is not the current one (${a.attempt()})`,
      'mesh: ignored a signal from b: signal.data.attempt must be an integer',
      'mesh: ignored a signal from b: signal.data.signal must be an object',
      'mesh: ignored a signal from b: signal.data.attempt is missing',
    ]);
    expect(a.logs.filter((line) => line.includes('from zed'))).toEqual(['mesh: ignored a signal from zed: not a member of this room (yet)']);
    a.signaling.deliver('b', await signed(keys.b, 'b', 'a', a.attempt(), 'answer'));
    await settle();
    expect(a.signals).toEqual([{ type: 'answer', sdp: 'v=0' }]);
  });

  it('gives up an answered attempt whose channel never opens after 60 s, and offers anew (the answerer may have lost it)', async () => {
    const minuteIn300Ms: Timers = { set: (fn, ms) => setTimeout(fn, ms >= 60_000 ? 300 : ms), clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) };
    const a = await mesh('a', minuteIn300Ms);
    const first = a.attempt();
    a.signaling.deliver('b', await signed(keys.b, 'b', 'a', first, 'answer'));
    await settle();
    expect(a.signals).toEqual([{ type: 'answer', sdp: 'v=0' }]); // answered, then nothing: ICE keeps checking
    await new Promise((resolve) => setTimeout(resolve, 1000)); // 60 s (here 300 ms), then the 0.5 s retry delay
    expect(a.logs).toContain('mesh: link to b lost (not open within 60 s)');
    expect(a.attempt()).not.toBe(first);
  });

  it('refuses an offer signed by another key than the sender\'s, or unsigned, or signed for another receiver, and says so once per key', async () => {
    const b = await mesh('b');
    b.signaling.deliver('a', await signed(keys.impostor, 'a', 'b', 5, 'offer'));
    b.signaling.deliver('a', await signed(keys.impostor, 'a', 'b', 6, 'offer'));
    b.signaling.deliver('a', { attempt: 7, signal: { type: 'offer', sdp: 'v=0' } });
    const forSomeoneElse = await signed(keys.a, 'a', 'c', 8, 'offer');
    b.signaling.deliver('a', forSomeoneElse);
    await settle();
    expect(b.signals).toEqual([]); // no connection follows any of them
    expect(b.attempt()).toBe(0);
    expect(b.refusals).toEqual([
      `a: its offer is signed by key ${keys.impostor.fingerprint.slice(0, 16)}…, but a's key is ${keys.a.fingerprint.slice(0, 16)}…`,
      'a: the signature of its offer does not verify',
    ]);
    expect(b.logs.filter((line) => line.startsWith('mesh: refused a connection from a'))).toHaveLength(3);
  });

  it('a candidate that arrives while its offer is being verified is applied after the offer', async () => {
    const b = await mesh('b');
    b.signaling.deliver('a', await signed(keys.a, 'a', 'b', 11, 'offer', 'v=0 real'));
    b.signaling.deliver('a', { attempt: 11, signal: { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host' } } });
    await settle();
    expect(b.signals).toEqual([{ type: 'offer', sdp: 'v=0 real' }, { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host' } }]);
  });
});

describe('mesh offers', () => {
  it('has at most 8 of its own offers connecting at once; the next goes out when one opens', async () => {
    const channels: { peer: string; attempt: number }[] = [];
    const peers = Array.from({ length: 12 }, (_, i) => `b${String(i).padStart(2, '0')}`);
    const m = new Mesh({
      self: 'a',
      room: ROOM,
      identity: Promise.resolve(keys.a),
      trustedKey: () => null,
      signaling: new FakeSignaling() as unknown as SignalingClient,
      createPeer: () => fakePeer([]),
      iceServers: [],
    });
    m.on('channel', ({ peer, attempt }) => channels.push({ peer, attempt }));
    m.setMembers(['a', ...peers]);
    await settle();
    expect(channels.map((c) => c.peer)).toEqual(peers.slice(0, 8));
    m.channelOpen(channels[2].peer, channels[2].attempt);
    await settle();
    expect(channels.map((c) => c.peer)).toEqual(peers.slice(0, 9));
    m.destroy();
  });
});
