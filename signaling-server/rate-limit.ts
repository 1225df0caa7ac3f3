// Per-socket token bucket: admits bursts of a few seconds' worth of messages and spots sustained floods.

export type Admission = 'accept' | 'drop' | 'abuse';

/** Bucket size in seconds' worth of messages: a node joining a full room trickles ICE to every peer at once. */
const BURST_SECONDS = 2;
/** Dropped messages still cost a token; a debt beyond this many seconds' worth of messages is abuse. */
const ABUSE_DEBT_SECONDS = 4;

export class RateLimiter {
  private tokens: number;
  private lastRefill: number;

  constructor(
    private readonly messagesPerSecond: number,
    now: number,
  ) {
    this.tokens = BURST_SECONDS * messagesPerSecond;
    this.lastRefill = now;
  }

  /** Charges one message received at `now` (milliseconds) and says what to do with it. */
  admit(now: number): Admission {
    this.refill(now);
    this.tokens -= 1;
    if (this.tokens >= 0) return 'accept';
    if (this.tokens < -ABUSE_DEBT_SECONDS * this.messagesPerSecond) return 'abuse';
    return 'drop';
  }

  private refill(now: number): void {
    const elapsedMs = Math.max(0, now - this.lastRefill);
    const refilled = this.tokens + (elapsedMs * this.messagesPerSecond) / 1000;
    this.tokens = Math.min(BURST_SECONDS * this.messagesPerSecond, refilled);
    this.lastRefill = now;
  }
}
