// Batches: many frames in one data-channel message, a lone frame unchanged, bad envelopes rejected.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeFrame, framesIn, isBatch, MAX_BATCH_BYTES, packFrames, type Frame } from '../../src/core';

const ack = (seq: number): Frame => ({ kind: 'ack', run: 1, from: 'n1', seq });
const data = (seq: number): Frame => ({ kind: 'data', run: 1, from: 'n1', seq, sentAt: seq * 7, value: seq });

describe('batches', () => {
  it('sends a lone frame as is: without batching the wire is the plain protocol', () => {
    const bytes = encodeFrame(ack(3));
    expect(packFrames([bytes])).toEqual([bytes]);
    expect(isBatch(bytes)).toBe(false);
  });

  it('round-trips any list of frames, in order, splitting at the size limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 1500 }), (seqs) => {
        const frames = seqs.map((seq, i) => (i % 2 === 0 ? data(seq) : ack(seq)));
        const messages = packFrames(frames.map(encodeFrame));
        for (const message of messages) expect(message.length).toBeLessThanOrEqual(MAX_BATCH_BYTES);
        const decoded = messages.flatMap((m) => decodeMessage(m, 'n1').frames);
        expect(decoded).toEqual(frames);
      }),
      { numRuns: 50 },
    );
  });

  it('checks every frame in a batch: spoofed ones are rejected, the others kept', () => {
    const spoofed: Frame = { kind: 'ack', run: 1, from: 'n9', seq: 1 };
    const [message] = packFrames([ack(1), spoofed, ack(2)].map(encodeFrame));
    const decoded = decodeMessage(message, 'n1');
    expect(decoded.frames).toEqual([ack(1), ack(2)]);
    expect(decoded.errors.map((e) => e.code)).toEqual(['spoofed']);
  });

  it('rejects malformed envelopes and nested batches without throwing', () => {
    const [message] = packFrames([ack(1), ack(2)].map(encodeFrame));
    expect(decodeMessage(message.slice(0, message.length - 1)).errors[0].code).toBe('too-short');
    expect(decodeMessage(new Uint8Array([...message, 0])).errors[0].code).toBe('trailing-bytes');
    const nested = packFrames([message, message]);
    expect(decodeMessage(nested[0]).errors[0].message).toContain('do not nest');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const result = decodeMessage(new Uint8Array([1, 7, ...tail]));
        expect(result.frames.length + result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('framesIn', () => {
  it('counts the frames of a packed batch, and 1 for a frame sent alone', () => {
    const frames = [1, 2, 3].map((seq) => encodeFrame({ kind: 'ack', run: 1, from: 'a', seq }));
    expect(packFrames(frames).map(framesIn)).toEqual([3]);
    expect(packFrames(frames.slice(0, 1)).map(framesIn)).toEqual([1]);
  });
});
