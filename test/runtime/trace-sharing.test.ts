// Sharing traces through the server: a member's answers (paced, held until its run ends, each part
// within the frame limit) and an asker's collection, wired through a stand-in for the relay.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemTimers } from '../../src/net/timers';
import { TraceCollector, TRACE_ANSWER_TIMEOUT_MS, type CollectionProgress } from '../../src/runtime/trace-collector';
import { TraceServer, TRACE_PARTS_PER_SECOND, type SharedTrace } from '../../src/runtime/trace-sharing';
import { MAX_FRAME_BYTES, type TraceGetNotice, type TracePartMessage } from '../../src/signaling';

/** One member's trace: `records` lines of about 200 characters, some with quotes and non-ASCII. */
function traceText(node: string, records: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < records; start += 1000) {
    let piece = '';
    for (let i = start; i < Math.min(records, start + 1000); i += 1) piece += JSON.stringify({ t: i, node, ev: 'lost', reason: `“frame ${i}” ${'x'.repeat(150)}` }) + '\n';
    pieces.push(piece);
  }
  return pieces;
}

interface Member {
  server: TraceServer;
  trace: SharedTrace | null;
  sent: TracePartMessage[];
}

/** Members whose trace servers answer through a relay that delivers every part to one collector (the asker `w`). */
function room(traces: Record<string, SharedTrace | null>) {
  const members = new Map<string, Member>();
  const collector = new TraceCollector({
    send: (get) => {
      const member = members.get(get.to);
      if (!member) return false;
      const notice: TraceGetNotice = { type: 'trace-get', from: 'w', runId: get.runId, part: get.part };
      member.server.receive(notice);
      return true;
    },
    timers: systemTimers,
  });
  for (const [id, trace] of Object.entries(traces)) {
    const member: Member = { trace, sent: [], server: null as unknown as TraceServer };
    member.server = new TraceServer({
      source: () => member.trace,
      withoutTrace: () => `${id} keeps no trace`,
      send: (part) => {
        member.sent.push(part);
        const frame = JSON.stringify(part);
        expect(new TextEncoder().encode(frame).length).toBeLessThanOrEqual(MAX_FRAME_BYTES['trace-part']!);
        collector.receive({ type: 'trace-part', from: id, runId: part.runId, part: part.part, lines: part.lines, more: part.more, ...(part.reason ? { reason: part.reason } : {}) });
        return true;
      },
      timers: systemTimers,
    });
    members.set(id, member);
  }
  return { members, collector };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('sharing traces', () => {
  it('an asker gets every member\'s whole trace, byte for byte, in parts that each fit a frame', async () => {
    const a = traceText('a', 3000);
    const b = traceText('b', 10);
    const { members, collector } = room({ a: { runId: 'R', done: true, pieces: () => a }, b: { runId: 'R', done: true, pieces: () => b } });
    const progress: CollectionProgress[] = [];
    const collected = collector.collect('R', ['a', 'b'], (p) => progress.push(p));
    await vi.runAllTimersAsync();
    expect(await collected).toEqual([
      { node: 'a', text: a.join(''), missing: null },
      { node: 'b', text: b.join(''), missing: null },
    ]);
    expect(members.get('a')!.sent.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toEqual({ done: 2, of: 2, received: a.join('').length + b.join('').length });
  });

  it('a member answers at most 50 parts a second, whoever asks', async () => {
    const a = traceText('a', 20_000);
    const { members, collector } = room({ a: { runId: 'R', done: true, pieces: () => a } });
    void collector.collect('R', ['a'], () => undefined);
    await vi.advanceTimersByTimeAsync(1000);
    expect(members.get('a')!.sent.length).toBe(TRACE_PARTS_PER_SECOND);
    for (let i = 0; i < 100; i += 1) members.get('a')!.server.receive({ type: 'trace-get', from: `x${i}`, runId: 'R', part: 0 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(members.get('a')!.sent.length).toBe(2 * TRACE_PARTS_PER_SECOND);
  });

  it('a get for a run still going is held until the member is done, then answered', async () => {
    const a = traceText('a', 5);
    const member = { runId: 'R', done: false, pieces: () => a };
    const { members, collector } = room({ a: member });
    const collected = collector.collect('R', ['a'], () => undefined);
    await vi.advanceTimersByTimeAsync(5000);
    expect(members.get('a')!.sent).toEqual([]);
    member.done = true;
    members.get('a')!.server.wake();
    await vi.runAllTimersAsync();
    expect(await collected).toEqual([{ node: 'a', text: a.join(''), missing: null }]);
  });

  it('says why a trace is missing: none kept, another run, nothing recorded, no answer, the member left', async () => {
    const { members, collector } = room({
      none: null,
      other: { runId: 'Q', done: true, pieces: () => ['{"t":0}\n'] },
      empty: { runId: 'R', done: true, pieces: () => [] },
      silent: { runId: 'R', done: false, pieces: () => [] },
      leaver: { runId: 'R', done: false, pieces: () => [] },
    });
    const collected = collector.collect('R', ['none', 'other', 'empty', 'silent', 'leaver'], () => undefined);
    await vi.advanceTimersByTimeAsync(1000);
    collector.membersNow(new Set([...members.keys()].filter((id) => id !== 'leaver')));
    await vi.advanceTimersByTimeAsync(TRACE_ANSWER_TIMEOUT_MS);
    expect((await collected).map((t) => t.missing)).toEqual([
      'none sent no trace: none keeps no trace',
      'other sent no trace: it keeps the trace of run Q only',
      'empty sent no trace: it recorded nothing in that run',
      `silent did not answer within ${TRACE_ANSWER_TIMEOUT_MS / 1000} s`,
      'leaver left the room before its trace was in',
    ]);
  });

  it('a part nobody asked for (another run, a part out of turn, a stranger) is not taken', async () => {
    const a = traceText('a', 5);
    const { collector } = room({ a: { runId: 'R', done: false, pieces: () => a } });
    const collected = collector.collect('R', ['a'], () => undefined);
    collector.receive({ type: 'trace-part', from: 'a', runId: 'Q', part: 0, lines: 'forged\n', more: false });
    collector.receive({ type: 'trace-part', from: 'a', runId: 'R', part: 3, lines: 'forged\n', more: false });
    collector.receive({ type: 'trace-part', from: 'z', runId: 'R', part: 0, lines: 'forged\n', more: false });
    collector.receive({ type: 'trace-part', from: 'a', runId: 'R', part: 0, lines: a.join(''), more: false });
    expect(await collected).toEqual([{ node: 'a', text: a.join(''), missing: null }]);
  });
});
