// The sandbox's network as the page shows it: the run's setup with every action due by a virtual
// time folded in (link shapes, the partition, latency, loss, duplication, reordering). Pure.

import type { MemberId } from '../../core';
import type { LinkSettings } from '../../net/link-shaper';
import type { SandboxAction, SandboxSetup } from '../../sandbox/setup';
import { linkKey } from '../store';

export interface SandboxNetworkState {
  /** Links with a cut, loss or extra delay, keyed by linkKey(a, b). */
  shapes: Record<string, LinkSettings>;
  /** One side of the partition in force, or null. */
  partition: MemberId[] | null;
  latencyMs: number;
  lossPercent: number;
  dupPercent: number;
  reorderPercent: number;
}

/** The network at virtual time `atUs`: the setup's, changed by each action due by then, in order. */
export function networkAt(setup: SandboxSetup, actions: readonly SandboxAction[], atUs: number): SandboxNetworkState {
  const state: SandboxNetworkState = {
    shapes: {},
    partition: null,
    latencyMs: setup.network.latencyMs,
    lossPercent: setup.network.lossPercent,
    dupPercent: setup.network.dupPercent,
    reorderPercent: 0,
  };
  for (const action of actions) if (action.at <= atUs) applyAction(state, action);
  return state;
}

function applyAction(state: SandboxNetworkState, action: SandboxAction): void {
  switch (action.type) {
    case 'link':
      setShape(state.shapes, linkKey(action.a, action.b), action.settings);
      break;
    case 'latency':
      state.latencyMs = action.ms;
      break;
    case 'loss':
      state.lossPercent = action.percent;
      break;
    case 'dup':
      state.dupPercent = action.percent;
      break;
    case 'reorder':
      state.reorderPercent = action.percent;
      break;
    case 'partition':
      state.partition = [...action.side];
      break;
    case 'heal':
      state.partition = null;
      break;
    default:
      break;
  }
}

function setShape(shapes: Record<string, LinkSettings>, key: string, settings: LinkSettings): void {
  if (!settings.cut && settings.lossPercent === 0 && settings.delayMs === 0) delete shapes[key];
  else shapes[key] = { ...settings };
}

/** Whether the partition separates a and b. */
export function acrossPartition(partition: readonly MemberId[] | null, a: MemberId, b: MemberId): boolean {
  return partition !== null && partition.includes(a) !== partition.includes(b);
}

/** Actions in time order, those of equal time in the order given (the setup's first, then the page's). */
export function inTimeOrder(...lists: (readonly SandboxAction[])[]): SandboxAction[] {
  return lists
    .flat()
    .map((action, index) => ({ action, index }))
    .sort((x, y) => x.action.at - y.action.at || x.index - y.index)
    .map(({ action }) => action);
}
