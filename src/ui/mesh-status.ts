// How complete the room's mesh is, from the roster: who is connected to every other member.

import type { MemberId } from '../core';
import type { RosterMessage } from '../signaling';

export interface MeshStatus {
  /** Members connected to every other member (both ends report the channel open). */
  connected: number;
  total: number;
  complete: boolean;
}

export function meshStatus(roster: RosterMessage | null): MeshStatus {
  if (!roster) return { connected: 0, total: 0, complete: false };
  const reports = new Map(roster.members.map((m) => [m.id, new Set(m.connected)]));
  const ids = [...reports.keys()];
  const linked = (a: MemberId, b: MemberId): boolean => Boolean(reports.get(a)?.has(b) && reports.get(b)?.has(a));
  const connected = ids.filter((id) => ids.every((other) => other === id || linked(id, other))).length;
  return { connected, total: ids.length, complete: ids.length > 0 && connected === ids.length };
}

/** Whether the roster says the channel between a and b is open (both ends report it). */
export function rosterLinkOpen(roster: RosterMessage | null, a: MemberId, b: MemberId): boolean {
  if (!roster) return false;
  const reportOf = (id: MemberId): MemberId[] | undefined => roster.members.find((m) => m.id === id)?.connected;
  return Boolean(reportOf(a)?.includes(b) && reportOf(b)?.includes(a));
}
