// A flood of the same problem is logged once per interval, with a count of what was held back.

import { describe, expect, it } from 'vitest';
import { RateLimitedLog } from '../../src/runtime/rate-limited-log';

describe('RateLimitedLog', () => {
  it('writes the first of a kind, counts the rest within the interval, and reports the count with the next one', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new RateLimitedLog((line) => lines.push(line), 1000, () => now);
    for (let i = 0; i < 5000; i += 1) log.note('mallory', 'rejected a frame from mallory');
    log.note('bob', 'rejected a frame from bob');
    expect(lines).toEqual(['rejected a frame from mallory', 'rejected a frame from bob']);
    now = 1000;
    log.note('mallory', 'rejected a frame from mallory');
    expect(lines[2]).toBe('rejected a frame from mallory (and 4999 more like it since the last report)');
  });
});
