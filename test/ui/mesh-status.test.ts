// The header's mesh status: who is connected to everyone, out of the room's members and the last
// run's (an observer of a headless cluster keeps seeing the run's membership once it left).

import { describe, expect, it } from 'vitest';
import type { RosterMessage } from '../../src/signaling';
import { meshStatus } from '../../src/ui/mesh-status';

function roster(members: Record<string, string[]>): RosterMessage {
  return { type: 'roster', room: 'r', members: Object.entries(members).map(([id, connected]) => ({ id, connected, fingerprint: 'f'.repeat(64) })), observers: ['obs'], links: [], run: null };
}

describe('meshStatus', () => {
  it('counts members connected to every other member', () => {
    expect(meshStatus(roster({ a: ['b', 'c'], b: ['a', 'c'], c: ['a', 'b'] }))).toEqual({ connected: 3, total: 3, complete: true });
    expect(meshStatus(roster({ a: ['b'], b: ['a'], c: [] }))).toEqual({ connected: 0, total: 3, complete: false });
  });

  it('keeps the run’s members after they all left the room', () => {
    const run = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8'];
    expect(meshStatus(roster({}), run)).toEqual({ connected: 0, total: 8, complete: false });
    expect(meshStatus(null, run)).toEqual({ connected: 0, total: 8, complete: false });
  });

  it('counts a run member who left, and a newcomer who joined after the run', () => {
    expect(meshStatus(roster({ a: ['b'], b: ['a'] }), ['a', 'b', 'c'])).toEqual({ connected: 2, total: 3, complete: false });
    expect(meshStatus(roster({ a: ['b', 'd'], b: ['a', 'd'], d: ['a', 'b'] }), ['a', 'b'])).toEqual({ connected: 3, total: 3, complete: true });
  });
});
