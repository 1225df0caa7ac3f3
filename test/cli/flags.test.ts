// The flag parser: typed values by declared name only, one-line errors, and its rules for numbers (decimal only,
// exact messages that name the flag, the value and the range).

import { describe, expect, it } from 'vitest';
import { defineFlags, describeFlags, parseFlags, readFlags, UsageError } from '../../src/cli/flags';
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
      expect(parseFlags(['--with-seed', String(seed)], RUN_FLAGS)['with-seed']).toBe(seed);
    }
    expect(parseFlags(['--with-seed=0010'], RUN_FLAGS)['with-seed']).toBe(10);
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
    expect(parseFlags(['--send-for', '.5'], RUN_FLAGS)['send-for']).toBe(0.5);
    expect(parseFlags(['--send-for', '2.25'], RUN_FLAGS)['send-for']).toBe(2.25);
    expect(() => parseFlags(['--send-for', '-1'], RUN_FLAGS)).toThrow('--send-for must be at least 0, got -1');
    expect(() => parseFlags(['--send-for', '9'.repeat(400)], RUN_FLAGS)).toThrow('is out of range');
  });
});

const DEMO_FLAGS = defineFlags({
  ...RUN_FLAGS,
  delay: { type: 'string', value: 'DIST', choices: ['constant', 'uniform'], default: 'uniform', help: 'delay distribution' },
  trace: { type: 'string', value: 'FILE', help: 'trace file' },
  ice: { type: 'strings', value: 'URL', help: 'ICE server, repeatable' },
  verbose: { type: 'boolean', short: 'v', help: 'log more' },
});

describe('typed flags', () => {
  it('gives every declared flag its value, its default, or nothing', () => {
    const flags = parseFlags(['--window', '4', '-v', '--ice', 'stun:a', '--ice=stun:b'], DEMO_FLAGS);
    expect(flags).toEqual({ 'send-for': 3, 'wait-for': 1, 'with-seed': 0, 'tick-duration': 100, window: 4, delay: 'uniform', ice: ['stun:a', 'stun:b'], verbose: true });
    const none = parseFlags([], DEMO_FLAGS);
    expect(none).toMatchObject({ ice: [], verbose: false, window: 1 });
    expect(none.trace).toBeUndefined();
  });

  it('does not compile a misspelt flag name', () => {
    const flags = parseFlags([], DEMO_FLAGS);
    // @ts-expect-error -- 'with_seed' is not a declared flag: a typo is a compile error, not a silent default.
    expect(flags['with_seed']).toBeUndefined();
    // @ts-expect-error -- neither is 'verbse'.
    expect(flags.verbse).toBeUndefined();
  });

  it('types a choice flag as its choices', () => {
    const delay: 'constant' | 'uniform' = parseFlags(['--delay', 'constant'], DEMO_FLAGS).delay;
    expect(delay).toBe('constant');
  });

  it('says which flags the command line names', () => {
    expect([...readFlags(['--with-seed=5', '-v'], DEMO_FLAGS).given]).toEqual(['with-seed', 'verbose']);
  });

  it.each([
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['--frob=1'], 'unknown option --frob'],
    [['-x'], 'unknown option -x'],
    [['extra'], 'unexpected argument "extra"'],
    [['--', '--window'], 'unexpected argument "--"'],
    [['--trace'], '--trace needs a value (FILE)'],
    [['--trace', ''], '--trace must not be empty'],
    [['--verbose=yes'], '--verbose takes no value'],
    [['--delay', 'gamma'], '--delay must be one of constant, uniform'],
    [['--window', '2', '--window', '3'], '--window is given more than once'],
  ])('refuses %j with one line', (args, message) => {
    expect(() => parseFlags(args, DEMO_FLAGS)).toThrow(new UsageError(message));
  });

  it('describes every flag, its value and its default in --help', () => {
    const help = describeFlags(DEMO_FLAGS).split('\n');
    expect(help).toHaveLength(Object.keys(DEMO_FLAGS).length);
    expect(help[0]).toMatch(/^  --send-for SECONDS +length of the send phase \(default 3\)$/);
    expect(help).toContainEqual(expect.stringMatching(/^  --trace FILE +trace file$/));
    expect(help).toContainEqual(expect.stringMatching(/^  -v, --verbose +log more$/));
  });
});
