// Snapshots: what a node publishes about itself, and the check applied to other nodes' snapshots.

import { describe, expect, it } from 'vitest';
import { createNode, step, value } from '../../src/core';
import { checkTelemetryData } from '../../src/signaling';
import { MAX_LISTED_BUFFERED, snapshotNode } from '../../src/runtime/snapshot';

describe('node snapshots', () => {
  const { state } = step(createNode('a'), { type: 'start', now: 0, run: 1, members: ['a', 'b'], params: { sendForMs: 1000, waitForMs: 1000, seed: 1, tickMs: 100, window: 1 } });

  it('describe the outgoing message, who acked it and the receive buffers', () => {
    const snapshot = snapshotNode(state);
    expect(snapshot).toMatchObject({ id: 'a', phase: 'sending', count: 0, seq: 1, fin: false, acked: ['a'], result: null });
    expect(snapshot.buffers.map((b) => [b.from, b.contiguous, b.buffered])).toEqual([['a', 1, [1]], ['b', 0, []]]);
    expect(checkTelemetryData(JSON.parse(JSON.stringify({ snapshot })), 'a')).toEqual({ ok: true, value: { snapshot } });
  });

  it('reject a snapshot from the network that is malformed or claims another node, saying why', () => {
    const snapshot = JSON.parse(JSON.stringify(snapshotNode(state)));
    const reason = (changed: unknown, from = 'a'): string | null => {
      const checked = checkTelemetryData({ snapshot: changed }, from);
      return checked.ok ? null : checked.reason;
    };
    expect(reason(snapshot, 'b')).toBe('telemetry.data.snapshot.id a is not the sender b');
    expect(reason({ ...snapshot, phase: 'dancing' })).toBe('telemetry.data.snapshot.phase must be one of "connecting", "sending", "waiting", "done"');
    expect(reason({ ...snapshot, count: -1 })).toBe('telemetry.data.snapshot.count must be at least 0');
    expect(reason({ ...snapshot, buffers: [{ from: 'b' }] })).toBe('telemetry.data.snapshot.buffers[0].contiguous is missing');
    expect(reason('snapshot')).toBe('telemetry.data.snapshot must be an object');
    expect(reason({ ...snapshot, rttMs: { b: 0.42 } })).toBeNull();
    expect(reason({ ...snapshot, rttMs: { b: -1 } })).toBe('telemetry.data.snapshot.rttMs.b must be at least 0');
    expect(reason({ ...snapshot, rttMs: { 'not an id': 1 } })).toMatch(/^telemetry\.data\.snapshot\.rttMs\.not an id must match/);
    const buffer = { from: 'b', contiguous: 0, committed: 0, buffered: [3, 4], bufferedCount: 1, finished: false };
    expect(reason({ ...snapshot, buffers: [buffer] })).toBe('telemetry.data.snapshot.buffers[0].bufferedCount is less than the serials listed');
  });
});

describe('telemetry at any window', () => {
  it('fits the 8,704-byte telemetry frame with 32 members at W = 1024, listing the lowest buffered serials and the total', () => {
    const members = Array.from({ length: 32 }, (_, i) => `node-${String(i).padStart(2, '0')}`);
    let { state } = step(createNode(members[0]), { type: 'start', now: 0, run: 1, members, params: { sendForMs: 1000, waitForMs: 1000, seed: 1, tickMs: 100, window: 1024 } });
    for (const from of members.slice(1)) {
      for (let seq = 2; seq <= 1024; seq += 1) state = step(state, { type: 'frame', now: 1, frame: { kind: 'data', run: 1, from, seq, sentAt: seq, value: value(1, from, seq) } }).state;
    }
    const snapshot = snapshotNode(state);
    const frame = JSON.stringify({ type: 'telemetry', data: { snapshot } });
    expect(frame.length).toBeLessThanOrEqual(8704);
    const buffer = snapshot.buffers[1];
    expect(buffer.buffered).toHaveLength(MAX_LISTED_BUFFERED);
    expect(buffer.buffered[0]).toBe(2);
    expect(buffer.bufferedCount).toBe(1023);
    expect(checkTelemetryData({ snapshot: JSON.parse(JSON.stringify(snapshot)) }, members[0]).ok).toBe(true);
  });
});
