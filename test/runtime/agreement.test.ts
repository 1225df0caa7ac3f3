// Agreement verdicts the tabs and the CLI print at the end of a run.

import { describe, expect, it } from 'vitest';
import { describeDifference, judgeAgreement } from '../../src/runtime/agreement';

const r = (count: number, checksum: string) => ({ count, checksum, complete: true });

describe('agreement', () => {
  it('agrees when every member printed the same result', () => {
    expect(judgeAgreement(['a', 'b'], { a: r(3, '1.0000000000'), b: r(3, '1.0000000000') }, true)).toMatchObject({ kind: 'agree', missing: [] });
  });

  it('names who differs from the majority, and by how much', () => {
    const verdict = judgeAgreement(['a', 'b', 'c'], { a: r(5, '2.0000000000'), b: r(3, '1.0000000000'), c: r(5, '2.0000000000') }, true);
    expect(verdict.kind).toBe('disagree');
    if (verdict.kind !== 'disagree') return;
    expect(verdict.differences.map(describeDifference)).toEqual(['b has 2 fewer messages (3)']);
    const sameCount = judgeAgreement(['a', 'b'], { a: r(5, '2.0000000000'), b: r(5, '2.0000000001') }, true);
    expect(sameCount.kind).toBe('disagree');
  });

  it('waits for missing results until the run is over, then reports them', () => {
    expect(judgeAgreement(['a', 'b'], { a: r(1, '0.1000000000') }, false).kind).toBe('pending');
    expect(judgeAgreement(['a', 'b'], { a: r(1, '0.1000000000') }, true)).toMatchObject({ kind: 'agree', missing: ['b'] });
  });
});

describe('agreement with member ids that are also property names', () => {
  it('treats constructor and __proto__ as ordinary members', () => {
    const results = new Map([['constructor', r(3, '1.0000000000')], ['__proto__', r(3, '1.0000000000')], ['b', r(2, '0.5000000000')]]);
    const verdict = judgeAgreement(['__proto__', 'b', 'constructor'], results, true);
    expect(verdict.kind).toBe('disagree');
    if (verdict.kind !== 'disagree') return;
    expect(verdict.agreeing).toEqual(['__proto__', 'constructor']);
    expect(verdict.differences.map(describeDifference)).toEqual(['b has 1 fewer message (2)']);
  });

  it('does not take inherited properties of a plain record for results', () => {
    const verdict = judgeAgreement(['b', 'constructor', 'toString'], { b: r(3, '1.0000000000') }, true);
    expect(verdict).toMatchObject({ kind: 'agree', agreeing: ['b'], missing: ['constructor', 'toString'] });
    expect(judgeAgreement(['constructor'], {}, false)).toEqual({ kind: 'pending', missing: ['constructor'], reported: 0 });
  });
});
