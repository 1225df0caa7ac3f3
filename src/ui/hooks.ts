// Selectors shared by the views: which members are drawn, their colors, and this tab's own id.

import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MemberId } from '../core';
import { memberColors, type ColorOf } from './colors';
import { liveMembersOf, useStore } from './store';

/** The members the views show: a replayed trace's, the live run's, or everyone in the room. */
export function useMembers(): MemberId[] {
  return useStore(
    useShallow((s) => {
      if (s.mode === 'replay' && s.replay) return s.replay.members;
      return liveMembersOf(s);
    }),
  );
}

export function useColors(): ColorOf {
  const members = useMembers();
  return useMemo(() => memberColors(members), [members]);
}

/** This tab's node while live; no node is "self" in a replay. */
export function useSelfId(): MemberId | null {
  return useStore((s) => (s.mode === 'live' ? s.selfId : null));
}
