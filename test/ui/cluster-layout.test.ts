// The cluster view's layout, for every cluster size from 2 to 64 and every canvas from a phone to
// a projector: no two node glyphs (halo, ring and buffers) overlap, and all lie inside the canvas.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutCluster, slotCenter, type ClusterLayout, type Rect } from '../../src/ui/cluster/layout';

/** Rounding slack for "A lies within B" checks (the box is computed from the same numbers). */
const EPSILON = 1e-9;

const members = (count: number): string[] => Array.from({ length: count }, (_, i) => `node-${i + 1}`);

/** Checked here independently of the layout's own search: plain rectangle arithmetic. */
function overlapping(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function problems(layout: ClusterLayout): string[] {
  const nodes = [...layout.nodes.values()];
  const found: string[] = [];
  for (const node of nodes) {
    const { x, y, width, height } = node.box;
    if (x < 0 || y < 0 || x + width > layout.width || y + height > layout.height) found.push(`${node.id} outside the canvas`);
    const ring = layout.ringOuter;
    if (node.x - ring < x - EPSILON || node.x + ring > x + width + EPSILON || node.y - ring < y - EPSILON || node.y + ring > y + height + EPSILON) found.push(`${node.id}'s ring outside its box`);
    const card = layout.card;
    if (node.card.x < x - EPSILON || node.card.y < y - EPSILON || node.card.x + card.width > x + width + EPSILON || node.card.y + card.height > y + height + EPSILON) found.push(`${node.id}'s buffers outside its box`);
  }
  for (let i = 0; i < nodes.length; i += 1) for (let j = i + 1; j < nodes.length; j += 1) if (overlapping(nodes[i].box, nodes[j].box)) found.push(`${nodes[i].id} overlaps ${nodes[j].id}`);
  return found;
}

describe('cluster layout', () => {
  it('keeps every glyph inside the canvas and apart from the others, from 2 to 64 nodes, phone to projector', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 360, max: 1920 }), fc.integer({ min: 400, max: 900 }), (count, width, height) => {
        expect(problems(layoutCluster(members(count), width, height))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    [2, 360, 400],
    [8, 840, 520],
    [32, 840, 520],
    [64, 360, 400],
    [64, 1920, 900],
  ])('lays out %i nodes on %i×%i without overlap', (count, width, height) => {
    const layout = layoutCluster(members(count), width, height);
    expect(layout.nodes.size).toBe(count);
    expect(problems(layout)).toEqual([]);
  });

  it('gives every sender a slot inside every node’s buffers', () => {
    for (const count of [3, 8, 9, 33, 64]) {
      const layout = layoutCluster(members(count), 840, 520);
      const node = layout.nodes.get('node-1')!;
      for (const sender of layout.members) {
        const slot = slotCenter(layout, node, sender)!;
        expect(slot.x).toBeGreaterThan(node.card.x);
        expect(slot.x).toBeLessThan(node.card.x + layout.card.width);
        expect(slot.y).toBeGreaterThan(node.card.y);
        expect(slot.y).toBeLessThan(node.card.y + layout.card.height);
      }
    }
  });

  it('shows per-sender cards up to 8 senders on a roomy canvas, and a compact strip beyond', () => {
    expect(layoutCluster(members(8), 1280, 700).card.detail).toBe('card');
    expect(layoutCluster(members(9), 1280, 700).card.detail).toBe('strip');
  });

  it('gives a few nodes bigger glyphs than many on the same canvas', () => {
    expect(layoutCluster(members(3), 840, 520).nodeRadius).toBeGreaterThan(layoutCluster(members(32), 840, 520).nodeRadius);
  });
});
