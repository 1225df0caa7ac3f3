// The state of each link of the cluster view, from this tab's data channels, the roster's reports
// and the link shapes everybody in the room applies.

import { sortedMembers, type MemberId } from '../../core';
import type { LinkSettings } from '../../net/link-shaper';
import type { LinkState } from '../../net/mesh';
import type { NodeSnapshot } from '../../runtime/snapshot';
import type { RosterMessage } from '../../signaling';
import { formatRtt } from '../format';
import { rosterLinkOpen } from '../mesh-status';
import { linkKey, pairs } from '../store';

export type LinkViewState = 'connecting' | 'open' | 'cut' | 'lossy';

export interface LinkView {
  key: string;
  /** The endpoints, a < b. */
  a: MemberId;
  b: MemberId;
  state: LinkViewState;
  shape: LinkSettings | null;
  rttMs: number | null;
}

export interface LinkInputs {
  mode: 'live' | 'replay';
  selfId: MemberId | null;
  roster: RosterMessage | null;
  ownLinks: Record<MemberId, LinkState>;
  rttMs: Record<MemberId, number>;
  /** Other members' snapshots, whose round trips label the links this tab is not on. */
  telemetry: Record<MemberId, NodeSnapshot>;
  shapes: Record<string, LinkSettings>;
}

export function linkViews(members: readonly MemberId[], inputs: LinkInputs): LinkView[] {
  return pairs(sortedMembers(members)).map(([a, b]) => linkView(a, b, inputs));
}

function linkView(a: MemberId, b: MemberId, inputs: LinkInputs): LinkView {
  const key = linkKey(a, b);
  if (inputs.mode === 'replay') return { key, a, b, state: 'open', shape: null, rttMs: null };
  const shape = inputs.shapes[key] ?? null;
  const peer = a === inputs.selfId ? b : b === inputs.selfId ? a : null;
  const open = peer !== null ? inputs.ownLinks[peer] === 'open' : rosterLinkOpen(inputs.roster, a, b);
  let state: LinkViewState = open ? 'open' : 'connecting';
  if (shape?.cut) state = 'cut';
  else if (open && shape && shape.lossPercent > 0) state = 'lossy';
  const rttMs = peer !== null ? inputs.rttMs[peer] : (inputs.telemetry[a]?.rttMs?.[b] ?? inputs.telemetry[b]?.rttMs?.[a]);
  return { key, a, b, state, shape, rttMs: rttMs ?? null };
}

/** Whether two views of a link look the same (same state, shape and round trip as printed). */
export function sameLinkView(a: LinkView, b: LinkView): boolean {
  return a.key === b.key && a.state === b.state && shownRtt(a) === shownRtt(b) && sameShape(a.shape, b.shape);
}

function sameShape(a: LinkSettings | null, b: LinkSettings | null): boolean {
  if (a === null || b === null) return a === b;
  return a.cut === b.cut && a.lossPercent === b.lossPercent && a.delayMs === b.delayMs;
}

function shownRtt(link: LinkView): string | null {
  return link.rttMs === null ? null : formatRtt(link.rttMs);
}
