// The data plane on stand-in channels: frames wait for a channel to open, a cut drops them both
// ways, a channel that closes under the plane is reported lost, and one turn's frames travel as a batch.

import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeFrame, framesIn } from '../../src/core';
import { FramePlane, type FrameChannel } from '../../src/net/frame-plane';

class FakeChannel implements FrameChannel {
  readyState = 'connecting';
  bufferedAmount = 0;
  binaryType = 'blob';
  onopen: FrameChannel['onopen'] = null;
  onmessage: FrameChannel['onmessage'] = null;
  onclose: FrameChannel['onclose'] = null;
  onerror: FrameChannel['onerror'] = null;
  readonly sent: Uint8Array[] = [];
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 'closed';
  }
  open(): void {
    this.readyState = 'open';
    this.onopen?.({});
  }
}

const ack = (seq: number): Uint8Array => encodeFrame({ kind: 'ack', run: 1, from: 'a', seq });
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('frame plane', () => {
  it('holds frames until the channel opens, then sends one turn\'s frames as one batch', async () => {
    const plane = new FramePlane();
    const channel = new FakeChannel();
    const batches: number[] = [];
    plane.on('batch', ({ frames }) => batches.push(frames));
    plane.attach('b', 1, channel);
    expect(channel.binaryType).toBe('arraybuffer');
    plane.send('b', ack(1));
    plane.send('b', ack(2));
    await turn();
    expect(channel.sent).toEqual([]); // still connecting: held
    channel.open();
    expect(channel.sent.map(framesIn)).toEqual([2]);
    expect(decodeMessage(channel.sent[0], 'a').frames.map((f) => (f.kind === 'ack' ? f.seq : 0))).toEqual([1, 2]);
    expect(batches).toEqual([2]);
  });

  it('a cut link drops frames both ways and says so', async () => {
    const plane = new FramePlane();
    const channel = new FakeChannel();
    plane.attach('b', 1, channel);
    channel.open();
    const received: Uint8Array[] = [];
    const dropped: string[] = [];
    plane.on('frame', ({ bytes }) => received.push(bytes));
    plane.on('dropped', ({ reason }) => dropped.push(reason));
    plane.shaper.set('b', { cut: true, lossPercent: 0, delayMs: 0 });
    plane.send('b', ack(1));
    channel.onmessage?.({ data: ack(1).buffer });
    await turn();
    expect(channel.sent).toEqual([]);
    expect(received).toEqual([]);
    expect(dropped).toEqual(['cut']);
    plane.shaper.set('b', { cut: false, lossPercent: 0, delayMs: 0 });
    channel.onmessage?.({ data: ack(1).buffer });
    expect(received).toHaveLength(1);
  });

  it('reports a channel that closes under it as lost, and forgets one it detached without a word', () => {
    const plane = new FramePlane();
    const lost: string[] = [];
    plane.on('lost', ({ peer, attempt, reason }) => lost.push(`${peer}/${attempt}: ${reason}`));
    const first = new FakeChannel();
    plane.attach('b', 1, first);
    first.open();
    first.onclose?.({});
    const second = new FakeChannel();
    plane.attach('c', 2, second);
    expect(plane.detach('c', 3)).toBe(false); // another attempt's: kept
    expect(plane.detach('c', 2)).toBe(true);
    expect(second.readyState).toBe('closed');
    expect(second.onclose).toBeNull();
    expect(lost).toEqual(['b/1: closed']);
  });
});
