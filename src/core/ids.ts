// Member ids and run tags: what a valid identifier looks like, checked everywhere ids enter.

/** A member id: 1 to 32 ASCII letters, digits, '_' or '-'. Ordered by plain string comparison. */
export type MemberId = string;

export const MEMBER_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const MAX_MEMBER_ID_LENGTH = 32;

export function isMemberId(value: unknown): value is MemberId {
  return typeof value === 'string' && MEMBER_ID_PATTERN.test(value);
}

/** Compares member ids the way every ordering in the protocol does (UTF-16 code units = ASCII). */
export function compareIds(a: MemberId, b: MemberId): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Checks a member list: non-empty, valid ids, no duplicates. Returns an error message or null. */
export function memberListError(members: readonly unknown[]): string | null {
  if (members.length === 0) return 'the member list is empty';
  const seen = new Set<string>();
  for (const member of members) {
    if (!isMemberId(member)) return `invalid member id ${JSON.stringify(member)}`;
    if (seen.has(member)) return `duplicate member id ${member}`;
    seen.add(member);
  }
  return null;
}

/** Sorted copy of a member list: every node orders the members the same way. */
export function sortedMembers(members: readonly MemberId[]): MemberId[] {
  return [...members].sort(compareIds);
}
