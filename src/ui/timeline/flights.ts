// Packets in flight and commits as the views draw them: timed intervals on the timeline.

import type { MemberId, ProtocolFrame } from '../../core';
import type { Interval } from './interval-log';

export type FlightKind = ProtocolFrame['kind'];

/** A frame travelling from one node to another between `start` (sent) and `end` (arrived or expected). */
export interface Flight extends Interval {
  from: MemberId;
  to: MemberId;
  kind: FlightKind;
  seq: number;
  /** Dropped on the way (loss, cut or partition): drawn fading out halfway. */
  lost: boolean;
  /** A DATA frame's message: its sender's clock when it became current (µs) and its value (hover shows them). */
  sentAt?: number;
  value?: number;
}

/** A message `from`#`seq` committed by `node`: animated from its receive buffer slot into the log. */
export interface CommitMark extends Interval {
  node: MemberId;
  from: MemberId;
  seq: number;
  /** The message's sentAt (µs, its sender's clock) and value, when known. */
  sentAt?: number;
  value?: number;
}

/** A DATA frame's sentAt and value, to keep with its flight (other frames carry neither). */
export function messageFields(frame: ProtocolFrame): { sentAt?: number; value?: number } {
  return frame.kind === 'data' ? { sentAt: frame.sentAt, value: frame.value } : {};
}

/** A message's sampling key, shared by its DATA frames, its ACKs and its commits (FINs: null, always kept). */
export function flightSampleKey(flight: Flight): number | null {
  return flight.kind === 'fin' ? null : messageKey(flight.kind === 'ack' ? flight.to : flight.from, flight.seq);
}

export function markSampleKey(mark: CommitMark): number {
  return messageKey(mark.from, mark.seq);
}

/** The serial offset by a hash of the sender: consecutive serials alternate, and senders do not all keep the same serials. */
export function messageKey(sender: MemberId, seq: number): number {
  let hash = 0;
  for (let i = 0; i < sender.length; i += 1) hash = (hash * 31 + sender.charCodeAt(i)) % 65_536;
  return Math.abs(seq) + hash;
}

/** Of how many messages one is kept (a power of two) so that about `budget` of `count` frames remain. */
export function samplingStep(count: number, budget: number): number {
  let every = 1;
  while (count / every > budget) every *= 2;
  return every;
}

/** How long a commit's move from buffer to log takes on the timeline (µs). */
export const COMMIT_ANIMATION_US = 250_000;

/**
 * Keeps at most `perWindow` items per key (a directed link, say) in each window of `windowUs`:
 * at thousands of frames a second the views draw a sample, while counters stay exact.
 */
export class RateSampler {
  private readonly windows = new Map<string, { start: number; kept: number }>();

  constructor(
    private readonly windowUs: number,
    private readonly perWindow: number,
  ) {}

  keep(key: string, time: number): boolean {
    let window = this.windows.get(key);
    if (!window || time - window.start >= this.windowUs || time < window.start) {
      window = { start: time, kept: 0 };
      this.windows.set(key, window);
    }
    if (window.kept >= this.perWindow) return false;
    window.kept += 1;
    return true;
  }

  clear(): void {
    this.windows.clear();
  }
}
