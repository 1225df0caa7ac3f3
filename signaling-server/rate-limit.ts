// Token buckets: the per-socket rate limit that spots floods, and fan-out budgets that simply drop the excess.

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

/**
 * A budget of `perSecond` with `burstSeconds` of burst: what is over it is dropped and costs
 * nothing, so a sender slightly over budget still gets `perSecond` through.
 */
export class Budget {
  private tokens: number;
  private lastRefill: number;
  private readonly capacity: number;

  constructor(
    private readonly perSecond: number,
    burstSeconds: number,
    now: number,
  ) {
    this.capacity = Math.max(1, perSecond * burstSeconds);
    this.tokens = this.capacity;
    this.lastRefill = now;
  }

  /** Spends one unit at `now` (milliseconds) if the budget has one. */
  take(now: number): boolean {
    const elapsedMs = Math.max(0, now - this.lastRefill);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs * this.perSecond) / 1000);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
