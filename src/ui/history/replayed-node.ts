// A node whose inputs are recorded (a trace file; a simulator streaming full traces): its records,
// appended as they come, rebuilt on demand by feeding the inputs to the pure reducer. Checkpoints
// every few thousand records make seeking anywhere fast; they are taken the first time the replay
// passes them, so appending costs nothing until someone looks.

import { createNode, inputOf, step, type MemberId, type NodeState, type TraceRecord } from '../../core';
import { ZERO_COUNTERS, type TrafficCounters } from '../live/feed';
import type { LoggedCommit } from '../live/commit-log';
import type { CommitRows } from '../views/commit-rows';
import { deepClone } from '../replay/deep-clone';
import { asTime, countAtOrBefore } from '../timeline/search';
import { countRecord, figuresOfState, type NodeFigures } from './figures';

const CHECKPOINT_EVERY = 2000;

/** The node after its first `index` records. */
interface Point {
  index: number;
  state: NodeState;
  counters: TrafficCounters;
}

export class ReplayedNode {
  private readonly records: TraceRecord[] = [];
  /** Running maximum of the records' times: the search key for "records up to time t". */
  private readonly reach: number[] = [];
  private readonly checkpoints: Point[];
  private cursor: Point;
  private cached: { index: number; figures: NodeFigures | null } | null = null;
  /** The newest figures, kept apart: reading them must not move the cursor away from the playhead each time. */
  private newest: { index: number; figures: NodeFigures | null } | null = null;
  private startIndex = -1;
  /** From the node's `clock` record in a cluster trace: its own clock is `t + offsetUs`. */
  private offsetUs = 0;
  private readonly commits: LoggedCommit[] = [];
  private readonly commitTimes: number[] = [];

  constructor(readonly id: MemberId) {
    this.checkpoints = [{ index: 0, state: createNode(id), counters: { ...ZERO_COUNTERS } }];
    this.cursor = copyPoint(this.checkpoints[0]);
  }

  get size(): number {
    return this.records.length;
  }

  /** Appends the node's next record (records of one node arrive in the order it recorded them). */
  append(record: TraceRecord): void {
    const last = this.reach.length > 0 ? this.reach[this.reach.length - 1] : -Infinity;
    if (record.ev === 'start' && this.startIndex < 0) this.startIndex = this.records.length;
    if (record.ev === 'clock') this.offsetUs = record.offsetUs;
    if (record.ev === 'commit') {
      this.commits.push({ from: record.from, seq: record.seq, sentAt: record.sentAt, value: record.value, index: this.commits.length + 1, at: record.t });
      this.commitTimes.push(Math.max(record.t, last));
    }
    this.records.push(record);
    this.reach.push(Math.max(record.t, last));
  }

  /** The node after every record at or before `time`; null before its start. */
  figuresAt(time: number): NodeFigures | null {
    const index = countAtOrBefore(this.reach, time, asTime);
    if (this.cached?.index === index) return this.cached.figures;
    const figures = this.startIndex < 0 || index <= this.startIndex ? null : this.figuresAfter(index);
    this.cached = { index, figures };
    return figures;
  }

  /** The newest figures. */
  latest(): NodeFigures | null {
    if (this.newest?.index !== this.records.length) this.newest = { index: this.records.length, figures: this.figuresAt(Infinity) };
    return this.newest.figures;
  }

  /** Commits up to `time` (the count the node had then). */
  countAt(time: number): number {
    return countAtOrBefore(this.commitTimes, time, asTime);
  }

  /** Its commits 1..count, newest first. */
  commitRows(count: number): CommitRows {
    const size = Math.max(0, Math.min(count, this.commits.length));
    return { size, row: (offset) => (offset < 0 ? null : (this.commits[size - 1 - offset] ?? null)) };
  }

  private figuresAfter(index: number): NodeFigures {
    this.moveTo(index);
    return figuresOfState(this.cursor.state, this.cursor.counters, this.reach[index - 1]);
  }

  /** Moves the cursor to just after record `index - 1`, from the nearest checkpoint (or the cursor, if closer). */
  private moveTo(index: number): void {
    const forward = index - this.cursor.index;
    if (forward < 0 || forward > CHECKPOINT_EVERY) {
      const checkpoint = this.checkpoints[Math.min(Math.floor(index / CHECKPOINT_EVERY), this.checkpoints.length - 1)];
      if (forward < 0 || checkpoint.index > this.cursor.index) this.cursor = copyPoint(checkpoint);
    }
    let { state } = this.cursor;
    const counters = this.cursor.counters;
    for (let i = this.cursor.index; i < index; i += 1) {
      if (i > 0 && i % CHECKPOINT_EVERY === 0 && this.checkpoints.length === i / CHECKPOINT_EVERY) this.checkpoints.push(copyPoint({ index: i, state, counters }));
      const record = this.records[i];
      countRecord(counters, record);
      const input = inputOf(record, this.offsetUs);
      if (input) state = step(state, input).state;
    }
    this.cursor = { index, state, counters };
  }
}

function copyPoint(point: Point): Point {
  return { index: point.index, state: deepClone(point.state), counters: { ...point.counters } };
}
