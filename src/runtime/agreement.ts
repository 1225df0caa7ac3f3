// Do the members agree? Compares their (count, checksum) results and explains any difference (tabs and CLI).

import type { MemberId } from '../core';
import type { PeerResult } from './runtime';

export interface Difference {
  id: MemberId;
  result: PeerResult;
  /** count minus the reference count (the most common result). */
  delta: number;
}

export type Agreement =
  | { kind: 'pending'; missing: MemberId[]; reported: number }
  | { kind: 'agree'; reference: PeerResult; agreeing: MemberId[]; missing: MemberId[] }
  | { kind: 'disagree'; reference: PeerResult; agreeing: MemberId[]; differences: Difference[]; missing: MemberId[] };

/** Results by member: a Map, or a record whose own properties are the members (inherited ones never count). */
export type ResultsByMember = ReadonlyMap<MemberId, PeerResult> | Readonly<Record<MemberId, PeerResult>>;

/**
 * Judges the results of `members`. Until every member reported, the verdict is pending unless
 * `final` (this run is over; whoever has not reported by now never will, e.g. it left).
 * Member ids such as `constructor` or `__proto__` are ordinary ids here.
 */
export function judgeAgreement(members: readonly MemberId[], results: ResultsByMember, final: boolean): Agreement {
  const byMember = results instanceof Map ? results : new Map(Object.entries(results));
  const reported = members.filter((id) => byMember.has(id));
  const missing = members.filter((id) => !byMember.has(id));
  if (reported.length === 0 || (missing.length > 0 && !final)) return { kind: 'pending', missing, reported: reported.length };
  const resultOf = (id: MemberId): PeerResult => byMember.get(id)!;
  const reference = mostCommon(reported.map(resultOf));
  const agreeing = reported.filter((id) => sameResult(resultOf(id), reference));
  const differences = reported
    .filter((id) => !sameResult(resultOf(id), reference))
    .map((id) => ({ id, result: resultOf(id), delta: resultOf(id).count - reference.count }));
  if (differences.length === 0) return { kind: 'agree', reference, agreeing, missing };
  return { kind: 'disagree', reference, agreeing, differences, missing };
}

export function resultLine(result: PeerResult): string {
  return `(${result.count}, ${result.checksum})`;
}

/** Plain words for one difference: "n2 has 3 fewer messages (1021)". */
export function describeDifference(difference: Difference): string {
  const { id, delta, result } = difference;
  if (delta === 0) return `${id} has the same count but a different checksum (${result.checksum})`;
  const amount = Math.abs(delta);
  return `${id} has ${amount} ${delta < 0 ? 'fewer' : 'more'} message${amount === 1 ? '' : 's'} (${result.count})`;
}

function sameResult(a: PeerResult, b: PeerResult): boolean {
  return a.count === b.count && a.checksum === b.checksum;
}

/** The result most members share; ties go to the first in member order. */
function mostCommon(results: readonly PeerResult[]): PeerResult {
  let best = results[0];
  let bestVotes = 0;
  for (const candidate of results) {
    const votes = results.filter((r) => sameResult(r, candidate)).length;
    if (votes > bestVotes) {
      best = candidate;
      bestVotes = votes;
    }
  }
  return best;
}
