// Snapshots: what a node publishes about itself, and the check applied to other nodes' snapshots.

import { describe, expect, it } from 'vitest';
import { createNode, step } from '../../src/core';
import { isNodeSnapshotOf, snapshotNode } from '../../src/runtime/snapshot';

describe('node snapshots', () => {
  const { state } = step(createNode('a'), { type: 'start', now: 0, run: 1, members: ['a', 'b'], params: { sendForMs: 1000, waitForMs: 1000, seed: 1, tickMs: 100, window: 1 } });

  it('describe the outgoing message, who acked it and the receive buffers', () => {
    const snapshot = snapshotNode(state);
    expect(snapshot).toMatchObject({ id: 'a', phase: 'sending', count: 0, seq: 1, fin: false, acked: ['a'], result: null });
    expect(snapshot.buffers.map((b) => [b.from, b.contiguous, b.buffered])).toEqual([['a', 1, [1]], ['b', 0, []]]);
    expect(isNodeSnapshotOf(JSON.parse(JSON.stringify(snapshot)), 'a')).toBe(true);
  });

  it('reject a snapshot from the network that is malformed or claims another node', () => {
    const snapshot = JSON.parse(JSON.stringify(snapshotNode(state)));
    expect(isNodeSnapshotOf(snapshot, 'b')).toBe(false);
    expect(isNodeSnapshotOf({ ...snapshot, phase: 'dancing' }, 'a')).toBe(false);
    expect(isNodeSnapshotOf({ ...snapshot, count: -1 }, 'a')).toBe(false);
    expect(isNodeSnapshotOf({ ...snapshot, buffers: [{ from: 'b' }] }, 'a')).toBe(false);
    expect(isNodeSnapshotOf('snapshot', 'a')).toBe(false);
    expect(isNodeSnapshotOf({ ...snapshot, rttMs: { b: 0.42 } }, 'a')).toBe(true);
    expect(isNodeSnapshotOf({ ...snapshot, rttMs: { b: -1 } }, 'a')).toBe(false);
    expect(isNodeSnapshotOf({ ...snapshot, rttMs: { 'not an id': 1 } }, 'a')).toBe(false);
  });
});
