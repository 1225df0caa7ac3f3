// The live run on a timeline: snapshots of every node, this tab's frames in flight and its commits,
// recorded as they happen (bounded; sampled at high rates) and read at the animation's playhead.

import type { Committed, MemberId, ProtocolFrame } from '../../core';
import type { NodeSnapshot } from '../../runtime/snapshot';
import { COMMIT_ANIMATION_US, RateSampler, type CommitMark, type Flight } from './flights';
import { IntervalLog } from './interval-log';
import { SnapshotHistory } from './snapshot-history';
import type { Timeline } from './timeline';

const FLIGHT_CAPACITY = 6000;
const COMMIT_CAPACITY = 3000;
const SNAPSHOTS_PER_NODE = 6000;
/** Per directed link (or per committed sender), at most this many animated items per quarter second. */
const SAMPLE_WINDOW_US = 250_000;
const SAMPLE_PER_WINDOW = 24;

export class LiveTimeline implements Timeline {
  private readonly histories = new Map<MemberId, SnapshotHistory>();
  private readonly flightLog = new IntervalLog<Flight>(FLIGHT_CAPACITY);
  private readonly commitLog = new IntervalLog<CommitMark>(COMMIT_CAPACITY);
  private readonly sampler = new RateSampler(SAMPLE_WINDOW_US, SAMPLE_PER_WINDOW);
  /** Called when something new is recorded (the animation wakes up). */
  onActivity: () => void = () => undefined;

  snapshotAt(node: MemberId, time: number): NodeSnapshot | null {
    return this.histories.get(node)?.at(time) ?? null;
  }

  flights(from: number, to: number, limit: number): Flight[] {
    return this.flightLog.overlapping(from, to, limit);
  }

  commits(from: number, to: number, limit: number): CommitMark[] {
    return this.commitLog.overlapping(from, to, limit);
  }

  recordSnapshot(node: MemberId, time: number, snapshot: NodeSnapshot): void {
    let history = this.histories.get(node);
    if (!history) {
      history = new SnapshotHistory(SNAPSHOTS_PER_NODE);
      this.histories.set(node, history);
    }
    history.add(time, snapshot);
    this.onActivity();
  }

  /** A frame this node sent at `at`, expected to arrive `flightUs` later. Returns it if it is drawn. */
  recordSend(from: MemberId, to: MemberId, frame: ProtocolFrame, at: number, flightUs: number): Flight | null {
    return this.recordFlight({ from, to, kind: frame.kind, seq: frame.seq, start: at, end: at + flightUs, lost: false });
  }

  /** A frame that arrived at `at`, sent about `flightUs` earlier. */
  recordRecv(from: MemberId, to: MemberId, frame: ProtocolFrame, at: number, flightUs: number): void {
    this.recordFlight({ from, to, kind: frame.kind, seq: frame.seq, start: at - flightUs, end: at, lost: false });
  }

  recordCommit(node: MemberId, entry: Committed, at: number): void {
    if (!this.sampler.keep(`commit:${node}:${entry.from}`, at)) return;
    this.commitLog.add({ node, from: entry.from, seq: entry.seq, start: at, end: at + COMMIT_ANIMATION_US });
    this.onActivity();
  }

  /** Forgets the previous run's history. */
  reset(): void {
    this.histories.clear();
    this.flightLog.clear();
    this.commitLog.clear();
    this.sampler.clear();
  }

  private recordFlight(flight: Flight): Flight | null {
    if (!this.sampler.keep(`${flight.from}>${flight.to}`, flight.end)) return null;
    this.flightLog.add(flight);
    this.onActivity();
    return flight;
  }
}
