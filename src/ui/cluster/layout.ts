// Where everything of the cluster view sits: members on a circle, each with its glyph (a node with
// its ack ring) and a card of receive-buffer slots and the log, placed away from the links.

import type { MemberId } from '../../core';

export interface Point {
  x: number;
  y: number;
}

export interface NodeLayout extends Point {
  id: MemberId;
  /** Top-left corner of the node's card (buffer slots and log). */
  card: Point;
}

export interface CardGeometry {
  width: number;
  height: number;
  slotWidth: number;
  slotHeight: number;
  slotGap: number;
  /** Offset of the first slot in the card. */
  slotsX: number;
  slotsY: number;
  logX: number;
  logWidth: number;
  /** Slots are big enough to print serials in. */
  slotText: boolean;
}

export interface ClusterLayout {
  width: number;
  height: number;
  nodeRadius: number;
  ringWidth: number;
  card: CardGeometry;
  members: readonly MemberId[];
  nodes: Map<MemberId, NodeLayout>;
}

const MARGIN = 12;
const CARD_GAP = 12;

export function layoutCluster(members: readonly MemberId[], width: number, height: number): ClusterLayout {
  const count = Math.max(1, members.length);
  const nodeRadius = clamp(Math.min(width, height) * 0.075 * Math.min(1, 6 / count) ** 0.5, 16, 44);
  const ringWidth = Math.max(4, nodeRadius * 0.16);
  const card = cardGeometry(count);
  const directions = members.map((_, i) => angleOf(i, count));
  const offsets = directions.map((angle) => cardOffset(angle, nodeRadius + ringWidth, card));
  const radius = members.length <= 1 ? 0 : fittingRadius(directions, offsets, nodeRadius + ringWidth, card, width, height);
  const center = { x: width / 2, y: height / 2 };
  const nodes = new Map<MemberId, NodeLayout>();
  members.forEach((id, i) => {
    const x = center.x + radius * Math.cos(directions[i]);
    const y = center.y + radius * Math.sin(directions[i]);
    nodes.set(id, { id, x, y, card: { x: x + offsets[i].x, y: y + offsets[i].y } });
  });
  return { width, height, nodeRadius, ringWidth, card, members, nodes };
}

/** Centre of the slot that holds `sender`'s buffered message on `node`'s card. */
export function slotCenter(layout: ClusterLayout, node: NodeLayout, sender: MemberId): Point | null {
  const index = layout.members.indexOf(sender);
  if (index < 0) return null;
  const c = layout.card;
  return { x: node.card.x + c.slotsX + index * (c.slotWidth + c.slotGap) + c.slotWidth / 2, y: node.card.y + c.slotsY + c.slotHeight / 2 };
}

export function logCenter(layout: ClusterLayout, node: NodeLayout): Point {
  const c = layout.card;
  return { x: node.card.x + c.logX + c.logWidth / 2, y: node.card.y + c.slotsY + c.slotHeight / 2 };
}

/**
 * Nodes spread evenly, rotated so that none sits exactly level with the centre when that can be
 * avoided (their cards go above or below them, clear of the links).
 */
function angleOf(index: number, count: number): number {
  if (count === 1) return -Math.PI / 2;
  const start = count === 2 ? 0 : -Math.PI / 2 + Math.PI / count;
  return start + (index * 2 * Math.PI) / count;
}

function cardGeometry(count: number): CardGeometry {
  const slotText = count <= 10;
  const slotWidth = slotText ? 28 : 12;
  const slotHeight = slotText ? 20 : 12;
  const slotGap = 3;
  const slotsX = 6;
  const slotsY = 14;
  const logX = slotsX + count * (slotWidth + slotGap) + 4;
  const logWidth = 54;
  return { width: logX + logWidth + 6, height: slotsY + slotHeight + 6, slotWidth, slotHeight, slotGap, slotsX, slotsY, logX, logWidth, slotText };
}

/** The card's top-left corner relative to its node: above or below it, or beside it for nodes level with the centre. */
function cardOffset(angle: number, glyphRadius: number, card: CardGeometry): Point {
  const sin = Math.sin(angle);
  const cos = Math.cos(angle);
  if (Math.abs(sin) < 0.45) {
    const x = cos >= 0 ? glyphRadius + CARD_GAP : -glyphRadius - CARD_GAP - card.width;
    return { x, y: -card.height / 2 };
  }
  const y = sin < 0 ? -glyphRadius - CARD_GAP - card.height : glyphRadius + CARD_GAP;
  return { x: -card.width / 2, y };
}

/** The largest circle on which every glyph and card stays inside the view. */
function fittingRadius(angles: number[], offsets: Point[], glyphRadius: number, card: CardGeometry, width: number, height: number): number {
  let radius = Infinity;
  angles.forEach((angle, i) => {
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const left = Math.min(-glyphRadius, offsets[i].x);
    const right = Math.max(glyphRadius, offsets[i].x + card.width);
    const top = Math.min(-glyphRadius, offsets[i].y);
    const bottom = Math.max(glyphRadius, offsets[i].y + card.height);
    radius = Math.min(radius, limit(cos, width / 2 - MARGIN - right, width / 2 - MARGIN + left));
    radius = Math.min(radius, limit(sin, height / 2 - MARGIN - bottom, height / 2 - MARGIN + top));
  });
  return Math.max(glyphRadius * 1.5, radius);
}

/** Largest r with r·d ≤ roomAhead (d > 0) or r·|d| ≤ roomBehind (d < 0). */
function limit(direction: number, roomAhead: number, roomBehind: number): number {
  if (direction > 1e-9) return roomAhead / direction;
  if (direction < -1e-9) return roomBehind / -direction;
  return Infinity;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
