// The README's opening paragraph describes what the project is today, not what it once planned.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The README's first paragraph after the title. */
function openingParagraph(): string {
  const afterTitle = readFileSync('README.md', 'utf8').split('\n').slice(1).join('\n').trim();
  return afterTitle.split(/\n\s*\n/)[0].replace(/\s+/g, ' ');
}

describe('README', () => {
  it('opens with the parts that exist, none of them "in progress"', () => {
    const opening = openingParagraph();
    expect(opening).not.toMatch(/in progress|planned|coming soon|TODO/i);
    for (const part of ['simulator', 'WebRTC mesh', 'browser tabs', 'CLI nodes', 'visualisation']) expect(opening).toContain(part);
  });
});
