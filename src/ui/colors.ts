// One color per member, the same in every view: by the member's place in the sorted member list.

import { sortedMembers, type MemberId } from '../core';

/** Bright, distinguishable colors that read well on the dark background. */
const PALETTE = ['#4ea1ff', '#ff9f43', '#3ddc97', '#ff5d7a', '#b48cff', '#ffd35c', '#3fd4e6', '#ff7ad0', '#a6e35b', '#f0a27a'];

export type ColorOf = (id: MemberId) => string;

/** A frame lost on the way (loss, cut or partition), in the cluster view and the space-time diagram alike. */
export const LOST_COLOR = '#ff5d5d';

export function memberColors(members: readonly MemberId[]): ColorOf {
  const index = new Map(sortedMembers(members).map((id, i) => [id, i]));
  return (id) => colorAt(index.get(id) ?? hashIndex(id));
}

function colorAt(index: number): string {
  if (index < PALETTE.length) return PALETTE[index];
  const hue = (index * 137.508) % 360; // the golden angle spreads further colors evenly
  return `hsl(${hue.toFixed(0)} 80% 65%)`;
}

function hashIndex(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i += 1) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return PALETTE.length + (hash % 97);
}
