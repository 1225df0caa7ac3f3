// The state of each link of the cluster view, from this tab's data channels, the roster's reports
// and the link shapes everybody in the room applies (in the sandbox: its shapes and partition); where its handle and label sit, and whether
// the label fits (clear of the nodes, the handles and the other labels) or is shown on hover only.

import { sortedMembers, type MemberId } from '../../core';
import type { LinkSettings } from '../../net/link-shaper';
import type { LinkState } from '../../net/mesh';
import type { NodeSnapshot } from '../../runtime/snapshot';
import type { RosterMessage } from '../../signaling';
import { formatRtt } from '../format';
import { boxesOverlap, insideCanvas, type ClusterLayout, type Point, type Rect } from './layout';
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
  mode: 'live' | 'replay' | 'sandbox';
  selfId: MemberId | null;
  roster: RosterMessage | null;
  ownLinks: Record<MemberId, LinkState>;
  rttMs: Record<MemberId, number>;
  /** Other members' snapshots, whose round trips label the links this tab is not on. */
  telemetry: Record<MemberId, NodeSnapshot>;
  shapes: Record<string, LinkSettings>;
  /** The sandbox's partition in force (one side), or null: links across it are shown cut. */
  partition?: readonly MemberId[] | null;
}

export function linkViews(members: readonly MemberId[], inputs: LinkInputs): LinkView[] {
  return pairs(sortedMembers(members)).map(([a, b]) => linkView(a, b, inputs));
}

function linkView(a: MemberId, b: MemberId, inputs: LinkInputs): LinkView {
  const key = linkKey(a, b);
  if (inputs.mode === 'replay') return { key, a, b, state: 'open', shape: null, rttMs: null };
  if (inputs.mode === 'sandbox') return sandboxLinkView(key, a, b, inputs);
  const shape = inputs.shapes[key] ?? null;
  const peer = a === inputs.selfId ? b : b === inputs.selfId ? a : null;
  const open = peer !== null ? inputs.ownLinks[peer] === 'open' : rosterLinkOpen(inputs.roster, a, b);
  let state: LinkViewState = open ? 'open' : 'connecting';
  if (shape?.cut) state = 'cut';
  else if (open && shape && shape.lossPercent > 0) state = 'lossy';
  const rttMs = peer !== null ? inputs.rttMs[peer] : (inputs.telemetry[a]?.rttMs?.[b] ?? inputs.telemetry[b]?.rttMs?.[a]);
  return { key, a, b, state, shape, rttMs: rttMs ?? null };
}

/** A sandbox link: open unless its shape cuts it or the partition separates its ends; no round trip is measured. */
function sandboxLinkView(key: string, a: MemberId, b: MemberId, inputs: LinkInputs): LinkView {
  const shape = inputs.shapes[key] ?? null;
  const partitioned = inputs.partition ? inputs.partition.includes(a) !== inputs.partition.includes(b) : false;
  const state: LinkViewState = shape?.cut || partitioned ? 'cut' : shape && shape.lossPercent > 0 ? 'lossy' : 'open';
  return { key, a, b, state, shape, rttMs: null };
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

/** Handles sit this far along a link from its smaller end, so crossing diagonals never share one. */
const HANDLE_AT = 0.42;
const HANDLE_RADIUS = 9;
/** Width of one character of a link label (11 px monospace), and the label's height. */
const LABEL_CHAR_WIDTH = 6.8;
const LABEL_HEIGHT = 13;

/** Where a link's label goes, and whether it is shown (it fits) or only on hover. */
export interface LabelPlace {
  text: string;
  x: number;
  y: number;
  fits: boolean;
}

export function handleOf(layout: ClusterLayout, link: LinkView): Point | null {
  const a = layout.nodes.get(link.a);
  const b = layout.nodes.get(link.b);
  if (!a || !b) return null;
  return { x: a.x + (b.x - a.x) * HANDLE_AT, y: a.y + (b.y - a.y) * HANDLE_AT };
}

/**
 * Places each link's label beside its handle, across the link, and keeps it where it overlaps no
 * node glyph, no handle and no label kept before it (links in order).
 */
export function placeLinkLabels(layout: ClusterLayout, links: readonly LinkView[]): Map<string, LabelPlace> {
  const obstacles: Rect[] = [...layout.nodes.values()].map((node) => node.box);
  for (const link of links) {
    const handle = handleOf(layout, link);
    if (handle) obstacles.push({ x: handle.x - HANDLE_RADIUS, y: handle.y - HANDLE_RADIUS, width: 2 * HANDLE_RADIUS, height: 2 * HANDLE_RADIUS });
  }
  const places = new Map<string, LabelPlace>();
  for (const link of links) {
    const text = linkLabel(link);
    const place = text ? labelPlace(layout, link, text) : null;
    if (!place) continue;
    const box = labelBox(place);
    place.fits = insideCanvas(box, layout.width, layout.height) && !obstacles.some((other) => boxesOverlap(box, other));
    if (place.fits) obstacles.push(box);
    places.set(link.key, place);
  }
  return places;
}

function labelPlace(layout: ClusterLayout, link: LinkView, text: string): LabelPlace | null {
  const a = layout.nodes.get(link.a);
  const b = layout.nodes.get(link.b);
  const handle = handleOf(layout, link);
  if (!a || !b || !handle) return null;
  const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const normal = { x: -(b.y - a.y) / length, y: (b.x - a.x) / length };
  const offset = HANDLE_RADIUS + 7 + Math.abs(normal.x) * (text.length * LABEL_CHAR_WIDTH) / 2;
  return { text, x: handle.x + normal.x * offset, y: handle.y + normal.y * offset + 3, fits: false };
}

/** The label's text box: centred on x, its baseline at y. */
function labelBox(place: LabelPlace): Rect {
  const width = place.text.length * LABEL_CHAR_WIDTH + 4;
  return { x: place.x - width / 2, y: place.y - LABEL_HEIGHT + 3, width, height: LABEL_HEIGHT };
}

/** Whether two placements of a label look the same. */
export function sameLabelPlace(a: LabelPlace | undefined, b: LabelPlace | undefined): boolean {
  if (!a || !b) return a === b;
  return a.text === b.text && a.x === b.x && a.y === b.y && a.fits === b.fits;
}

/** The round trip, cut or shape of a link, as printed beside it. */
export function linkLabel(link: LinkView): string {
  const parts: string[] = [];
  if (link.state === 'cut') parts.push('cut');
  else if (link.rttMs !== null) parts.push(formatRtt(link.rttMs));
  if (link.shape && !link.shape.cut && link.shape.lossPercent > 0) parts.push(`${link.shape.lossPercent}% loss`);
  if (link.shape && !link.shape.cut && link.shape.delayMs > 0) parts.push(`+${link.shape.delayMs} ms`);
  return parts.join(' · ');
}
