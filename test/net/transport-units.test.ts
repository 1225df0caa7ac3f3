// The transport's small pure parts: the link shaper and ICE URLs (server messages: test/signaling/).

import { describe, expect, it } from 'vitest';
import { parseIceUrl } from '../../src/net/ice';
import { LinkShaper } from '../../src/net/link-shaper';

describe('link shaper', () => {
  it('a cut drops frames both ways; restoring lets them through', () => {
    const shaper = new LinkShaper();
    shaper.set('b', { cut: true, lossPercent: 0, delayMs: 0 });
    expect(shaper.outgoing('b')).toEqual({ action: 'drop', reason: 'cut' });
    expect(shaper.incoming('b')).toBe(false);
    expect(shaper.incoming('c')).toBe(true);
    shaper.set('b', { cut: false, lossPercent: 0, delayMs: 0 });
    expect(shaper.outgoing('b')).toEqual({ action: 'send', delayMs: 0 });
    expect(shaper.incoming('b')).toBe(true);
  });

  it('drops the given percentage of outgoing frames and delays the rest', () => {
    const draws = [0.1, 0.5, 0.29, 0.31];
    const shaper = new LinkShaper(() => draws.shift()!);
    shaper.set('b', { cut: false, lossPercent: 30, delayMs: 250 });
    expect(shaper.outgoing('b')).toEqual({ action: 'drop', reason: 'loss' });
    expect(shaper.outgoing('b')).toEqual({ action: 'send', delayMs: 250 });
    expect(shaper.outgoing('b')).toEqual({ action: 'drop', reason: 'loss' });
    expect(shaper.outgoing('b')).toEqual({ action: 'send', delayMs: 250 });
  });
});

describe('ICE URLs', () => {
  it('reads STUN, TURN, and TURN with embedded credentials', () => {
    expect(parseIceUrl('stun:stun.example.org:3478')).toEqual({ urls: 'stun:stun.example.org:3478' });
    expect(parseIceUrl('turn:chatter:box%40secret@turn.example.org:3478')).toEqual({ urls: 'turn:turn.example.org:3478', username: 'chatter', credential: 'box@secret' });
    expect(parseIceUrl('http://example.org')).toBeNull();
  });
});
