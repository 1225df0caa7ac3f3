// Reads the cluster view's node glyphs as the page lays them out (each glyph is an SVG element whose
// bounding box covers its halo, ring and buffers), to check that none overlaps another and all lie
// inside the view.

import { expect, type Page } from '@playwright/test';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GlyphBoxes {
  /** The cluster view's drawing area. */
  canvas: Box;
  glyphs: { id: string; box: Box }[];
}

/** The glyph boxes of the cluster view, in page pixels. */
export async function glyphBoxes(page: Page): Promise<GlyphBoxes> {
  // No named helpers inside: the function runs in the page, as its source text.
  return page.locator('.cluster-view svg').evaluate((svg) => {
    const glyphs = [...svg.querySelectorAll<SVGGElement>('g.node[data-testid^="node-"]')].map((g) => {
      const r = g.getBoundingClientRect();
      return { id: g.dataset.testid!.slice('node-'.length), box: { x: r.x, y: r.y, width: r.width, height: r.height } };
    });
    const r = svg.getBoundingClientRect();
    return { canvas: { x: r.x, y: r.y, width: r.width, height: r.height }, glyphs };
  });
}

/** What is wrong with the glyphs' placement: overlaps and glyphs outside the view (empty when fine). */
export function glyphProblems({ canvas, glyphs }: GlyphBoxes): string[] {
  const slack = 0.5; // sub-pixel rounding of the browser's boxes
  const problems: string[] = [];
  for (const { id, box } of glyphs) {
    const inside = box.x >= canvas.x - slack && box.y >= canvas.y - slack && box.x + box.width <= canvas.x + canvas.width + slack && box.y + box.height <= canvas.y + canvas.height + slack;
    if (!inside) problems.push(`${id} lies outside the view`);
  }
  for (let i = 0; i < glyphs.length; i += 1) {
    for (let j = i + 1; j < glyphs.length; j += 1) {
      const a = glyphs[i].box;
      const b = glyphs[j].box;
      const overlap = a.x < b.x + b.width - slack && b.x < a.x + a.width - slack && a.y < b.y + b.height - slack && b.y < a.y + a.height - slack;
      if (overlap) problems.push(`${glyphs[i].id} overlaps ${glyphs[j].id}`);
    }
  }
  return problems;
}

/** Expects `count` glyphs, apart from each other and inside the view. */
export async function expectGlyphsApart(page: Page, count: number): Promise<void> {
  await expect(page.locator('.cluster-view svg g.node')).toHaveCount(count);
  expect(glyphProblems(await glyphBoxes(page))).toEqual([]);
}
