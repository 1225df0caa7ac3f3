// What a client accepts from the server: exactly docs/schemas/server-message.json, with the reason for anything else.

import { describe, expect, it } from 'vitest';
import { parseServerMessage } from '../../src/signaling';

const FINGERPRINT = 'f'.repeat(64);
const roster = { type: 'roster', room: 'r', members: [{ id: 'a', connected: ['b'], fingerprint: FINGERPRINT }], observers: [], links: [{ link: ['a', 'b'], cut: true, lossPercent: 0, delayMs: 0, from: 'a' }], run: null };
const start = { type: 'start', runId: 'x', run: 1, members: ['a'], keys: [{ id: 'a', fingerprint: FINGERPRINT }], params: { sendForMs: 1000, waitForMs: 500, seed: 5, tickMs: 100, window: 1 }, startedBy: 'a' };

describe('server messages', () => {
  it('accepts a well-formed roster and start', () => {
    expect(parseServerMessage(JSON.stringify(roster))).toEqual({ ok: true, value: roster });
    expect(parseServerMessage(JSON.stringify(start))).toEqual({ ok: true, value: start });
  });

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['unknown type', JSON.stringify({ type: 'surprise' }), 'unknown message type "surprise"'],
    ['a link without its setter', JSON.stringify({ ...roster, links: [{ ...roster.links[0], from: undefined }] }), 'roster.links[0].from is missing'],
    ['a link with 150% loss', JSON.stringify({ ...roster, links: [{ ...roster.links[0], lossPercent: 150 }] }), 'roster.links[0].lossPercent must be at most 100'],
    ['connected as a boolean', JSON.stringify({ ...roster, members: [{ id: 'a', connected: true }] }), 'roster.members[0].connected must be an array'],
    ['a start with a negative duration', JSON.stringify({ ...start, params: { ...start.params, sendForMs: -1 } }), 'start.params.sendForMs must be at least 0'],
    ['a start with a seed as a string', JSON.stringify({ ...start, params: { ...start.params, seed: '5' } }), 'start.params.seed must be an integer'],
    ['a start with an unknown param', JSON.stringify({ ...start, params: { ...start.params, batching: true } }), 'start.params.batching is not a known field'],
    ['a run tag of 0', JSON.stringify({ ...start, run: 0 }), 'start.run must be at least 1'],
    ['a start without keys', JSON.stringify({ ...start, keys: undefined }), 'start.keys is missing'],
    ['a start with an upper-case fingerprint', JSON.stringify({ ...start, keys: [{ id: 'a', fingerprint: 'F'.repeat(64) }] }), 'start.keys[0].fingerprint must match ^[0-9a-f]{64}$'],
    ['a roster member without a fingerprint', JSON.stringify({ ...roster, members: [{ id: 'a', connected: [] }] }), 'roster.members[0].fingerprint is missing'],
    ['a hello with a short nonce', JSON.stringify({ type: 'hello', nonce: 'ab' }), 'hello.nonce must match ^[0-9a-f]{64}$'],
    ['a cancelled of an unknown cause', JSON.stringify({ type: 'cancelled', runId: 'x', cause: 'bored', by: 'a', reason: 'r' }), 'cancelled.cause must be one of "declined", "no-answer", "left"'],
  ])('refuses %s, saying why', (_name, text, reason) => {
    expect(parseServerMessage(text)).toEqual({ ok: false, reason });
  });
});
