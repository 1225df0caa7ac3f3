// The runtime around the reducer: what it puts on the wire for what arrives, with a fake network and clock.

import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeFrame, packFrames, value, type Frame } from '../../src/core';
import { NodeRuntime } from '../../src/runtime/runtime';
import { NodeHost } from '../../src/runtime/node-host';
import type { FrameChannel } from '../../src/net/frame-plane';

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

/** Timers that fire only when the test says so; each set() is kept with its delay. */
function manualTimers() {
  const pending: { fn: () => void; ms: number; handle: number }[] = [];
  let next = 1;
  return {
    pending,
    set: (fn: () => void, ms: number) => {
      pending.push({ fn, ms, handle: next });
      return next++;
    },
    clear: (handle: unknown) => {
      const i = pending.findIndex((t) => t.handle === handle);
      if (i >= 0) pending.splice(i, 1);
    },
  };
}

describe('runtime around its start', () => {
  it('pings one member at a time, round robin, at most 8 a second, and stops at the wait phase', () => {
    const timers = manualTimers();
    const pings: string[] = [];
    let now = 1_000_000;
    const members = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];
    const runtime = new NodeRuntime({ self: 'c', sink: { send: (to, bytes) => decodeMessage(bytes).frames.forEach((f) => f.kind === 'ping' && pings.push(to)) }, clock: () => now, timers });
    runtime.start({ runId: 'r', run: 5, members, params: { sendForMs: 5000, waitForMs: 1000, seed: 1, tickMs: 100, window: 1 } });
    const firePing = (): void => {
      const ping = timers.pending.find((t) => t.ms === 125)!; // 11 others: 1000/11 ms would be 11 a second
      timers.clear(ping.handle);
      ping.fn();
    };
    for (let i = 0; i < 12; i += 1) firePing();
    expect(pings).toEqual(['d', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'a', 'b', 'd']);
    now += 5_000_000; // past the send phase
    const phase = timers.pending.find((t) => t.ms !== 125)!;
    phase.fn();
    expect(runtime.phase).toBe('waiting');
    firePing();
    expect(pings).toHaveLength(12);
  });
});

/** An open frame channel whose sent messages the test reads, and whose incoming ones it delivers. */
function fakeChannel() {
  const sent: Frame[] = [];
  const channel: FrameChannel = {
    readyState: 'open',
    bufferedAmount: 0,
    binaryType: 'arraybuffer',
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    send: (data) => sent.push(...decodeMessage(data).frames),
    close: () => undefined,
  };
  return { channel, sent, deliver: (frame: Frame) => channel.onmessage?.({ data: encodeFrame(frame).slice().buffer }) };
}

describe('node host between runs', () => {
  it('holds DATA that arrives before the run starts here and hands it to the run, which acks it without waiting for a resend', async () => {
    const host = new NodeHost({ clock: () => 5_000_000, timers: manualTimers(), telemetryMs: 0 });
    const a = fakeChannel();
    host.attach('a', 1, a.channel);
    a.deliver({ kind: 'data', run: 5, from: 'a', seq: 1, sentAt: 4_990_000, value: value(1, 'a', 1) }); // a started a moment earlier
    a.deliver({ kind: 'data', run: 9, from: 'a', seq: 1, sentAt: 4_990_000, value: value(1, 'a', 1) }); // another run's: dropped
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.sent).toEqual([]);
    host.start('b', { runId: 'r', run: 5, members: ['a', 'b'], keys: [], params: { sendForMs: 1000, waitForMs: 1000, seed: 1, tickMs: 100, window: 1 }, startedBy: 'a' } as never);
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.sent.filter((f) => f.kind === 'ack')).toEqual([{ kind: 'ack', run: 5, from: 'b', seq: 1 }]);
    expect(host.runtime!.snapshot().buffers.find((buffer) => buffer.from === 'a')?.contiguous).toBe(1);
    host.close();
  });
});
