// The sandbox's network as the user changes it: per-link cut, loss and delay, global latency, loss,
// duplication and reordering, a partition, targeted drops. The simulator asks it about every message.

import type { MemberId, ProtocolFrame } from '../core';
import { HEALTHY_LINK, type LinkSettings } from '../net/link-shaper';
import type { NetworkConfig } from '../sim/network';
import { Random } from '../sim/random';
import type { LinkConditions, LinkState } from '../sim/simulate';
import type { FrameKindToLose, SandboxNetwork } from './setup';

interface TargetedDrop {
  from: MemberId;
  to: MemberId;
  kind: FrameKindToLose;
}

/** A message held back for reordering waits this many extra mean delays (uniformly drawn). */
const REORDER_HOLD = { min: 1, max: 3 } as const;
/** Mixed into the network seed for the reordering draws, so they never disturb the simulator's stream. */
const REORDER_STREAM = 0x5eed0d0e;

/** Sorted pair key of an undirected link. */
export function linkKey(a: MemberId, b: MemberId): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

export class NetworkControls implements LinkConditions {
  private readonly links = new Map<string, LinkSettings>();
  private partitionSide: Set<MemberId> | null = null;
  private readonly targeted: TargetedDrop[] = [];
  private readonly settings: SandboxNetwork;
  private reorderPercent = 0;
  /** The network of every link, from the global settings; rebuilt when one of them changes. */
  private shared: NetworkConfig;
  private readonly reorderRandom: Random;

  constructor(start: SandboxNetwork, netSeed: number) {
    this.settings = { ...start };
    this.shared = this.buildShared();
    this.reorderRandom = new Random((netSeed ^ REORDER_STREAM) >>> 0);
  }

  /** The network the simulator is configured with (its clock skews and start jitter are drawn from it). */
  get initial(): NetworkConfig {
    return this.shared;
  }

  setLink(a: MemberId, b: MemberId, settings: LinkSettings): void {
    const key = linkKey(a, b);
    if (!settings.cut && settings.lossPercent === 0 && settings.delayMs === 0) this.links.delete(key);
    else this.links.set(key, { cut: settings.cut, lossPercent: settings.lossPercent, delayMs: settings.delayMs });
  }

  settingsOf(a: MemberId, b: MemberId): LinkSettings {
    return this.links.get(linkKey(a, b)) ?? HEALTHY_LINK;
  }

  setLatency(ms: number): void {
    this.settings.latencyMs = ms;
    this.shared = this.buildShared();
  }

  setLoss(percent: number): void {
    this.settings.lossPercent = percent;
    this.shared = this.buildShared();
  }

  setDup(percent: number): void {
    this.settings.dupPercent = percent;
    this.shared = this.buildShared();
  }

  setReorder(percent: number): void {
    this.reorderPercent = percent;
  }

  partition(side: readonly MemberId[]): void {
    this.partitionSide = new Set(side);
  }

  heal(): void {
    this.partitionSide = null;
  }

  loseNext(from: MemberId, to: MemberId, kind: FrameKindToLose): void {
    this.targeted.push({ from, to, kind });
  }

  /** What the link from → to does to this network message now (LinkConditions). */
  link(from: MemberId, to: MemberId, frames: readonly ProtocolFrame[]): LinkState {
    const settings = this.links.get(linkKey(from, to));
    const blocked = this.blockedReason(from, to, settings, frames);
    const network = settings && settings.lossPercent > 0 ? this.withLinkLoss(settings.lossPercent) : this.shared;
    // Whole microseconds: record times and sentAt stay integers, as docs/TRACE.md requires.
    const extraDelayUs = Math.round((settings?.delayMs ?? 0) * 1000) + (blocked ? 0 : this.reorderHoldUs());
    return { blocked, network, extraDelayUs };
  }

  private blockedReason(from: MemberId, to: MemberId, settings: LinkSettings | undefined, frames: readonly ProtocolFrame[]): string | null {
    if (settings?.cut) return 'cut';
    if (this.partitionSide && this.partitionSide.has(from) !== this.partitionSide.has(to)) return 'partition';
    return this.takeTargetedDrop(from, to, frames) ? 'injected' : null;
  }

  /** Uses up the first targeted drop this message matches. */
  private takeTargetedDrop(from: MemberId, to: MemberId, frames: readonly ProtocolFrame[]): boolean {
    const index = this.targeted.findIndex((t) => t.from === from && t.to === to && frames.some((f) => f.kind === t.kind));
    if (index === -1) return false;
    this.targeted.splice(index, 1);
    return true;
  }

  /** The reordering hold of one message: zero, or one to three mean delays for `reorderPercent` of them. */
  private reorderHoldUs(): number {
    if (this.reorderPercent === 0 || this.reorderRandom.next() * 100 >= this.reorderPercent) return 0;
    const hold = REORDER_HOLD.min + this.reorderRandom.next() * (REORDER_HOLD.max - REORDER_HOLD.min);
    return Math.round(hold * this.settings.latencyMs * 1000);
  }

  /** Global and link loss are independent: a message survives both or is lost. */
  private withLinkLoss(linkPercent: number): NetworkConfig {
    const global = this.shared.loss;
    const link = linkPercent / 100;
    return { ...this.shared, loss: global === 0 ? link : 1 - (1 - global) * (1 - link) };
  }

  private buildShared(): NetworkConfig {
    const s = this.settings;
    return { latencyMs: s.latencyMs, delay: s.delay, loss: s.lossPercent / 100, dup: s.dupPercent / 100, partitions: false, crash: false, skewMs: s.skewMs };
  }
}
