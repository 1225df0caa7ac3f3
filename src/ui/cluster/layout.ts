// Where everything of the cluster view sits, as a pure function of the members and the canvas size:
// members on one ellipse (or, when that is too crowded, on concentric ones), each with its glyph (a
// node with its ack ring) and its receive buffers — a card of slots for a few senders, a compact
// strip beyond that — sized so that no two glyphs overlap and all stay inside the canvas.

import type { MemberId } from '../../core';

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * How the receive buffers are drawn: a card with a slot per sender that prints its serial, the
 * same card with small slots, or a compact strip of cells under the node (many senders).
 */
export type BufferDetail = 'card' | 'compact-card' | 'strip';

export type Arrangement = 'ellipse' | 'grid';

export interface NodeLayout extends Point {
  id: MemberId;
  /** Top-left corner of the node's buffers (card or strip). */
  card: Point;
  /** The glyph's bounding box (halo, ring and buffers), in canvas coordinates. */
  box: Rect;
}

export interface CardGeometry {
  detail: BufferDetail;
  width: number;
  height: number;
  slotWidth: number;
  slotHeight: number;
  slotGap: number;
  /** Slots per row (a card has one row; a strip wraps). */
  columns: number;
  /** Offset of the first slot in the card. */
  slotsX: number;
  slotsY: number;
  /** Where the committed count is shown, relative to the card; null when it does not fit (it is on hover). */
  log: Rect | null;
  /** Slots are big enough to print serials in. */
  slotText: boolean;
  /** The card has a background and the captions "buffers" and "log". */
  captions: boolean;
}

/** Which texts of a node fit inside its circle; the others are shown on hover. */
export interface NodeLabels {
  id: boolean;
  serial: boolean;
  phase: boolean;
}

export interface ClusterLayout {
  width: number;
  height: number;
  nodeRadius: number;
  ringWidth: number;
  /** Outer radius of the ack ring. */
  ringOuter: number;
  /** Radius of the halo drawn around this tab's own node; the glyph's box includes it. */
  haloRadius: number;
  card: CardGeometry;
  labels: NodeLabels;
  /** Members sit on an ellipse, or, on a canvas too crowded for one, in a grid. */
  arrangement: Arrangement;
  members: readonly MemberId[];
  nodes: Map<MemberId, NodeLayout>;
}

/** Up to this many senders, each node shows a card with a slot per sender; beyond, a strip. */
export const CARD_MAX_MEMBERS = 8;
/** A card's slots wrap into two rows beyond this many senders. */
const CARD_ROW_MAX = 4;
const MARGIN = 8;
const CARD_GAP = 10;
/** The smallest space kept between two glyphs' boxes. */
const BOX_GAP = 2;
const MAX_RADIUS = 44;
/** The smallest node radius tried for each buffer detail (cards need room for the serial text). */
const MIN_RADIUS: Record<BufferDetail, number> = { card: 14, 'compact-card': 12, strip: 3 };
/** Node radii tried: from the largest down, each this much smaller than the one before. */
const RADIUS_STEP = 0.94;
/** Below this node radius, a grid is tried before smaller glyphs on an ellipse. */
const PREFERRED_MIN_RADIUS = 12;

export function layoutCluster(members: readonly MemberId[], width: number, height: number): ClusterLayout {
  const largest = Math.min(MAX_RADIUS, Math.max(MIN_RADIUS.strip, Math.min(width, height) * 0.09));
  for (const { detail, arrangement, smallest } of candidates(members.length)) {
    for (const radius of radiiFrom(largest, smallest)) {
      const layout = placeMembers(members, width, height, detail, radius, arrangement);
      if (layout && glyphsFit(layout)) return layout;
    }
  }
  // A canvas smaller than any the view is meant for: the smallest glyphs, even if they overlap.
  return placeMembers(members, width, height, 'strip', MIN_RADIUS.strip, 'ellipse') ?? emptyLayout(members, width, height);
}

