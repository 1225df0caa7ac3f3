// A member's side of sharing traces through the signaling server (docs/SIGNALING.md, "Sharing
// traces"): it answers each trace-get with one part of its trace, paced, so a download never
// crowds out the member's own signaling.

import type { MemberId } from '../core';
import { MAX_TRACE_PART_BYTES, type TraceGetNotice, type TracePartMessage } from '../signaling';
import type { Timers } from '../net/timers';

/** A node's trace of one run, as JSON Lines text in pieces of whole lines. */
export interface SharedTrace {
  runId: string;
  /** Whether the run is over for this node: a get for a run still going waits for its end. */
  done: boolean;
  /** The text so far: every piece is whole lines, each ending in LF. */
  pieces(): readonly string[];
}

export interface TraceServerOptions {
  /** The trace this member can share now, or null when it keeps none. */
  source: () => SharedTrace | null;
  /** Why this member has no trace when `source` gives none (`n1 keeps no trace: …`). */
  withoutTrace: () => string;
  send: (part: TracePartMessage) => boolean;
  timers: Timers;
}

/** A member answers at most this many trace-gets a second, from all askers together. */
export const TRACE_PARTS_PER_SECOND = 50;
const PART_INTERVAL_MS = 1000 / TRACE_PARTS_PER_SECOND;

/** Answers trace-gets, one a tick; each asker has at most one get waiting (a newer one replaces it). */
export class TraceServer {
  /** Waiting gets by asker, in the order they came. */
  private readonly waiting = new Map<MemberId, TraceGetNotice>();
  private timer: unknown = null;
  private pages: Pages | null = null;
  /** When the last part was sent (Date.now() ms), or -Infinity. */
  private lastAnswerMs = -Infinity;

  constructor(private readonly options: TraceServerOptions) {}

  receive(get: TraceGetNotice): void {
    this.waiting.delete(get.from);
    this.waiting.set(get.from, get);
    this.schedule();
  }

  /** The source changed (its run ended, say): gets held for that end may be answered now. */
  wake(): void {
    this.schedule();
  }

  /** Resolves when no get is waiting and none was answered in the last `quietMs`, or after `atMostMs`. */
  async idle(quietMs: number, atMostMs: number): Promise<void> {
    const deadline = Date.now() + atMostMs;
    for (;;) {
      const now = Date.now();
      const quietFor = now - this.lastAnswerMs;
      if (now >= deadline || (this.waiting.size === 0 && quietFor >= quietMs)) return;
      const wait = this.waiting.size > 0 ? PART_INTERVAL_MS : quietMs - quietFor;
      await new Promise<void>((resolve) => this.options.timers.set(resolve, Math.min(wait, deadline - now)));
    }
  }

  close(): void {
    if (this.timer !== null) this.options.timers.clear(this.timer);
    this.timer = null;
    this.waiting.clear();
  }

  private schedule(): void {
    if (this.timer !== null || this.nextAnswerable() === null) return;
    this.timer = this.options.timers.set(() => {
      this.timer = null;
      this.answerNext();
      this.schedule();
    }, PART_INTERVAL_MS);
  }

  /** The first waiting get that is not held for the end of a run still going. */
  private nextAnswerable(): TraceGetNotice | null {
    if (this.waiting.size === 0) return null;
    const source = this.options.source();
    for (const get of this.waiting.values()) {
      if (!(source && source.runId === get.runId && !source.done)) return get;
    }
    return null;
  }

  private answerNext(): void {
    const get = this.nextAnswerable();
    if (!get) return;
    this.waiting.delete(get.from);
    this.options.send(this.answer(get));
    this.lastAnswerMs = Date.now();
  }

  private answer(get: TraceGetNotice): TracePartMessage {
    const reply = { type: 'trace-part' as const, to: get.from, runId: get.runId, part: get.part };
    const source = this.options.source();
    if (!source) return { ...reply, lines: '', more: false, reason: this.options.withoutTrace() };
    if (source.runId !== get.runId) return { ...reply, lines: '', more: false, reason: `it keeps the trace of run ${source.runId} only` };
    const pages = this.pagesOf(source);
    if (pages.count === 0) return { ...reply, lines: '', more: false, reason: 'it recorded nothing in that run' };
    if (get.part >= pages.count) return { ...reply, lines: '', more: false, reason: `part ${get.part} is past the end: the trace has ${pages.count} parts` };
    return { ...reply, lines: pages.page(get.part), more: get.part < pages.count - 1 };
  }

  /** The source cut into parts, again only when it grew. */
  private pagesOf(source: SharedTrace): Pages {
    const pieces = source.pieces();
    if (!this.pages || this.pages.runId !== source.runId || this.pages.pieceCount !== pieces.length) {
      this.pages = new Pages(source.runId, pieces);
    }
    return this.pages;
  }
}

/** Whole lines packed greedily into parts whose `lines`, JSON-escaped, fit MAX_TRACE_PART_BYTES. */
class Pages {
  readonly pieceCount: number;
  private readonly starts: number[] = [];
  private readonly text: string;

  constructor(
    readonly runId: string,
    pieces: readonly string[],
  ) {
    this.pieceCount = pieces.length;
    this.text = pieces.join('');
    this.cut();
  }

  get count(): number {
    return this.starts.length;
  }

  page(index: number): string {
    const end = index + 1 < this.starts.length ? this.starts[index + 1] : this.text.length;
    return this.text.slice(this.starts[index], end);
  }

  private cut(): void {
    let bytes = 0;
    let at = 0;
    while (at < this.text.length) {
      const newline = this.text.indexOf('\n', at);
      const end = newline < 0 ? this.text.length : newline + 1;
      const lineBytes = escapedBytes(this.text, at, end);
      if (this.starts.length === 0 || bytes + lineBytes > MAX_TRACE_PART_BYTES) {
        this.starts.push(at);
        bytes = 0;
      }
      bytes += lineBytes;
      at = end;
    }
  }
}

/** UTF-8 bytes of text[from, to) once written inside a JSON string. */
function escapedBytes(text: string, from: number, to: number): number {
  let bytes = 0;
  for (let i = from; i < to; i += 1) bytes += escapedCharBytes(text.charCodeAt(i));
  return bytes;
}

function escapedCharBytes(code: number): number {
  if (code === 0x22 || code === 0x5c || code === 0x0a || code === 0x0d || code === 0x09 || code === 0x08 || code === 0x0c) return 2;
  if (code < 0x20) return 6;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  return 3; // surrogate halves count 3 each: a pair (4 bytes) is over-counted, never under
}
