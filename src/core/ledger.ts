// The ledger of committed messages: total order by (sentAt, from, seq) and the exact checksum,
// folded into a running prefix so memory is bounded by the senders' skew, not by the run length.

import { compareIds, type MemberId } from './ids';

export interface Committed {
  from: MemberId;
  seq: number;
  /** Sender clock in microseconds; strictly increasing per sender. */
  sentAt: number;
  /** Integer in [1, 10^10]. */
  value: number;
}

interface SenderQueue {
  /** Committed but not yet folded, in commit order (= sentAt order for one sender). */
  pending: Committed[];
  /** Index of the first pending entry still unfolded (a queue without shifting). */
  head: number;
  /** sentAt of the last message committed from this sender, or -Infinity before the first. */
  lastSentAt: number;
  /** No more messages will come from this sender (its FIN was received). */
  finished: boolean;
}

export interface Ledger {
  senders: Map<MemberId, SenderQueue>;
  /** Messages folded into the prefix. */
  foldedCount: number;
  /** Sum over the folded prefix of index * value, exact. */
  foldedSum: bigint;
  /** Committed messages not folded yet. */
  pendingCount: number;
  /** The watermark of the last fold: while it stays put, nothing new can fold. */
  lastWatermark: number;
}

export interface LedgerResult {
  count: number;
  /** Sum over i = 1..count of i * value_i, scaled by 10^10 (print with formatFixed). */
  checksum: bigint;
}

export function createLedger(members: readonly MemberId[]): Ledger {
  const senders = new Map<MemberId, SenderQueue>();
  for (const member of members) {
    senders.set(member, { pending: [], head: 0, lastSentAt: -Infinity, finished: false });
  }
  return { senders, foldedCount: 0, foldedSum: 0n, pendingCount: 0, lastWatermark: -Infinity };
}

/** Orders committed messages the way the result does: by (sentAt, from, seq). */
export function compareCommitted(a: Committed, b: Committed): number {
  if (a.sentAt !== b.sentAt) return a.sentAt < b.sentAt ? -1 : 1;
  const byId = compareIds(a.from, b.from);
  if (byId !== 0) return byId;
  return a.seq - b.seq;
}

export function ledgerCount(ledger: Ledger): number {
  return ledger.foldedCount + ledger.pendingCount;
}

/**
 * Records a commit. The caller guarantees per-sender order (seq and sentAt increasing);
 * a violation is a bug in the caller and throws.
 */
export function ledgerCommit(ledger: Ledger, entry: Committed): void {
  const queue = requireSender(ledger, entry.from);
  if (queue.finished || entry.sentAt <= queue.lastSentAt) {
    throw new Error(`ledger: out-of-order commit from ${entry.from} seq ${entry.seq}`);
  }
  queue.pending.push(entry);
  queue.lastSentAt = entry.sentAt;
  ledger.pendingCount += 1;
  fold(ledger);
}

/** Marks a sender as finished: nothing more will be committed from it. */
export function ledgerFinish(ledger: Ledger, from: MemberId): void {
  requireSender(ledger, from).finished = true;
  fold(ledger);
}

/** The result over everything committed so far (folded prefix plus the pending tail). */
export function ledgerResult(ledger: Ledger): LedgerResult {
  const tail: Committed[] = [];
  for (const queue of ledger.senders.values()) {
    for (let i = queue.head; i < queue.pending.length; i += 1) tail.push(queue.pending[i]);
  }
  tail.sort(compareCommitted);
  let count = ledger.foldedCount;
  let checksum = ledger.foldedSum;
  for (const entry of tail) {
    count += 1;
    checksum += BigInt(count) * BigInt(entry.value);
  }
  return { count, checksum };
}

/** The checksum of a list of committed messages computed the slow way: sort everything, then sum. */
export function checksumOfAll(entries: readonly Committed[]): LedgerResult {
  const sorted = [...entries].sort(compareCommitted);
  let checksum = 0n;
  sorted.forEach((entry, index) => {
    checksum += BigInt(index + 1) * BigInt(entry.value);
  });
  return { count: sorted.length, checksum };
}

function requireSender(ledger: Ledger, from: MemberId): SenderQueue {
  const queue = ledger.senders.get(from);
  if (!queue) throw new Error(`ledger: ${from} is not a member`);
  return queue;
}

/**
 * No future commit can sort before the watermark: every unfinished sender's next message has
 * sentAt greater than its last committed one. Finished senders do not bound it.
 */
function watermark(ledger: Ledger): number {
  let mark = Infinity;
  for (const queue of ledger.senders.values()) {
    if (!queue.finished && queue.lastSentAt < mark) mark = queue.lastSentAt;
  }
  return mark;
}

/** Moves every pending message at or below the watermark into the prefix, in order. */
function fold(ledger: Ledger): void {
  if (ledger.pendingCount === 0) return;
  const mark = watermark(ledger);
  if (mark === ledger.lastWatermark) return; // every pending entry lies above it (see ledgerCommit)
  ledger.lastWatermark = mark;
  for (;;) {
    const queue = earliestHead(ledger);
    if (!queue) return;
    const entry = queue.pending[queue.head];
    if (entry.sentAt > mark) return;
    queue.head += 1;
    ledger.pendingCount -= 1;
    ledger.foldedCount += 1;
    ledger.foldedSum += BigInt(ledger.foldedCount) * BigInt(entry.value);
    compactQueue(queue);
  }
}

function earliestHead(ledger: Ledger): SenderQueue | null {
  let best: SenderQueue | null = null;
  for (const queue of ledger.senders.values()) {
    if (queue.head >= queue.pending.length) continue;
    if (!best || compareCommitted(queue.pending[queue.head], best.pending[best.head]) < 0) best = queue;
  }
  return best;
}

/** Drops folded entries from the front once they dominate the array. */
function compactQueue(queue: SenderQueue): void {
  if (queue.head === queue.pending.length) {
    queue.pending.length = 0;
    queue.head = 0;
  } else if (queue.head > 1024 && queue.head * 2 > queue.pending.length) {
    queue.pending = queue.pending.slice(queue.head);
    queue.head = 0;
  }
}
