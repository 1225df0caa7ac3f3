// Selectors shared by the views: which members are drawn, their colors, this tab's own id, and
// `usePanel`, through which the panels read the run (a scene of its history) and the store at a few
// hertz at most, all from the same view.

import { useEffect, useLayoutEffect, useMemo, useReducer, useRef } from 'react';
import type { MemberId } from '../core';
import type { PanelView } from './app-controller';
import { memberColors, type ColorOf } from './colors';
import { useController } from './services';
import { rosterMembers } from './store';
import { shallow } from 'zustand/shallow';

/**
 * Reads `selector` on the panels' view: a change re-renders the component at most every
 * PANEL_REFRESH_MS, on one shared tick, so every panel updates in the same React commit from the
 * same scene. A render for another reason (a click, new props) reads the view at once. `equal`
 * decides whether a newly selected value differs (default Object.is); the previous value is
 * returned while they are equal, so memoised children see stable props.
 */
export function usePanel<T>(selector: (view: PanelView) => T, equal: (a: T, b: T) => boolean = Object.is): T {
  const controller = useController();
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  const shown = useRef<{ value: T; selector: (view: PanelView) => T; equal: (a: T, b: T) => boolean } | null>(null);
  const selected = selector(controller.panelView());
  const value = shown.current && equal(shown.current.value, selected) ? shown.current.value : selected;
  useLayoutEffect(() => {
    shown.current = { value, selector, equal };
  });
  useEffect(
    () =>
      controller.panels.add(() => {
        const current = shown.current;
        if (current && !current.equal(current.value, current.selector(controller.panelView()))) refresh();
      }),
    [controller],
  );
  return value;
}

/** The members the views show: the history's (a run's, a trace's), or before a run everyone in the room. */
export function useMembers(): MemberId[] {
  return usePanel(membersShown, sameList);
}

function membersShown(view: PanelView): MemberId[] {
  const members = view.history.memberIds;
  return members.length > 0 || !view.history.realTime ? members : rosterMembers(view.app.roster);
}

function sameList(a: readonly MemberId[], b: readonly MemberId[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

export function useColors(): ColorOf {
  const members = useMembers();
  return useMemo(() => memberColors(members), [members]);
}

/** This tab's node in the history shown: none in a trace file's. */
export function useSelfId(): MemberId | null {
  return usePanel((view) => (view.history.realTime ? view.app.selfId : null));
}

const NO_RTT: Readonly<Record<MemberId, number>> = {};

/** This tab's measured round trip to each peer, as its node reported them at the scene shown. */
export function useOwnRtt(): Readonly<Record<MemberId, number>> {
  return usePanel((view) => (view.history.self ? (view.scene.nodes[view.history.self]?.rttMs ?? NO_RTT) : NO_RTT), shallow);
}
