// What a sandbox run is made of: its cluster and network setup and its timed actions, with validation.

import { DEFAULT_PARAMS, paramsError, type MemberId, type RunParams } from '../core';
import type { LinkSettings } from '../net/link-shaper';
import type { DelayDistribution } from '../sim/network';
import { simMemberIds } from '../sim/simulate';
import { MAX_DELAY_MS, MAX_LOSS_PERCENT } from '../signaling';

/** Virtual nodes a user picks from (the UI's range); the engine takes up to MAX_NODES (layout tests). */
export const USER_NODES = { min: 2, max: 16 } as const;
export const MAX_NODES = 64;
/** Mean one-way delay bounds (ms): at least 1 µs, as `chatterbox sim --latency`. */
export const LATENCY_MS = { min: 0.001, max: 60_000 } as const;
export const MAX_SKEW_MS = 60_000;
export { MAX_DELAY_MS, MAX_LOSS_PERCENT };

/** The network a sandbox run starts with (`chatterbox sim`'s flags of the same names). */
export interface SandboxNetwork {
  /** Mean one-way delay of every link, ms. */
  latencyMs: number;
  delay: DelayDistribution;
  /** Share of network messages lost, percent. */
  lossPercent: number;
  /** Share of network messages delivered twice, percent. */
  dupPercent: number;
  /** Largest per-node clock offset, ms. */
  skewMs: number;
}

export interface SandboxSetup {
  nodes: number;
  /** params.seed seeds the value streams, as `--with-seed`. */
  params: RunParams;
  /** Seed of the network's randomness, as `--net-seed` (chatterbox sim's default: params.seed). */
  netSeed: number;
  network: SandboxNetwork;
  /** Frames to one peer in one instant travel as one message, as `--batching`. */
  batching: boolean;
  /** Applied at their virtual times, in order (equal times in list order). */
  actions: SandboxAction[];
}

export type FrameKindToLose = 'data' | 'ack' | 'fin';

/** A change to the running sandbox at virtual time `at` (µs). Member ids are the run's (simMemberIds). */
export type SandboxAction =
  /** Cut, loss and extra delay of the link a–b, both directions (as the live link panel sets them). */
  | { at: number; type: 'link'; a: MemberId; b: MemberId; settings: LinkSettings }
  /** Mean one-way delay of every link ("slow network"). */
  | { at: number; type: 'latency'; ms: number }
  | { at: number; type: 'loss'; percent: number }
  | { at: number; type: 'dup'; percent: number }
  /** This share of messages is held back by one to three mean delays, so later ones overtake it. */
  | { at: number; type: 'reorder'; percent: number }
  /** Splits the cluster in two: `side` and everyone else (replaces any earlier partition). */
  | { at: number; type: 'partition'; side: MemberId[] }
  | { at: number; type: 'heal' }
  /** The next network message `from` sends `to` that holds a frame of this kind is lost. */
  | { at: number; type: 'lose-next'; from: MemberId; to: MemberId; kind: FrameKindToLose }
  | { at: number; type: 'crash'; node: MemberId }
  | { at: number; type: 'restart'; node: MemberId }
  /** Stops the run by hand: every running node gets the reducer's stop event. */
  | { at: number; type: 'stop' };

export type ActionType = SandboxAction['type'];
/** Drops `at` from each kind of action separately (a conditional type distributes over the union). */
type WithoutTime<A> = A extends unknown ? Omit<A, 'at'> : never;
/** An action without its time: what a user does "now". */
export type SandboxCommand = WithoutTime<SandboxAction>;

/** The setup `chatterbox sim` runs with no flags but --nodes and --with-seed. */
export function defaultSetup(nodes = 5, seed = DEFAULT_PARAMS.seed): SandboxSetup {
  return {
    nodes,
    params: { ...DEFAULT_PARAMS, seed },
    netSeed: seed,
    network: { latencyMs: 10, delay: 'uniform', lossPercent: 0, dupPercent: 0, skewMs: 0 },
    batching: false,
    actions: [],
  };
}

export function sandboxMembers(setup: Pick<SandboxSetup, 'nodes'>): MemberId[] {
  return simMemberIds(setup.nodes);
}

/** Virtual time (µs) after which a run has nothing left to do: both phases and the simulator's grace second. */
export function runEndUs(params: RunParams): number {
  return (params.sendForMs + params.waitForMs) * 1000 + 1_000_000;
}

