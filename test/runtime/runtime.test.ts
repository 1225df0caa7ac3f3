// The runtime around the reducer: what it puts on the wire for what arrives, with a fake network and clock.

import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeFrame, packFrames, value, type Frame } from '../../src/core';
import { NodeRuntime } from '../../src/runtime/runtime';

function runtimeWithSink() {
  const sent: { to: string; frames: Frame[] }[] = [];
  let now = 1_000_000;
  const timers = { set: () => 0, clear: () => undefined };
  const runtime = new NodeRuntime({ self: 'b', sink: { send: (to, bytes) => sent.push({ to, frames: decodeMessage(bytes).frames }) }, clock: () => (now += 10), timers });
  runtime.start({ runId: 'r', run: 5, members: ['a', 'b'], params: { sendForMs: 1000, waitForMs: 1000, seed: 1, tickMs: 100, window: 8 } });
  sent.length = 0;
  return { runtime, sent };
}

describe('runtime', () => {
  it('answers a batch of DATA with one cumulative ACK, sent at the end of the turn', async () => {
    const { runtime, sent } = runtimeWithSink();
    const data = [1, 2, 3, 4].map((seq): Frame => ({ kind: 'data', run: 5, from: 'a', seq, sentAt: seq * 100, value: value(1, 'a', seq) }));
    const [message] = packFrames(data.map(encodeFrame));
    runtime.receive('a', message);
    expect(sent).toEqual([]);
    await Promise.resolve();
    expect(sent).toEqual([{ to: 'a', frames: [{ kind: 'ack', run: 5, from: 'b', seq: 4 }] }]);
  });

  it('reports frames that fail validation instead of handing them to the reducer', () => {
    const { runtime } = runtimeWithSink();
    const rejected: string[] = [];
    runtime.on('rejected', ({ reason }) => rejected.push(reason));
    runtime.receive('a', encodeFrame({ kind: 'ack', run: 5, from: 'c', seq: 1 }));
    runtime.receive('a', new Uint8Array([1, 99]));
    expect(rejected).toEqual([expect.stringMatching(/^spoofed/), expect.stringMatching(/^too-short|^unknown-kind/)]);
    expect(runtime.committedCount()).toBe(0);
  });
});
