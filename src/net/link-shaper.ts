// The link shaper: fault injection on real links (cut, loss, extra delay), the same in browser and Node.

import type { MemberId } from '../core';

export interface LinkSettings {
  cut: boolean;
  /** Percentage of frames this node sends on the link that are dropped. */
  lossPercent: number;
  /** Extra one-way delay of frames this node sends on the link, in milliseconds. */
  delayMs: number;
}

export const HEALTHY_LINK: LinkSettings = { cut: false, lossPercent: 0, delayMs: 0 };

export type ShapeDecision = { action: 'drop'; reason: 'cut' | 'loss' } | { action: 'send'; delayMs: number };

/**
 * Settings are per peer and applied at both ends of a link (the server relays them to everyone):
 * a cut link drops frames in both directions at both ends; loss and delay apply to the frames each
 * end sends, so both directions see them once.
 */
export class LinkShaper {
  private readonly links = new Map<MemberId, LinkSettings>();

  constructor(private readonly random: () => number = Math.random) {}

  set(peer: MemberId, settings: LinkSettings): void {
    if (isHealthy(settings)) this.links.delete(peer);
    else this.links.set(peer, { ...settings });
  }

  get(peer: MemberId): LinkSettings {
    return this.links.get(peer) ?? HEALTHY_LINK;
  }

  /** What to do with a frame this node is about to send to `peer`. */
  outgoing(peer: MemberId): ShapeDecision {
    const settings = this.links.get(peer);
    if (!settings) return { action: 'send', delayMs: 0 };
    if (settings.cut) return { action: 'drop', reason: 'cut' };
    if (settings.lossPercent > 0 && this.random() * 100 < settings.lossPercent) return { action: 'drop', reason: 'loss' };
    return { action: 'send', delayMs: settings.delayMs };
  }

  /** Whether a frame that arrived from `peer` is let through (only a cut stops it). */
  incoming(peer: MemberId): boolean {
    return !this.links.get(peer)?.cut;
  }
}

function isHealthy(settings: LinkSettings): boolean {
  return !settings.cut && settings.lossPercent === 0 && settings.delayMs === 0;
}
