// Slow motion: a playhead slower than real time falls behind the live edge and stays behind,
// even when the live edge steps back a little (it trails real time by a changing flight time).

import { describe, expect, it } from 'vitest';
import { Playhead } from '../../src/ui/timeline/playhead';

/** A live edge that trails real time (ms) by `lagUs`, which the test changes. */
function liveEdge() {
  const edge = { nowMs: 0, lagUs: 100_000 };
  const bounds = { earliest: () => -Infinity, latest: () => edge.nowMs * 1000 - edge.lagUs };
  return { edge, bounds };
}

describe('Playhead', () => {
  it('at 0.1× falls behind live although the live edge steps back', () => {
    const { edge, bounds } = liveEdge();
    const playhead = new Playhead(bounds, bounds.latest(), 0);
    playhead.setScale(0.1, 0);
    for (let ms = 16; ms <= 2000; ms += 16) {
      edge.nowMs = ms;
      if (ms === 32) edge.lagUs += 40_000; // the flight time estimate grows while the playhead is still near the edge
      playhead.time(ms);
    }
    expect(playhead.behind(2000)).toBeGreaterThan(1_000_000);
  });

  it('at 1× keeps following the live edge', () => {
    const { edge, bounds } = liveEdge();
    const playhead = new Playhead(bounds, bounds.latest(), 0);
    for (let ms = 16; ms <= 2000; ms += 16) {
      edge.nowMs = ms;
      if (ms % 160 === 0) edge.lagUs += 20_000;
      playhead.time(ms);
    }
    expect(playhead.behind(2000)).toBe(0);
    expect(playhead.time(2000)).toBe(bounds.latest());
  });

  it('stops when paused', () => {
    const { edge, bounds } = liveEdge();
    const playhead = new Playhead(bounds, bounds.latest(), 0);
    edge.nowMs = 500;
    playhead.pause(500);
    const at = playhead.time(500);
    edge.nowMs = 1500;
    expect(playhead.time(1500)).toBe(at);
  });
});