/** Checks a whole setup (from a URL, a scenario or a message); returns the first problem or null. */
export function setupError(setup: SandboxSetup): string | null {
  if (!Number.isInteger(setup.nodes) || setup.nodes < USER_NODES.min || setup.nodes > MAX_NODES) {
    return `nodes must be an integer from ${USER_NODES.min} to ${MAX_NODES}, got ${setup.nodes}`;
  }
  const params = paramsError(setup.params);
  if (params) return params;
  if (!Number.isSafeInteger(setup.netSeed) || setup.netSeed < 0) return `the network seed must be a non-negative integer, got ${setup.netSeed}`;
  const network = networkError(setup.network);
  if (network) return network;
  const members = sandboxMembers(setup);
  const endUs = runEndUs(setup.params);
  let previous = 0;
  for (const [index, action] of setup.actions.entries()) {
    const error = actionError(action, members, endUs);
    if (error) return `action ${index + 1} (${action.type}): ${error}`;
    if (action.at < previous) return `action ${index + 1} (${action.type}) at ${action.at} µs comes before the one ahead of it (${previous} µs): list actions in time order`;
    previous = action.at;
  }
  return null;
}

function networkError(network: SandboxNetwork): string | null {
  if (!inRange(network.latencyMs, LATENCY_MS.min, LATENCY_MS.max)) return `latency must be from ${LATENCY_MS.min} to ${LATENCY_MS.max} ms, got ${network.latencyMs}`;
  if (!['constant', 'uniform', 'exponential'].includes(network.delay)) return `delay must be constant, uniform or exponential, got ${network.delay}`;
  if (!inRange(network.lossPercent, 0, 100)) return `loss must be from 0 to 100 %, got ${network.lossPercent}`;
  if (!inRange(network.dupPercent, 0, 100)) return `dup must be from 0 to 100 %, got ${network.dupPercent}`;
  if (!inRange(network.skewMs, 0, MAX_SKEW_MS)) return `skew must be from 0 to ${MAX_SKEW_MS} ms, got ${network.skewMs}`;
  return null;
}

/** Checks one action against the run's members and end; returns the problem or null. */
export function actionError(action: SandboxAction, members: readonly MemberId[], endUs: number): string | null {
  if (!Number.isSafeInteger(action.at) || action.at < 0) return `its time must be a whole number of µs from 0, got ${action.at}`;
  if (action.at > endUs) return `its time ${action.at} µs is after the run's end (${endUs} µs)`;
  return commandError(action, members);
}

/** Checks what an action does (not when); returns the problem or null. */
export function commandError(command: SandboxCommand, members: readonly MemberId[]): string | null {
  const unknown = (id: unknown): string | null => (typeof id === 'string' && members.includes(id) ? null : `${JSON.stringify(id)} is not a node of this run (${members[0]}..${members[members.length - 1]})`);
  switch (command.type) {
    case 'link':
      return unknown(command.a) ?? unknown(command.b) ?? (command.a === command.b ? 'a link joins two different nodes' : linkSettingsError(command.settings));
    case 'latency':
      return inRange(command.ms, LATENCY_MS.min, LATENCY_MS.max) ? null : `latency must be from ${LATENCY_MS.min} to ${LATENCY_MS.max} ms, got ${command.ms}`;
    case 'loss':
    case 'dup':
    case 'reorder':
      return inRange(command.percent, 0, 100) ? null : `${command.type} must be from 0 to 100 %, got ${command.percent}`;
    case 'partition':
      return partitionError(command.side, members, unknown);
    case 'lose-next':
      if (!['data', 'ack', 'fin'].includes(command.kind)) return `the frame kind must be data, ack or fin, got ${JSON.stringify(command.kind)}`;
      return unknown(command.from) ?? unknown(command.to) ?? (command.from === command.to ? 'a node sends to itself in-process: nothing to lose' : null);
    case 'crash':
    case 'restart':
      return unknown(command.node);
    case 'heal':
    case 'stop':
      return null;
    default:
      return `unknown action ${JSON.stringify((command as { type: unknown }).type)}`;
  }
}

function linkSettingsError(settings: LinkSettings): string | null {
  if (typeof settings !== 'object' || settings === null || typeof settings.cut !== 'boolean') return 'link settings need cut (true or false)';
  if (!inRange(settings.lossPercent, 0, MAX_LOSS_PERCENT)) return `link loss must be from 0 to ${MAX_LOSS_PERCENT} %, got ${settings.lossPercent}`;
  if (!inRange(settings.delayMs, 0, MAX_DELAY_MS)) return `link delay must be from 0 to ${MAX_DELAY_MS} ms, got ${settings.delayMs}`;
  return null;
}

function partitionError(side: unknown, members: readonly MemberId[], unknown: (id: unknown) => string | null): string | null {
  if (!Array.isArray(side) || side.length === 0) return 'a partition names the nodes on one side';
  for (const id of side) {
    const error = unknown(id);
    if (error) return error;
  }
  if (new Set(side).size !== side.length) return 'a node is named twice on the partition side';
  if (side.length >= members.length) return 'one side of a partition must leave at least one node on the other';
  return null;
}

function inRange(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}
