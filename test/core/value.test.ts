// The value function: golden vectors (also in docs/PROTOCOL.md) and its range.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a64, mix64, value, valueStream } from '../../src/core';

/** [seed, member, seq, value] — must match docs/PROTOCOL.md. */
const GOLDEN_VECTORS: [number, string, number, number][] = [
  [0, 'n1', 1, 1983157950],
  [0, 'n1', 2, 6849986717],
  [0, 'n2', 1, 9460587691],
  [1, 'n1', 1, 777432210],
  [7, 'n1', 1, 7160420786],
  [7, 'n3', 1000, 9900694001],
  [42, 'alice', 1, 805810257],
  [42, 'bob', 1, 1407716888],
  [9007199254740991, 'node-32', 4294967295, 6219702781],
];

describe('value function', () => {
  it('uses the published splitmix64 and FNV-1a building blocks', () => {
    expect(mix64(0x9e3779b97f4a7c15n).toString(16)).toBe('e220a8397b1dcdaf'); // splitmix64(0), first output
    expect(fnv1a64('a').toString(16)).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('').toString(16)).toBe('cbf29ce484222325');
  });

  it.each(GOLDEN_VECTORS)('value(%d, %s, %d) = %d', (seed, member, seq, expected) => {
    expect(value(seed, member, seq)).toBe(expected);
  });

  it('always lies in [1, 10^10], and a stream equals the plain function', () => {
    fc.assert(
      fc.property(fc.nat(), fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/), fc.integer({ min: 1, max: 0xffffffff }), (seed, member, seq) => {
        const v = value(seed, member, seq);
        expect(v).toBeGreaterThanOrEqual(1);
        expect(v).toBeLessThanOrEqual(10_000_000_000);
        expect(valueStream(seed, member)(seq)).toBe(v);
      }),
    );
  });

  it('differs between members, seeds and serials', () => {
    const values = new Set<number>();
    for (const seed of [0, 1]) for (const member of ['a', 'b']) for (let seq = 1; seq <= 50; seq += 1) values.add(value(seed, member, seq));
    expect(values.size).toBe(200);
  });
});
