// The wire codec: round trips, exact byte layout, and validation that never throws.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, MAX_FRAME_BYTES, type Frame } from '../../src/core';

const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const seq = fc.integer({ min: 1, max: 0xffffffff });
const u53 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const checksum = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 9_999_999_999 })).map(([w, f]) => `${w}.${String(f).padStart(10, '0')}`);

const frame: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({ kind: fc.constant('data' as const), run: u32, from: id, seq, sentAt: u53, value: fc.integer({ min: 1, max: 10_000_000_000 }) }),
  fc.record({ kind: fc.constant('ack' as const), run: u32, from: id, seq: u32 }),
  fc.record({ kind: fc.constant('fin' as const), run: u32, from: id, seq }),
  fc.record({ kind: fc.constant('result' as const), run: u32, from: id, count: u32, checksum, complete: fc.boolean() }),
  fc.record({ kind: fc.constant('ping' as const), run: u32, from: id, nonce: u32, time: u53 }),
  fc.record({ kind: fc.constant('pong' as const), run: u32, from: id, nonce: u32, time: u53 }),
);

describe('wire codec', () => {
  it('round-trips every frame kind', () => {
    fc.assert(
      fc.property(frame, (f) => {
        expect(decodeFrame(encodeFrame(f))).toEqual({ ok: true, frame: f });
      }),
    );
  });

  it('encodes DATA with the documented byte layout', () => {
    const bytes = encodeFrame({ kind: 'data', run: 258, from: 'n1', seq: 3, sentAt: 2 ** 32 + 5, value: 10_000_000_000 });
    expect(Array.from(bytes)).toEqual([
      1, 1, // version, kind
      0, 0, 1, 2, // run
      2, 0x6e, 0x31, // from "n1"
      0, 0, 0, 3, // seq
      0, 0, 0, 1, 0, 0, 0, 5, // sentAt
      0, 0, 0, 2, 0x54, 0x0b, 0xe4, 0x00, // value 10^10
    ]);
  });

  it('never throws on arbitrary bytes and always says why it rejects', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const result = decodeFrame(bytes);
        if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on mutations of valid frames', () => {
    fc.assert(
      fc.property(frame, fc.nat(), fc.integer({ min: 0, max: 255 }), (f, position, byte) => {
        const bytes = encodeFrame(f);
        bytes[position % bytes.length] = byte;
        const result = decodeFrame(bytes);
        if (result.ok) expect(decodeFrame(encodeFrame(result.frame))).toEqual(result);
      }),
      { numRuns: 3000 },
    );
  });

  const valid = encodeFrame({ kind: 'ack', run: 1, from: 'n1', seq: 4 });
  const cases: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(), 'too-short'],
    ['truncated', valid.slice(0, valid.length - 1), 'too-short'],
    ['trailing bytes', new Uint8Array([...valid, 0]), 'trailing-bytes'],
    ['wrong version', new Uint8Array([9, ...valid.slice(1)]), 'bad-version'],
    ['unknown kind', new Uint8Array([1, 99, ...valid.slice(2)]), 'unknown-kind'],
    ['oversized', new Uint8Array(MAX_FRAME_BYTES + 1), 'too-large'],
    ['bad sender id', new Uint8Array([1, 2, 0, 0, 0, 1, 2, 0x6e, 0x20, 0, 0, 0, 4]), 'bad-field'],
    ['zero value', encodeFrame({ kind: 'data', run: 1, from: 'n1', seq: 1, sentAt: 1, value: 1 }).map((b, i, a) => (i >= a.length - 8 ? 0 : b)), 'bad-field'],
    ['seq 0 data', encodeFrame({ kind: 'data', run: 1, from: 'n1', seq: 1, sentAt: 1, value: 1 }).map((b, i) => (i >= 9 && i < 13 ? 0 : b)), 'bad-field'],
  ];
  it.each(cases)('rejects %s', (_name, bytes, code) => {
    const result = decodeFrame(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('rejects a frame claiming another sender than the link it came on', () => {
    const result = decodeFrame(valid, 'n2');
    expect(result).toEqual({ ok: false, error: { code: 'spoofed', message: 'frame claims to be from n1 but arrived from n2' } });
    expect(decodeFrame(valid, 'n1').ok).toBe(true);
  });

  it('refuses to encode a frame no valid peer could send', () => {
    expect(() => encodeFrame({ kind: 'data', run: 1, from: 'n1', seq: 1, sentAt: 1, value: 0 })).toThrow();
    expect(() => encodeFrame({ kind: 'ack', run: -1, from: 'n1', seq: 1 })).toThrow();
  });
});
