// The asking side of sharing traces (docs/SIGNALING.md, "Sharing traces"): fetches every member's
// trace of a run through the signaling server, part after part, one member at a time per asker.

import type { MemberId } from '../core';
import type { TraceGetMessage, TracePartNotice } from '../signaling';
import type { Timers } from '../net/timers';

/** What one member sent: its trace as JSON Lines, or why there is none. */
export interface FetchedTrace {
  node: MemberId;
  text: string;
  /** Why this member's trace is missing (empty text then), or null. */
  missing: string | null;
}

export interface CollectionProgress {
  /** Members whose whole trace (or refusal) is in. */
  done: number;
  of: number;
  /** Characters of JSON Lines received so far. */
  received: number;
}

export interface TraceCollectorOptions {
  send: (get: TraceGetMessage) => boolean;
  timers: Timers;
}

/** A member that sends no part for this long is given up on. */
export const TRACE_ANSWER_TIMEOUT_MS = 15_000;

interface Fetch {
  node: MemberId;
  parts: string[];
  missing: string | null;
  finished: boolean;
  timer: unknown;
}

/** One collection at a time: all members are asked at once, each for its next part when the last one came. */
export class TraceCollector {
  private runId: string | null = null;
  private fetches = new Map<MemberId, Fetch>();
  private received = 0;
  private settle: ((traces: FetchedTrace[]) => void) | null = null;
  /** How long a member may take to send its first part (it answers once its run is done). */
  private firstPartWithinMs = TRACE_ANSWER_TIMEOUT_MS;
  private progress: (progress: CollectionProgress) => void = () => undefined;

  constructor(private readonly options: TraceCollectorOptions) {}

  get busy(): boolean {
    return this.settle !== null;
  }

  /**
   * Fetches the traces of `members` for run `runId`; resolves when each has sent its last part,
   * refused, left or timed out. A member answers only once its run is done, so the first part may
   * take `firstPartWithinMs` (the rest TRACE_ANSWER_TIMEOUT_MS each).
   */
  collect(runId: string, members: readonly MemberId[], onProgress: (progress: CollectionProgress) => void, firstPartWithinMs = TRACE_ANSWER_TIMEOUT_MS): Promise<FetchedTrace[]> {
    if (this.settle) return Promise.reject(new Error('a collection of traces is already under way'));
    this.runId = runId;
    this.firstPartWithinMs = Math.max(TRACE_ANSWER_TIMEOUT_MS, firstPartWithinMs);
    this.received = 0;
    this.progress = onProgress;
    this.fetches = new Map(members.map((node) => [node, { node, parts: [], missing: null, finished: false, timer: null }]));
    const result = new Promise<FetchedTrace[]>((resolve) => (this.settle = resolve));
    for (const fetch of this.fetches.values()) this.ask(fetch, 0);
    this.checkDone();
    return result;
  }

  receive(part: TracePartNotice): void {
    const fetch = this.fetches.get(part.from);
    if (!fetch || fetch.finished || part.runId !== this.runId || part.part !== fetch.parts.length) return;
    this.options.timers.clear(fetch.timer);
    if (part.reason !== undefined) {
      this.finish(fetch, `${fetch.node} sent no trace: ${part.reason}`);
      return;
    }
    fetch.parts.push(part.lines);
    this.received += part.lines.length;
    if (part.more) this.ask(fetch, fetch.parts.length);
    else this.finish(fetch, null);
  }

  /** Gives up on every member not finished yet (a new run started, say), saying why. */
  abandon(reason: string): void {
    for (const fetch of this.fetches.values()) this.finish(fetch, `${fetch.node}: ${reason}`);
  }

  /** The room's members now: a member being fetched that left is given up on. */
  membersNow(present: ReadonlySet<MemberId>): void {
    for (const fetch of this.fetches.values()) {
      if (!fetch.finished && !present.has(fetch.node)) this.finish(fetch, `${fetch.node} left the room before its trace was in`);
    }
  }

  private ask(fetch: Fetch, part: number): void {
    const sent = this.runId !== null && this.options.send({ type: 'trace-get', to: fetch.node, runId: this.runId, part });
    if (!sent) {
      this.finish(fetch, `could not ask ${fetch.node}: the signaling server is not connected`);
      return;
    }
    const withinMs = part === 0 ? this.firstPartWithinMs : TRACE_ANSWER_TIMEOUT_MS;
    fetch.timer = this.options.timers.set(() => this.finish(fetch, `${fetch.node} did not answer within ${Math.round(withinMs / 1000)} s`), withinMs);
  }

  private finish(fetch: Fetch, missing: string | null): void {
    if (fetch.finished) return;
    this.options.timers.clear(fetch.timer);
    fetch.finished = true;
    fetch.missing = missing;
    this.checkDone();
  }

  private checkDone(): void {
    const fetches = [...this.fetches.values()];
    const done = fetches.filter((f) => f.finished).length;
    this.progress({ done, of: fetches.length, received: this.received });
    if (done < fetches.length || !this.settle) return;
    const settle = this.settle;
    this.settle = null;
    this.runId = null;
    settle(fetches.map((f) => ({ node: f.node, text: f.missing === null ? f.parts.join('') : '', missing: f.missing })));
  }
}