/** Whether every glyph lies inside the canvas and no two glyphs' boxes overlap. */
export function glyphsFit(layout: ClusterLayout): boolean {
  const boxes = [...layout.nodes.values()].map((node) => node.box);
  return boxes.every((box) => insideCanvas(box, layout.width, layout.height)) && !anyOverlap(boxes, BOX_GAP);
}

export function insideCanvas(box: Rect, width: number, height: number): boolean {
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
}

/** Whether two boxes overlap, or come closer than `gap`. */
export function boxesOverlap(a: Rect, b: Rect, gap = 0): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

function anyOverlap(boxes: readonly Rect[], gap: number): boolean {
  for (let i = 0; i < boxes.length; i += 1) for (let j = i + 1; j < boxes.length; j += 1) if (boxesOverlap(boxes[i], boxes[j], gap)) return true;
  return false;
}

/** Centre of the slot that holds `sender`'s buffered message on `node`'s card. */
export function slotCenter(layout: ClusterLayout, node: NodeLayout, sender: MemberId): Point | null {
  const index = layout.members.indexOf(sender);
  if (index < 0) return null;
  const slot = slotOrigin(layout.card, index);
  return { x: node.card.x + slot.x + layout.card.slotWidth / 2, y: node.card.y + slot.y + layout.card.slotHeight / 2 };
}

/** Top-left corner of the `index`-th sender's slot, relative to the card. */
export function slotOrigin(card: CardGeometry, index: number): Point {
  const column = index % card.columns;
  const row = Math.floor(index / card.columns);
  return { x: card.slotsX + column * (card.slotWidth + card.slotGap), y: card.slotsY + row * (card.slotHeight + card.slotGap) };
}

/** Where a commit goes: the log, or the node itself when the log is not shown. */
export function logCenter(layout: ClusterLayout, node: NodeLayout): Point {
  const log = layout.card.log;
  if (!log) return { x: node.x, y: node.y };
  return { x: node.card.x + log.x + log.width / 2, y: node.card.y + log.y + log.height / 2 };
}

interface Candidate {
  detail: BufferDetail;
  arrangement: Arrangement;
  /** The smallest node radius tried. */
  smallest: number;
}

/**
 * What is tried, best first: cards (only for a few senders), then strips on an ellipse (links stay
 * clear of the nodes), then strips in a grid, then smaller glyphs on an ellipse or a grid.
 */
function candidates(count: number): Candidate[] {
  const cards: Candidate[] = [
    { detail: 'card', arrangement: 'ellipse', smallest: MIN_RADIUS.card },
    { detail: 'compact-card', arrangement: 'ellipse', smallest: MIN_RADIUS['compact-card'] },
  ];
  const strips: Candidate[] = [
    { detail: 'strip', arrangement: 'ellipse', smallest: PREFERRED_MIN_RADIUS },
    { detail: 'strip', arrangement: 'grid', smallest: PREFERRED_MIN_RADIUS },
    { detail: 'strip', arrangement: 'ellipse', smallest: MIN_RADIUS.strip },
    { detail: 'strip', arrangement: 'grid', smallest: MIN_RADIUS.strip },
  ];
  return [...(count <= CARD_MAX_MEMBERS ? cards : []), ...strips];
}

function radiiFrom(largest: number, smallest: number): number[] {
  const radii: number[] = [];
  for (let r = largest; r > smallest; r *= RADIUS_STEP) radii.push(r);
  radii.push(smallest);
  return radii;
}

