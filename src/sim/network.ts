// The simulated network: per-link delay, loss, duplication and reordering, partitions and crashes.

import type { MemberId } from '../core';
import type { Random } from './random';

export type DelayDistribution = 'constant' | 'uniform' | 'exponential';

export interface NetworkConfig {
  /** Mean one-way delay in milliseconds. */
  latencyMs: number;
  delay: DelayDistribution;
  /** Probability a frame is lost. */
  loss: number;
  /** Probability a frame is delivered twice (the copy with its own delay, so it may overtake). */
  dup: number;
  /** Random partitions that heal (some only after the run ends, some never). */
  partitions: boolean;
  /** One random node crashes at a random time. */
  crash: boolean;
  /** Maximum clock offset of a node in milliseconds (each node gets a random offset up to it). */
  skewMs: number;
}

export interface Partition {
  /** Virtual microseconds. */
  from: number;
  until: number;
  /** One side of the split; the other side is everyone else. */
  side: Set<MemberId>;
}

export interface Crash {
  node: MemberId;
  at: number;
}

export interface FaultPlan {
  partitions: Partition[];
  crashes: Crash[];
  /** Per-node clock offset in microseconds. */
  skew: Map<MemberId, number>;
}

/** Draws the run's faults up front, so the same seed always gives the same schedule. */
export function planFaults(config: NetworkConfig, members: readonly MemberId[], runUs: number, random: Random): FaultPlan {
  const skew = new Map<MemberId, number>();
  for (const member of members) skew.set(member, Math.round(random.next() * config.skewMs * 1000));
  const partitions = config.partitions && members.length > 1 ? planPartitions(members, runUs, random) : [];
  const crashes = config.crash ? [{ node: members[random.int(0, members.length - 1)], at: Math.round(random.next() * runUs) }] : [];
  return { partitions, crashes, skew };
}

/** One to three splits; each heals after a random time, possibly after the run, or never. */
function planPartitions(members: readonly MemberId[], runUs: number, random: Random): Partition[] {
  const count = random.int(1, 3);
  const partitions: Partition[] = [];
  for (let i = 0; i < count; i += 1) {
    const from = Math.round(random.next() * runUs);
    const healing = random.next();
    const until = healing < 0.15 ? Infinity : from + Math.round(random.exponential(healing < 0.3 ? runUs : runUs / 6));
    partitions.push({ from, until, side: randomSide(members, random) });
  }
  return partitions;
}

/** A random non-empty proper subset of the members. */
function randomSide(members: readonly MemberId[], random: Random): Set<MemberId> {
  const side = new Set<MemberId>();
  while (side.size === 0 || side.size === members.length) {
    side.clear();
    for (const member of members) if (random.chance(0.5)) side.add(member);
  }
  return side;
}

export function isPartitioned(plan: FaultPlan, a: MemberId, b: MemberId, time: number): boolean {
  for (const p of plan.partitions) {
    if (time >= p.from && time < p.until && p.side.has(a) !== p.side.has(b)) return true;
  }
  return false;
}

/**
 * One-way delay of one frame in virtual microseconds: at least 1 µs, so that time always moves on
 * (with zero-delay frames a run's round trips would take no time and its send phase never end).
 */
export function drawDelay(config: NetworkConfig, random: Random): number {
  return Math.max(MIN_DELAY_US, drawRawDelay(config, random));
}

const MIN_DELAY_US = 1;

function drawRawDelay(config: NetworkConfig, random: Random): number {
  const meanUs = config.latencyMs * 1000;
  switch (config.delay) {
    case 'constant':
      return Math.round(meanUs);
    case 'uniform':
      return Math.round(meanUs * (0.5 + random.next()));
    case 'exponential':
      return Math.round(random.exponential(meanUs));
  }
}
