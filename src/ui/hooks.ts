// Selectors shared by the views: which members are drawn, their colors, this tab's own id, and
// `usePanelStore`, through which the panels read fast-changing state at a few hertz at most.

import { useEffect, useLayoutEffect, useMemo, useReducer, useRef } from 'react';
import type { MemberId } from '../core';
import { memberColors, type ColorOf } from './colors';
import { liveMembersOf, useStore, type AppState } from './store';
import { PanelClock } from './panel-clock';

/** React panels re-render with new data at most this often (the canvases draw every frame). */
export const PANEL_REFRESH_MS = 250;

const panelClock = new PanelClock(PANEL_REFRESH_MS, (listener) => useStore.subscribe(listener));

/**
 * Like `useStore(selector)`, but a change of the store re-renders the component at most every
 * PANEL_REFRESH_MS, on one shared tick: every panel updates in the same React commit, from the same
 * state. A render for another reason (a click, new props) reads the current state at once.
 * `equal` decides whether a newly selected value differs (default Object.is); the previous value
 * is returned while they are equal, so memoised children see stable props.
 */
export function usePanelStore<T>(selector: (state: AppState) => T, equal: (a: T, b: T) => boolean = Object.is): T {
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  const shown = useRef<{ value: T; selector: (state: AppState) => T; equal: (a: T, b: T) => boolean } | null>(null);
  const selected = selector(useStore.getState());
  const value = shown.current && equal(shown.current.value, selected) ? shown.current.value : selected;
  useLayoutEffect(() => {
    shown.current = { value, selector, equal };
  });
  useEffect(
    () =>
      panelClock.add(() => {
        const current = shown.current;
        if (current && !current.equal(current.value, current.selector(useStore.getState()))) refresh();
      }),
    [],
  );
  return value;
}

/** The members the views show: a replayed trace's, the live run's, or everyone in the room. */
export function useMembers(): MemberId[] {
  return useStore(membersShown);
}

/** What the members shown depend on, and the last members computed from it. */
interface MembersCache {
  mode: AppState['mode'] | null;
  replay: AppState['replay'];
  run: AppState['run'];
  roster: AppState['roster'];
  members: MemberId[];
}

let membersCache: MembersCache = { mode: null, replay: null, run: null, roster: null, members: [] };

/**
 * The members the views show, as the same array while they do not change: the store changes far
 * more often than they do, so a plain selector needs no shallow compare and the roster is not
 * sorted again on every store update.
 */
function membersShown(state: AppState): MemberId[] {
  const cache = membersCache;
  if (state.mode === cache.mode && state.replay === cache.replay && state.run === cache.run && state.roster === cache.roster) return cache.members;
  const members = state.mode === 'replay' && state.replay ? state.replay.members : liveMembersOf(state);
  const same = members.length === cache.members.length && members.every((id, i) => id === cache.members[i]);
  membersCache = { mode: state.mode, replay: state.replay, run: state.run, roster: state.roster, members: same ? cache.members : members };
  return membersCache.members;
}

export function useColors(): ColorOf {
  const members = useMembers();
  return useMemo(() => memberColors(members), [members]);
}

/** This tab's node while live; no node is "self" in a replay. */
export function useSelfId(): MemberId | null {
  return useStore((s) => (s.mode === 'live' ? s.selfId : null));
}