/** The layout with node radius `r`, or null when the arrangement has no room at all. */
function placeMembers(members: readonly MemberId[], width: number, height: number, detail: BufferDetail, r: number, arrangement: Arrangement): ClusterLayout | null {
  const ringWidth = Math.max(Math.min(4, r * 0.25), r * 0.16, 1.5);
  const ringOuter = r + 2 + ringWidth;
  const haloRadius = ringOuter + Math.min(5, Math.max(2, r * 0.2));
  const card = cardGeometry(detail, members.length, 2 * ringOuter);
  const base = { width, height, nodeRadius: r, ringWidth, ringOuter, haloRadius, card, labels: labelsFor(r), members };
  const placed = placeNodes(members.length, width, height, haloRadius, card, arrangement);
  if (!placed) return null;
  const nodes = new Map<MemberId, NodeLayout>();
  members.forEach((id, i) => {
    const { x, y, offset } = placed[i];
    const card = { x: x + offset.x, y: y + offset.y };
    nodes.set(id, { id, x, y, card, box: glyphBox({ x, y }, haloRadius, card, base.card) });
  });
  return { ...base, arrangement, nodes };
}

function placeNodes(count: number, width: number, height: number, haloRadius: number, card: CardGeometry, arrangement: Arrangement): Placed[] | null {
  if (card.detail !== 'strip') return placeWithCards(count, width, height, haloRadius, card);
  return arrangement === 'grid' ? placeOnGrid(count, width, height, haloRadius, card) : placeOnEllipse(count, width, height, haloRadius, card);
}

/** A canvas with no room even for the smallest glyphs: nodes at its centre (nothing readable to draw). */
function emptyLayout(members: readonly MemberId[], width: number, height: number): ClusterLayout {
  const r = MIN_RADIUS.strip;
  const card = stripGeometry(members.length, 2 * r);
  const nodes = new Map<MemberId, NodeLayout>(members.map((id) => [id, { id, x: width / 2, y: height / 2, card: { x: width / 2, y: height / 2 }, box: { x: width / 2, y: height / 2, width: 0, height: 0 } }]));
  return { width, height, nodeRadius: r, ringWidth: 1.5, ringOuter: r, haloRadius: r, card, labels: labelsFor(r), arrangement: 'ellipse', members, nodes };
}

function labelsFor(r: number): NodeLabels {
  return { id: r >= 12, serial: r >= 16, phase: r >= 22 };
}

function glyphBox(center: Point, haloRadius: number, card: Point, geometry: CardGeometry): Rect {
  const left = Math.min(center.x - haloRadius, card.x);
  const top = Math.min(center.y - haloRadius, card.y);
  const right = Math.max(center.x + haloRadius, card.x + geometry.width);
  const bottom = Math.max(center.y + haloRadius, card.y + geometry.height);
  return { x: left, y: top, width: right - left, height: bottom - top };
}

function cardGeometry(detail: BufferDetail, count: number, glyphWidth: number): CardGeometry {
  return detail === 'strip' ? stripGeometry(count, glyphWidth) : slotCard(detail, count);
}

function slotCard(detail: 'card' | 'compact-card', count: number): CardGeometry {
  const slotText = detail === 'card';
  const slotWidth = slotText ? 28 : 12;
  const slotHeight = slotText ? 20 : 12;
  const slotGap = 3;
  const slotsX = 6;
  const slotsY = 14;
  const rows = count > CARD_ROW_MAX ? 2 : 1;
  const columns = Math.max(1, Math.ceil(count / rows));
  const log = { x: slotsX + columns * (slotWidth + slotGap) + 4, y: slotsY, width: 54, height: slotHeight };
  const width = log.x + log.width + 6;
  const height = slotsY + rows * slotHeight + (rows - 1) * slotGap + 6;
  return { detail, width, height, slotWidth, slotHeight, slotGap, columns, slotsX, slotsY, log, slotText, captions: true };
}

/** Senders' cells in rows of at most 16, at least as wide as the glyph; the count below when it fits. */
function stripGeometry(count: number, glyphWidth: number): CardGeometry {
  const rows = Math.max(1, Math.ceil(count / 16));
  const columns = Math.max(1, Math.ceil(count / rows));
  const width = Math.max(glyphWidth, columns * 2);
  const pitch = width / columns;
  const slotGap = pitch >= 5 ? 1 : 0;
  const slotWidth = pitch - slotGap;
  const slotHeight = Math.min(6, Math.max(3, slotWidth));
  const stripHeight = rows * slotHeight + (rows - 1) * slotGap;
  const log = width >= 30 ? { x: 0, y: stripHeight + 2, width, height: 11 } : null;
  const height = log ? log.y + log.height : stripHeight;
  return { detail: 'strip', width, height, slotWidth, slotHeight, slotGap, columns, slotsX: 0, slotsY: 0, log, slotText: false, captions: false };
}

