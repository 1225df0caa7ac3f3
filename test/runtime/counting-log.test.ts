// A hostile peer's endless bad frames cost one stderr line each at first, then one summary per interval.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CountingLog } from '../../src/runtime/counting-log';

const FORMAT = {
  first: (from: string, reason: string) => `rejected a frame from ${from}: ${reason}`,
  more: (from: string, count: number, latest: string) => `rejected ${count} more frames from ${from} (latest: ${latest})`,
};

describe('CountingLog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes the first report per key, then the count of the rest once per interval', () => {
    const lines: string[] = [];
    const log = new CountingLog((line) => lines.push(line), 5000, FORMAT);
    for (let i = 0; i < 100_000; i++) log.report('n3', `bad-version ${i % 7}`);
    log.report('n2', 'truncated');
    expect(lines).toEqual(['rejected a frame from n3: bad-version 0', 'rejected a frame from n2: truncated']);
    vi.advanceTimersByTime(5000);
    expect(lines.slice(2)).toEqual(['rejected 99999 more frames from n3 (latest: bad-version 4)']);
    log.report('n3', 'bad-version 1');
    log.report('n3', 'bad-version 2');
    vi.advanceTimersByTime(4999);
    expect(lines).toHaveLength(3);
    log.flush();
    expect(lines.slice(3)).toEqual(['rejected 2 more frames from n3 (latest: bad-version 2)']);
    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(4);
  });
});
