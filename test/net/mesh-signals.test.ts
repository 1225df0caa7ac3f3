// The mesh says why it ignores a signal: glare, a stale attempt, a stranger, a malformed payload.

import { describe, expect, it } from 'vitest';
import type SimplePeer from 'simple-peer';
import { Emitter } from '../../src/net/emitter';
import { Mesh } from '../../src/net/mesh';
import type { SignalingClient } from '../../src/net/signaling-client';

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

/** A stand-in for simple-peer: records the signals it is given. */
function fakePeer(signals: unknown[]): SimplePeer.Instance {
  const channel = { readyState: 'connecting', bufferedAmount: 0, close: () => undefined };
  return {
    _pc: { createDataChannel: () => channel },
    on: () => undefined,
    signal: (data: unknown) => signals.push(data),
    removeAllListeners: () => undefined,
    destroy: () => undefined,
  } as unknown as SimplePeer.Instance;
}

function mesh(self: string): { signaling: FakeSignaling; logs: string[]; signals: unknown[]; attempt: () => number } {
  const signaling = new FakeSignaling();
  const logs: string[] = [];
  const signals: unknown[] = [];
  const m = new Mesh({ self, signaling: signaling as unknown as SignalingClient, createPeer: () => fakePeer(signals), iceServers: [], log: (line) => logs.push(line) });
  let attempt = 0;
  m.on('channel', (c) => (attempt = c.attempt));
  m.setMembers(['a', 'b']);
  return { signaling, logs, signals, attempt: () => attempt };
}

describe('mesh signals', () => {
  it('the higher id follows a new offer; the lower id logs an offer it did not ask for (glare)', () => {
    const b = mesh('b');
    b.signaling.deliver('a', { attempt: 7, signal: { type: 'offer', sdp: 'v=0' } });
    expect(b.signals).toEqual([{ type: 'offer', sdp: 'v=0' }]);
    expect(b.attempt()).toBe(7);
    const a = mesh('a');
    a.signaling.deliver('b', { attempt: 9, signal: { type: 'offer', sdp: 'v=0' } });
    expect(a.signals).toEqual([]);
    expect(a.logs).toEqual(['mesh: ignored a signal from b: an offer, but a offers on this link (its id sorts first)']);
  });

  it('logs a stale attempt, a stranger, and data that signal-data.json refuses, saying why', () => {
    const a = mesh('a');
    a.signaling.deliver('b', { attempt: a.attempt() + 1, signal: { type: 'answer', sdp: 'v=0' } });
    a.signaling.deliver('zed', { attempt: 1, signal: { type: 'offer', sdp: 'v=0' } });
    a.signaling.deliver('b', { attempt: 'one', signal: { type: 'answer', sdp: 'v=0' } });
    a.signaling.deliver('b', { attempt: a.attempt(), signal: 'answer' });
    a.signaling.deliver('b', { type: 'answer', sdp: 'v=0' }); // the signal without its {attempt, signal} envelope
    expect(a.signals).toEqual([]);
    expect(a.logs).toEqual([
      `mesh: ignored a signal from b: attempt ${a.attempt() + 1} is not the current one (${a.attempt()})`,
      'mesh: ignored a signal from zed: not a member of this room (yet)',
      'mesh: ignored a signal from b: signal.data.attempt must be an integer',
      'mesh: ignored a signal from b: signal.data.signal must be an object',
      'mesh: ignored a signal from b: signal.data.attempt is missing',
    ]);
    a.signaling.deliver('b', { attempt: a.attempt(), signal: { type: 'answer', sdp: 'v=0' } });
    expect(a.signals).toEqual([{ type: 'answer', sdp: 'v=0' }]);
  });
});