/** A strip sits just below the node's halo, centred. */
function stripOffset(haloRadius: number, card: CardGeometry): Point {
  return { x: -card.width / 2, y: haloRadius + 2 };
}

interface Placed extends Point {
  /** The card's top-left corner relative to the node. */
  offset: Point;
}

/** Up to CARD_MAX_MEMBERS nodes on one ellipse, each card above, below or beside its node, clear of the links. */
function placeWithCards(count: number, width: number, height: number, haloRadius: number, card: CardGeometry): Placed[] | null {
  const angles = Array.from({ length: count }, (_, i) => angleOf(i, count));
  const offsets = angles.map((angle) => cardOffset(angle, haloRadius, card));
  const extents = offsets.map((offset) => extentOf(offset, haloRadius, card));
  const axes = ellipseAxes(angles, extents, width, height, maxAspect(count));
  if (!axes) return null;
  return angles.map((angle, i) => ({ x: width / 2 + axes.x * Math.cos(angle), y: height / 2 + axes.y * Math.sin(angle), offset: offsets[i] }));
}

/** Nodes with strips spread evenly by arc length along one ellipse. */
function placeOnEllipse(count: number, width: number, height: number, haloRadius: number, card: CardGeometry): Placed[] | null {
  const offset = stripOffset(haloRadius, card);
  const extent = extentOf(offset, haloRadius, card);
  const axes = ellipseAxes([0, Math.PI / 2, Math.PI, -Math.PI / 2], [extent, extent, extent, extent], width, height, maxAspect(count));
  if (!axes) return null;
  const start = -Math.PI / 2 + Math.PI / Math.max(1, count);
  return evenlyAlongEllipse(axes, count, start).map((angle) => ({ x: width / 2 + axes.x * Math.cos(angle), y: height / 2 + axes.y * Math.sin(angle), offset }));
}

/**
 * Nodes with strips in rows and columns, for a canvas too crowded for an ellipse: links then pass
 * behind other nodes, but every glyph keeps a readable size.
 */
function placeOnGrid(count: number, width: number, height: number, haloRadius: number, card: CardGeometry): Placed[] | null {
  const offset = stripOffset(haloRadius, card);
  const extent = extentOf(offset, haloRadius, card);
  const box = { width: extent.right - extent.left, height: extent.bottom - extent.top };
  const room = { width: width - 2 * MARGIN, height: height - 2 * MARGIN };
  const columns = bestColumns(count, room, box);
  const rows = Math.ceil(count / columns);
  const cell = { width: room.width / columns, height: room.height / rows };
  if (cell.width < box.width || cell.height < box.height) return null;
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / columns);
    const inRow = row === rows - 1 ? count - row * columns : columns;
    const column = i % columns;
    const left = MARGIN + (room.width - inRow * cell.width) / 2 + column * cell.width;
    const top = MARGIN + row * cell.height;
    return { x: left + cell.width / 2 - (extent.left + extent.right) / 2, y: top + cell.height / 2 - (extent.top + extent.bottom) / 2, offset };
  });
}

/** The number of columns that leaves each glyph the most room, relative to its box. */
function bestColumns(count: number, room: { width: number; height: number }, box: { width: number; height: number }): number {
  let best = 1;
  let bestScale = 0;
  for (let columns = 1; columns <= count; columns += 1) {
    const rows = Math.ceil(count / columns);
    const scale = Math.min(room.width / columns / box.width, room.height / rows / box.height);
    if (scale > bestScale) {
      best = columns;
      bestScale = scale;
    }
  }
  return best;
}

