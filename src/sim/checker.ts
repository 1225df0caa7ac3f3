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

export class InvariantChecker {
  /** The first violations found (at most 100 are kept). */
  readonly violations: Violation[] = [];
  /** Every violation found. */
  total = 0;
  private readonly watches = new Map<MemberId, NodeWatch>();
  private readonly sentAtOf = new Map<MemberId, Map<number, number>>();
  private readonly streams = new Map<MemberId, (seq: number) => number>();

  constructor(
    private readonly members: readonly MemberId[],
    seed: number,
    private readonly window: number,
  ) {
    for (const member of members) {
      this.streams.set(member, valueStream(seed, member));
      this.watches.set(member, { lastCommitted: new Map(), lastContiguous: new Map(), count: 0 });
      this.sentAtOf.set(member, new Map());
    }
  }

  /** The sender made message seq current at sentAt (observed on its first DATA send). */
  recordSent(from: MemberId, seq: number, sentAt: number): void {
    this.sentAtOf.get(from)!.set(seq, sentAt);
  }

  /** (1) Commits per sender are the gap-free, duplicate-free prefix of that sender's stream. */
  checkCommit(node: MemberId, entry: Committed, at: number): void {
    const watch = this.watches.get(node)!;
    const last = watch.lastCommitted.get(entry.from) ?? 0;
    if (entry.seq !== last + 1) {
      this.fail('prefix', node, at, `committed ${entry.from}#${entry.seq} after #${last}`);
    }
    if (entry.value !== this.streams.get(entry.from)?.(entry.seq)) {
      this.fail('prefix', node, at, `committed ${entry.from}#${entry.seq} with a value not in the stream`);
    }
    const sentAt = this.sentAtOf.get(entry.from)!.get(entry.seq);
    if (sentAt !== entry.sentAt) {
      this.fail('prefix', node, at, `committed ${entry.from}#${entry.seq} with sentAt ${entry.sentAt}, sent at ${sentAt}`);
    }
    watch.lastCommitted.set(entry.from, Math.max(last, entry.seq));
    watch.count += 1;
  }

  /** Receive buffers never move backwards (checked for the senders whose buffers the step touched). */
  checkBuffers(node: MemberId, state: NodeState, senders: readonly MemberId[], at: number): void {
    const watch = this.watches.get(node)!;
    for (const from of senders) {
      const buffer = state.receivers.get(from);
      if (!buffer) continue;
      const before = watch.lastContiguous.get(from) ?? 0;
      if (buffer.contiguous < before) {
        this.fail('monotonic', node, at, `buffer for ${from} moved back from ${before} to ${buffer.contiguous}`);
      }
      watch.lastContiguous.set(from, buffer.contiguous);
    }
  }

  /** (3) Any two nodes' counts differ by at most window * |members|. */
  checkDivergence(node: MemberId, at: number): void {
    let low = Infinity;
    let high = -Infinity;
    for (const watch of this.watches.values()) {
      low = Math.min(low, watch.count);
      high = Math.max(high, watch.count);
    }
    const bound = this.window * this.members.length;
    if (high - low > bound) this.fail('divergence', node, at, `counts differ by ${high - low} > ${bound}`);
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
