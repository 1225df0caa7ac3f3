// Fixed-point formatting of values and checksums: exactly 10 decimals, exact for any size.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFixed, formatResult, parseFixed } from '../../src/core';

describe('fixed-point format', () => {
  it('prints exactly ten decimals', () => {
    expect(formatFixed(12345678901n)).toBe('1.2345678901');
    expect(formatFixed(12345n)).toBe('0.0000012345');
    expect(formatFixed(0n)).toBe('0.0000000000');
    expect(formatFixed(10_000_000_000n)).toBe('1.0000000000');
    expect(formatFixed(101823450192837465n)).toBe('10182345.0192837465');
  });

  it('prints the result line', () => {
    expect(formatResult(3, 12345678901n)).toBe('(3, 1.2345678901)');
  });

  it('round-trips through parseFixed', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), (n) => {
        expect(parseFixed(formatFixed(n))).toBe(n);
      }),
    );
    expect(parseFixed('1.23')).toBeNull();
  });
});
