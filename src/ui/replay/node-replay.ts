// One node of a trace, rebuilt: its recorded inputs (start, recv, timer, stop) fed to the pure
// reducer. Checkpoints every few thousand inputs make seeking anywhere fast.

import { createNode, inputOf, step, type MemberId, type NodeResult, type NodeState, type ProtocolEvent, type TraceRecord } from '../../core';
import { snapshotNode, type NodeSnapshot } from '../../runtime/snapshot';
import { asTime, countAtOrBefore } from '../timeline/search';
import { deepClone } from './deep-clone';

const CHECKPOINT_EVERY = 2000;

interface Point {
  /** Inputs applied. */
  applied: number;
  state: NodeState;
}

export class NodeReplay {
  private readonly inputs: ProtocolEvent[] = [];
  /** Running maximum of the inputs' times: the search key for "inputs up to time t". */
  private readonly reach: number[] = [];
  private readonly checkpoints: Point[] = [];
  private cursor: Point;
  private cached: { applied: number; snapshot: NodeSnapshot } | null = null;
  /** The result the reducer reaches after every input. */
  readonly finalResult: NodeResult | null;

  /** @param records this node's records, in the order it recorded them */
  constructor(
    readonly id: MemberId,
    records: readonly TraceRecord[],
  ) {
    for (const record of records) {
      const event = inputOf(record);
      if (!event) continue;
      this.inputs.push(event);
      this.reach.push(Math.max(event.now, this.reach.length > 0 ? this.reach[this.reach.length - 1] : -Infinity));
    }
    let state = createNode(id);
    for (let i = 0; i < this.inputs.length; i += 1) {
      if (i % CHECKPOINT_EVERY === 0) this.checkpoints.push({ applied: i, state: deepClone(state) });
      state = step(state, this.inputs[i]).state;
    }
    this.cursor = { applied: this.inputs.length, state };
    this.finalResult = state.result;
  }

  /** The node's state after every input recorded at or before `time`; null before its start. */
  snapshotAt(time: number): NodeSnapshot | null {
    const applied = countAtOrBefore(this.reach, time, asTime);
    if (applied === 0) return null;
    if (this.cached?.applied === applied) return this.cached.snapshot;
    this.moveTo(applied);
    const snapshot = snapshotNode(this.cursor.state);
    this.cached = { applied, snapshot };
    return snapshot;
  }

  private moveTo(applied: number): void {
    const forward = applied - this.cursor.applied;
    if (forward < 0 || forward > CHECKPOINT_EVERY) {
      const checkpoint = this.checkpoints[Math.floor(applied / CHECKPOINT_EVERY)] ?? this.checkpoints[this.checkpoints.length - 1];
      this.cursor = { applied: checkpoint.applied, state: deepClone(checkpoint.state) };
    }
    let state = this.cursor.state;
    for (let i = this.cursor.applied; i < applied; i += 1) state = step(state, this.inputs[i]).state;
    this.cursor = { applied, state };
  }
}
