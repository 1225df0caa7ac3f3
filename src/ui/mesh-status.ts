// How complete the room's mesh is, from the roster: who is connected to every other member.

import type { MemberId } from '../core';
import type { RosterMessage } from '../signaling';

export interface MeshStatus {
  /** Members connected to every other member (both ends report the channel open). */
  connected: number;
  total: number;
  complete: boolean;
}

/**
 * The room's mesh. `runMembers` (the last run's) count as members even once they left the room, so
 * after a headless cluster's run an observer still sees "0 of 8 connected", not "0 of 0".
 */
export function meshStatus(roster: RosterMessage | null, runMembers: readonly MemberId[] = []): MeshStatus {
  const reports = new Map((roster?.members ?? []).map((m) => [m.id, new Set(m.connected)]));
  const ids = [...reports.keys()];
  const linked = (a: MemberId, b: MemberId): boolean => Boolean(reports.get(a)?.has(b) && reports.get(b)?.has(a));
  const connected = ids.filter((id) => ids.every((other) => other === id || linked(id, other))).length;
  const total = new Set([...ids, ...runMembers]).size;
  return { connected, total, complete: total > 0 && connected === total };
}

/** Whether the roster says the channel between a and b is open (both ends report it). */
export function rosterLinkOpen(roster: RosterMessage | null, a: MemberId, b: MemberId): boolean {
  if (!roster) return false;
  const reportOf = (id: MemberId): MemberId[] | undefined => roster.members.find((m) => m.id === id)?.connected;
  return Boolean(reportOf(a)?.includes(b) && reportOf(b)?.includes(a));
}
