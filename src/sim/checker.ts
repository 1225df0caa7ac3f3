// The invariant checker: watches every simulated step and records each guarantee that breaks.

import { valueStream, type Committed, type MemberId, type NodeState } from '../core';

export type Invariant = 'prefix' | 'agreement' | 'divergence' | 'monotonic' | 'checksum';

export interface Violation {
  invariant: Invariant;
  node: MemberId;
  /** Virtual time in microseconds. */
  at: number;
  detail: string;
}

interface NodeWatch {
  /** Per sender: last committed serial. */
  lastCommitted: Map<MemberId, number>;
  /** Per sender: last seen receive-buffer position (contiguous serial). */
  lastContiguous: Map<MemberId, number>;
  count: number;
}

/** One sender's stream as the checker knows it: values computed once per serial, and each first send's sentAt. */
interface SenderRecord {
  stream: (seq: number) => number;
  values: number[];
  sentAt: number[];
}

/**
 * Every check is incremental: a commit is checked against its sender's record, a step against the
 * buffers it touched, and the spread of counts is kept up to date as counts grow (never rescanned).
 */
export class InvariantChecker {
  /** The first violations found (at most 100 are kept). */
  readonly violations: Violation[] = [];
  /** Every violation found. */
  total = 0;
  private readonly watches = new Map<MemberId, NodeWatch>();
  private readonly senders = new Map<MemberId, SenderRecord>();
  /** How many nodes have committed exactly this many messages (counts only grow, one at a time). */
  private readonly nodesAtCount = new Map<number, number>();
  private lowestCount = 0;
  private highestCount = 0;

  constructor(
    private readonly members: readonly MemberId[],
    seed: number,
    private readonly window: number,
  ) {
    for (const member of members) {
      this.senders.set(member, { stream: valueStream(seed, member), values: [], sentAt: [] });
      this.watches.set(member, { lastCommitted: new Map(), lastContiguous: new Map(), count: 0 });
    }
    this.nodesAtCount.set(0, members.length);
  }

  /** The sender made message seq current at sentAt (observed on its first DATA send). */
  recordSent(from: MemberId, seq: number, sentAt: number): void {
    this.senders.get(from)!.sentAt[seq] = sentAt;
  }

  /** (1) Commits per sender are the gap-free, duplicate-free prefix of that sender's stream. */
  checkCommit(node: MemberId, entry: Committed, at: number): void {
    const watch = this.watches.get(node)!;
    const last = watch.lastCommitted.get(entry.from) ?? 0;
    if (entry.seq !== last + 1) {
      this.fail('prefix', node, at, `committed ${entry.from}#${entry.seq} after #${last}`);
    }
    const sender = this.senders.get(entry.from);
    if (!sender || entry.value !== streamValue(sender, entry.seq)) {
      this.fail('prefix', node, at, `committed ${entry.from}#${entry.seq} with a value not in the stream`);
    }
    const sentAt = sender?.sentAt[entry.seq];
    if (sentAt !== entry.sentAt) {
      this.fail('prefix', node, at, `committed ${entry.from}#${entry.seq} with sentAt ${entry.sentAt}, sent at ${sentAt}`);
    }
    watch.lastCommitted.set(entry.from, Math.max(last, entry.seq));
    this.countOneMore(watch);
  }

  /** Receive buffers never move backwards (checked for each sender whose buffer a step touched). */
  checkBuffer(node: MemberId, state: NodeState, from: MemberId, at: number): void {
    const buffer = state.receivers.get(from);
    if (!buffer) return;
    const watch = this.watches.get(node)!;
    const before = watch.lastContiguous.get(from) ?? 0;
    if (buffer.contiguous < before) {
      this.fail('monotonic', node, at, `buffer for ${from} moved back from ${before} to ${buffer.contiguous}`);
    }
    watch.lastContiguous.set(from, buffer.contiguous);
  }

  /** (3) Any two nodes' counts differ by at most window * |members|. */
  checkDivergence(node: MemberId, at: number): void {
    const spread = this.highestCount - this.lowestCount;
    const bound = this.window * this.members.length;
    if (spread > bound) this.fail('divergence', node, at, `counts differ by ${spread} > ${bound}`);
  }

  /** Moves a node's count up by one and keeps the lowest and highest count of all nodes current. */
  private countOneMore(watch: NodeWatch): void {
    const from = watch.count;
    watch.count += 1;
    const left = this.nodesAtCount.get(from)! - 1;
    if (left === 0) this.nodesAtCount.delete(from);
    else this.nodesAtCount.set(from, left);
    this.nodesAtCount.set(from + 1, (this.nodesAtCount.get(from + 1) ?? 0) + 1);
    if (from + 1 > this.highestCount) this.highestCount = from + 1;
    // Nobody is left at the lowest count: the node that just moved up is at the next one.
    if (from === this.lowestCount && left === 0) this.lowestCount = from + 1;
  }

  /** (2) Nodes that received every FIN and had their own FIN acked print the same result. */
  checkAgreement(results: ReadonlyMap<MemberId, { line: string; complete: boolean }>, at: number): void {
    let reference: { node: MemberId; line: string } | null = null;
    for (const [node, result] of results) {
      if (!result.complete) continue;
      if (!reference) reference = { node, line: result.line };
      else if (result.line !== reference.line) {
        this.fail('agreement', node, at, `${node} ${result.line} but ${reference.node} ${reference.line}`);
      }
    }
  }

  /** The ledger's folded checksum equals the checksum of all commits sorted at once. */
  checkChecksum(node: MemberId, printed: string, recomputed: string, at: number): void {
    if (printed !== recomputed) this.fail('checksum', node, at, `printed ${printed}, recomputed ${recomputed}`);
  }

  private fail(invariant: Invariant, node: MemberId, at: number, detail: string): void {
    this.total += 1;
    if (this.violations.length < 100) this.violations.push({ invariant, node, at, detail });
  }
}

/** Value of serial seq of a sender's stream, computed once (every node commits the same messages). */
function streamValue(sender: SenderRecord, seq: number): number {
  let value = sender.values[seq];
  if (value === undefined) {
    value = sender.stream(seq);
    sender.values[seq] = value;
  }
  return value;
}
