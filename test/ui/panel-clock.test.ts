// The panels' shared tick: however often the store changes, panels hear of it at most once per period.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PanelClock } from '../../src/ui/panel-clock';

const PERIOD_MS = 250;

/** A store stand-in: `change()` notifies whoever subscribed. */
function source() {
  const listeners = new Set<() => void>();
  return {
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    change: () => listeners.forEach((listener) => listener()),
    get subscribers() {
      return listeners.size;
    },
  };
}

describe('PanelClock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers a change after a quiet period at once', () => {
    const store = source();
    const clock = new PanelClock(PERIOD_MS, store.subscribe, () => Date.now());
    const ticks: number[] = [];
    clock.add(() => ticks.push(Date.now()));
    vi.advanceTimersByTime(1000);
    const changedAt = Date.now();
    store.change();
    vi.advanceTimersByTime(0);
    expect(ticks).toEqual([changedAt]);
  });

  it('turns a store that changes every frame into at most one tick per period, the last change included', () => {
    const store = source();
    const clock = new PanelClock(PERIOD_MS, store.subscribe, () => Date.now());
    const ticks: number[] = [];
    clock.add(() => ticks.push(Date.now()));
    for (let frame = 0; frame < 120; frame += 1) {
      store.change();
      vi.advanceTimersByTime(1000 / 60);
    }
    vi.advanceTimersByTime(PERIOD_MS);
    expect(ticks.length).toBeGreaterThanOrEqual(7);
    expect(ticks.length).toBeLessThanOrEqual(9); // 2 s of changes at 4 Hz, plus the leading tick
    for (let i = 1; i < ticks.length; i += 1) expect(ticks[i] - ticks[i - 1]).toBeGreaterThanOrEqual(PERIOD_MS);
    expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(2000 - 1000 / 60); // the last change was delivered
  });

  it('runs every listener in the same tick', () => {
    const store = source();
    const clock = new PanelClock(PERIOD_MS, store.subscribe, () => Date.now());
    const heard: string[] = [];
    clock.add(() => heard.push(`a@${Date.now()}`));
    clock.add(() => heard.push(`b@${Date.now()}`));
    store.change();
    vi.advanceTimersByTime(0);
    expect(heard).toEqual([`a@${Date.now()}`, `b@${Date.now()}`]);
  });

  it('listens to the store only while it has listeners', () => {
    const store = source();
    const clock = new PanelClock(PERIOD_MS, store.subscribe, () => Date.now());
    const ticks: number[] = [];
    const remove = clock.add(() => ticks.push(Date.now()));
    expect(store.subscribers).toBe(1);
    store.change();
    remove();
    vi.advanceTimersByTime(PERIOD_MS);
    expect(store.subscribers).toBe(0);
    expect(ticks).toEqual([]);
  });
});
