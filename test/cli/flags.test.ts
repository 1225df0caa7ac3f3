// The flag parser's rules for numbers: decimal only, exact messages that name the flag, the value and the range.

import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from '../../src/cli/flags';
import { RUN_FLAGS } from '../../src/cli/run-flags';

const SEED_RANGE = '0 to 9007199254740991';

function seedError(raw: string): string {
  try {
    parseFlags(['--with-seed', raw], RUN_FLAGS);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('integer flags', () => {
  it.each(['0x10', '1e3', ' 7', '7 ', '1.5', '+7', '', 'seven', '0b1', 'Infinity'])('--with-seed refuses %j as not a decimal integer', (raw) => {
    expect(seedError(raw)).toBe(`--with-seed must be a decimal integer from ${SEED_RANGE}, got ${JSON.stringify(raw)}`);
  });

  it.each(['-1', '9007199254740992', '99999999999999999999999'])('--with-seed refuses %s as out of range', (raw) => {
    expect(seedError(raw)).toBe(`--with-seed ${raw} is out of range: must be from ${SEED_RANGE}`);
  });

  it('accepts every decimal integer from 0 to 2^53 - 1', () => {
    for (const seed of [0, 7, 1000, Number.MAX_SAFE_INTEGER]) {
      expect(parseFlags(['--with-seed', String(seed)], RUN_FLAGS).get('with-seed')).toBe(seed);
    }
    expect(parseFlags(['--with-seed=0010'], RUN_FLAGS).get('with-seed')).toBe(10);
  });

  it('applies the same rule to the other integer flags', () => {
    expect(() => parseFlags(['--window', '0x10'], RUN_FLAGS)).toThrow('--window must be a decimal integer from 1 to 1024, got "0x10"');
    expect(() => parseFlags(['--window', '2000'], RUN_FLAGS)).toThrow('--window 2000 is out of range: must be from 1 to 1024');
  });
});

describe('number flags', () => {
  it.each(['0x10', '1e3', ' 2', 'Infinity', ''])('--send-for refuses %j', (raw) => {
    expect(() => parseFlags(['--send-for', raw], RUN_FLAGS)).toThrow(`--send-for must be a decimal number, got ${JSON.stringify(raw)}`);
  });

  it('accepts decimal fractions and checks the range', () => {
    expect(parseFlags(['--send-for', '.5'], RUN_FLAGS).get('send-for')).toBe(0.5);
    expect(parseFlags(['--send-for', '2.25'], RUN_FLAGS).get('send-for')).toBe(2.25);
    expect(() => parseFlags(['--send-for', '-1'], RUN_FLAGS)).toThrow('--send-for must be at least 0, got -1');
    expect(() => parseFlags(['--send-for', '9'.repeat(400)], RUN_FLAGS)).toThrow('is out of range');
  });
});
