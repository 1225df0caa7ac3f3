// The ledger: order by (sentAt, from, seq), exact checksum, and the bounded prefix fold.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumOfAll, createLedger, ledgerCommit, ledgerCount, ledgerFinish, ledgerResult, type Committed } from '../../src/core';

const MEMBERS = ['a', 'b', 'c'];

/** Per-sender streams with strictly increasing sentAt; clocks may overlap between senders. */
const streams = fc.tuple(
  ...MEMBERS.map((from) =>
    fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 10_000_000_000 })), { maxLength: 30 }).map((steps) => {
      let sentAt = 0;
      return steps.map(([gap, value], i): Committed => {
        sentAt += gap;
        return { from, seq: i + 1, sentAt, value };
      });
    }),
  ),
);

/** Interleaves per-sender streams in a random order that keeps each sender's own order. */
function interleave(perSender: Committed[][], choices: number[]): Committed[] {
  const cursors = perSender.map(() => 0);
  const out: Committed[] = [];
  let pick = 0;
  for (;;) {
    const open = perSender.map((_stream, i) => i).filter((i) => cursors[i] < perSender[i].length);
    if (open.length === 0) return out;
    const index = open[(choices[pick % Math.max(choices.length, 1)] ?? 0) % open.length];
    pick += 1;
    out.push(perSender[index][cursors[index]]);
    cursors[index] += 1;
  }
}

describe('ledger', () => {
  it('computes the worked example exactly', () => {
    const ledger = createLedger(['a', 'b']);
    ledgerCommit(ledger, { from: 'b', seq: 1, sentAt: 5, value: 3 });
    ledgerCommit(ledger, { from: 'a', seq: 1, sentAt: 5, value: 2 });
    ledgerCommit(ledger, { from: 'a', seq: 2, sentAt: 9, value: 10_000_000_000 });
    // Order: a#1 (5, 'a'), b#1 (5, 'b'), a#2 (9): 1*2 + 2*3 + 3*10^10
    expect(ledgerResult(ledger)).toEqual({ count: 3, checksum: 30_000_000_008n });
  });

  it('gives the same result whatever order the senders commit in, equal to sorting everything (prefix fold = full sort)', () => {
    fc.assert(
      fc.property(streams, fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), (perSender, orderA, orderB) => {
        const expected = checksumOfAll(perSender.flat());
        for (const order of [orderA, orderB]) {
          const ledger = createLedger(MEMBERS);
          for (const entry of interleave(perSender, order)) ledgerCommit(ledger, entry);
          expect(ledgerResult(ledger)).toEqual(expected);
          MEMBERS.forEach((m) => ledgerFinish(ledger, m));
          expect(ledgerResult(ledger)).toEqual(expected);
          expect(ledger.pendingCount).toBe(0);
        }
      }),
    );
  });

  it('keeps memory bounded by the senders\' skew, not by the run length', () => {
    const ledger = createLedger(MEMBERS);
    for (let seq = 1; seq <= 100_000; seq += 1) {
      for (const [i, from] of MEMBERS.entries()) ledgerCommit(ledger, { from, seq, sentAt: seq * 10 + i, value: seq });
    }
    expect(ledgerCount(ledger)).toBe(300_000);
    expect(ledger.pendingCount).toBeLessThanOrEqual(MEMBERS.length);
  });

  it('rejects a commit that breaks a sender\'s order', () => {
    const ledger = createLedger(['a']);
    ledgerCommit(ledger, { from: 'a', seq: 1, sentAt: 10, value: 1 });
    expect(() => ledgerCommit(ledger, { from: 'a', seq: 2, sentAt: 10, value: 1 })).toThrow(/out-of-order/);
    expect(() => ledgerCommit(ledger, { from: 'z', seq: 1, sentAt: 10, value: 1 })).toThrow(/not a member/);
  });
});
