// The run parameters as typed in the run controls and the sandbox controls.

import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../src/core';
import { draftFromParams, paramsFromDraft } from '../../src/ui/store';

describe('paramsFromDraft', () => {
  it('reads back what draftFromParams wrote', () => {
    const params = { ...DEFAULT_PARAMS, sendForMs: 2500, seed: 7, window: 4 };
    expect(paramsFromDraft(draftFromParams(params))).toEqual(params);
  });

  it('names a bad field in the words of the controls', () => {
    expect(paramsFromDraft({ ...draftFromParams(DEFAULT_PARAMS), tickMs: '0' })).toMatch(/^Check the run parameters: .*tick/);
    expect(paramsFromDraft({ ...draftFromParams(DEFAULT_PARAMS), seed: '' })).toMatch(/^Check the run parameters: .*seed/);
  });
});