/** Parameter angles of `n` points spaced evenly by arc length along the ellipse, the first at `start`. */
function evenlyAlongEllipse(axes: Point, n: number, start: number): number[] {
  const samples = 720;
  const lengths = [0];
  for (let i = 1; i <= samples; i += 1) {
    const t0 = start + ((i - 1) * 2 * Math.PI) / samples;
    const t1 = start + (i * 2 * Math.PI) / samples;
    lengths.push(lengths[i - 1] + Math.hypot(axes.x * (Math.cos(t1) - Math.cos(t0)), axes.y * (Math.sin(t1) - Math.sin(t0))));
  }
  const perimeter = lengths[samples];
  const angles: number[] = [];
  let sample = 0;
  for (let k = 0; k < n; k += 1) {
    const wanted = (k * perimeter) / n;
    while (sample < samples && lengths[sample + 1] < wanted) sample += 1;
    angles.push(start + (sample * 2 * Math.PI) / samples);
  }
  return angles;
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

/** The card's top-left corner relative to its node: above or below it, or beside it for nodes level with the centre. */
function cardOffset(angle: number, haloRadius: number, card: CardGeometry): Point {
  const sin = Math.sin(angle);
  const cos = Math.cos(angle);
  if (Math.abs(sin) < 0.45) {
    const x = cos >= 0 ? haloRadius + CARD_GAP : -haloRadius - CARD_GAP - card.width;
    return { x, y: -card.height / 2 };
  }
  const y = sin < 0 ? -haloRadius - CARD_GAP - card.height : haloRadius + CARD_GAP;
  return { x: -card.width / 2, y };
}

/** How far a glyph reaches from its node's centre, each way. */
interface Extent {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function extentOf(offset: Point, haloRadius: number, card: CardGeometry): Extent {
  return {
    left: Math.min(-haloRadius, offset.x),
    right: Math.max(haloRadius, offset.x + card.width),
    top: Math.min(-haloRadius, offset.y),
    bottom: Math.max(haloRadius, offset.y + card.height),
  };
}

/** How much wider than high (or higher than wide) the ellipse may be: a few nodes keep near a circle, many take the canvas's shape. */
function maxAspect(count: number): number {
  return 1.25 + count / 32;
}

/**
 * The largest ellipse (semi-axes) on which every glyph at the given angles stays inside the canvas,
 * at most `aspect` times wider than high or higher than wide; null when there is no room.
 */
function ellipseAxes(angles: readonly number[], extents: readonly Extent[], width: number, height: number, aspect: number): Point | null {
  let x = Infinity;
  let y = Infinity;
  angles.forEach((angle, i) => {
    const e = extents[i];
    x = Math.min(x, limit(Math.cos(angle), width / 2 - MARGIN - e.right, width / 2 - MARGIN + e.left));
    y = Math.min(y, limit(Math.sin(angle), height / 2 - MARGIN - e.bottom, height / 2 - MARGIN + e.top));
  });
  const roomX = Math.min(...extents.map((e) => Math.min(width / 2 - MARGIN - e.right, width / 2 - MARGIN + e.left)));
  const roomY = Math.min(...extents.map((e) => Math.min(height / 2 - MARGIN - e.bottom, height / 2 - MARGIN + e.top)));
  if (x === Infinity) x = Math.max(0, roomX);
  if (y === Infinity) y = Math.max(0, roomY);
  if (x < 0 || y < 0) return null;
  return { x: Math.min(x, aspect * Math.max(y, roomY)), y: Math.min(y, aspect * Math.max(x, roomX)) };
}

/** Largest r with r·d ≤ roomAhead (d > 0) or r·|d| ≤ roomBehind (d < 0). */
function limit(direction: number, roomAhead: number, roomBehind: number): number {
  if (direction > 1e-9) return roomAhead / direction;
  if (direction < -1e-9) return roomBehind / -direction;
  return Infinity;
}
