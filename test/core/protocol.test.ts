// The reducer: the protocol's rules one event at a time, and every phase x event combination.

import { describe, expect, it } from 'vitest';
import { createNode, nextDeadline, step, value, type Effect, type NodeState, type Phase, type ProtocolEvent, type ProtocolFrame, type RunParams } from '../../src/core';

const PARAMS: RunParams = { sendForMs: 1000, waitForMs: 500, seed: 3, tickMs: 100, window: 1 };
const MS = 1000;

function started(self: string, members = ['a', 'b', 'c'], params: Partial<RunParams> = {}): NodeState {
  return step(createNode(self), { type: 'start', now: 0, run: 9, members, params: { ...PARAMS, ...params } }).state;
}

function apply(state: NodeState, event: ProtocolEvent): Effect[] {
  return step(state, event).effects;
}

function data(from: string, seq: number, sentAt = seq * 10, run = 9): ProtocolFrame {
  return { kind: 'data', run, from, seq, sentAt, value: value(PARAMS.seed, from, seq) };
}

const ack = (from: string, seq: number): ProtocolFrame => ({ kind: 'ack', run: 9, from, seq });
const fin = (from: string, seq: number): ProtocolFrame => ({ kind: 'fin', run: 9, from, seq });
const frame = (f: ProtocolFrame, now = 1): ProtocolEvent => ({ type: 'frame', now, frame: f });
const sends = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'send' ? [{ to: e.to, ...e.frame }] : []));
const commits = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'commit' ? [`${e.entry.from}#${e.entry.seq}`] : []));

/** Drives a node into the given phase. */
function inPhase(phase: Phase): NodeState {
  const state = started('a', ['a', 'b']);
  if (phase === 'connecting') return createNode('a');
  if (phase === 'sending') return state;
  apply(state, { type: 'timer', now: 1000 * MS, name: 'phase' });
  if (phase === 'waiting') return state;
  apply(state, { type: 'stop', now: 1001 * MS });
  return state;
}

describe('sender', () => {
  it('sends message 1 to every other member at start and delivers it to itself', () => {
    const effects = step(createNode('a'), { type: 'start', now: 5, run: 9, members: ['c', 'a', 'b'], params: PARAMS }).effects;
    expect(sends(effects)).toEqual([
      { to: 'b', kind: 'data', run: 9, from: 'a', seq: 1, sentAt: 5, value: value(3, 'a', 1) },
      { to: 'c', kind: 'data', run: 9, from: 'a', seq: 1, sentAt: 5, value: value(3, 'a', 1) },
    ]);
    expect(effects).toContainEqual({ type: 'phase', phase: 'sending', at: 5 });
    expect(nextDeadline(step(createNode('z'), { type: 'start', now: 5, run: 9, members: ['z', 'b'], params: PARAMS }).state)).toEqual({ name: 'tick', at: 5 + 100 * MS });
  });

  it('moves on at once when the last ack arrives, without waiting for the tick', () => {
    const a = started('a');
    expect(sends(apply(a, frame(ack('b', 1))))).toEqual([]);
    const effects = apply(a, frame(ack('c', 1), 7));
    expect(sends(effects).map((s) => [s.to, s.kind, s.seq])).toEqual([['b', 'data', 2], ['c', 'data', 2]]);
    expect(commits(effects)).toEqual(['a#1']); // its own message 1, committed when 2 became current
  });

  it('keeps sentAt strictly increasing even when the clock does not move', () => {
    const a = started('a', ['a', 'b']);
    const effects = apply(a, frame(ack('b', 1), 0));
    expect(sends(effects)[0]).toMatchObject({ seq: 2, sentAt: 1 });
  });

  it('resends on a tick only to members that have not acked, and before any round trip is known only after 1 s', () => {
    const a = started('a');
    apply(a, frame(ack('b', 1)));
    expect(sends(apply(a, { type: 'timer', now: 100 * MS, name: 'tick' }))).toEqual([]); // c not sampled: it counts as 500 ms
    expect(sends(apply(a, { type: 'timer', now: 900 * MS, name: 'tick' }))).toEqual([]);
    expect(sends(apply(a, { type: 'timer', now: 1000 * MS, name: 'tick' })).map((s) => [s.to, s.seq])).toEqual([['c', 1]]);
  });

  it('resends after one tick once the round trip is known to be shorter', () => {
    const a = started('a', ['a', 'b']);
    apply(a, frame(ack('b', 1), 20 * MS)); // a clean 20 ms sample; message 2 goes out at 20 ms
    expect(sends(apply(a, { type: 'timer', now: 110 * MS, name: 'tick' }))).toEqual([]);
    expect(sends(apply(a, { type: 'timer', now: 120 * MS, name: 'tick' })).map((s) => [s.to, s.seq])).toEqual([['b', 2]]);
  });

  it('measures the round trip and does not resend while acks are still on the way', () => {
    const a = started('a', ['a', 'b']);
    apply(a, frame(ack('b', 1), 250 * MS)); // message 1: a clean 250 ms round trip; message 2 goes out
    expect(a.sender.rttUs.get('b')).toBe(250 * MS);
    expect(sends(apply(a, { type: 'timer', now: 400 * MS, name: 'tick' }))).toEqual([]); // 150 ms < 2 x RTT
    expect(sends(apply(a, { type: 'timer', now: 750 * MS, name: 'tick' })).map((s) => s.seq)).toEqual([2]);
  });

  it('ignores an ack for a serial it never sent, and a stale ack', () => {
    const a = started('a', ['a', 'b']);
    const effects = apply(a, frame(ack('b', 5)));
    expect(effects).toEqual([{ type: 'log', level: 'warn', message: 'ack from b for serial 5 that was never sent ignored' }]);
    expect(apply(a, frame(ack('b', 0)))).toEqual([]);
  });

  it('with window W keeps W messages in flight and slides on cumulative acks', () => {
    const a = started('a', ['a', 'b'], { window: 4 });
    expect(a.sender.inflight.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    const effects = apply(a, frame(ack('b', 3)));
    expect(sends(effects).map((s) => s.seq)).toEqual([5, 6, 7]);
  });
});

describe('receiver', () => {
  it('buffers a message and commits it when the next one arrives; acks every DATA', () => {
    const b = started('b');
    const first = apply(b, frame(data('a', 1)));
    expect(commits(first)).toEqual([]);
    expect(sends(first)).toEqual([{ to: 'a', kind: 'ack', run: 9, from: 'b', seq: 1 }]);
    const second = apply(b, frame(data('a', 2)));
    expect(commits(second)).toEqual(['a#1']);
    expect(sends(second)).toEqual([{ to: 'a', kind: 'ack', run: 9, from: 'b', seq: 2 }]);
  });

  it('acks duplicates and late messages without committing twice or moving backwards', () => {
    const b = started('b');
    apply(b, frame(data('a', 1)));
    apply(b, frame(data('a', 2)));
    for (const late of [data('a', 1), data('a', 2), data('a', 1)]) {
      const effects = apply(b, frame(late));
      expect(commits(effects)).toEqual([]);
      expect(sends(effects)).toEqual([{ to: 'a', kind: 'ack', run: 9, from: 'b', seq: 2 }]);
    }
    expect(b.receivers.get('a')).toMatchObject({ contiguous: 2, committed: 1 });
  });

  it('drops a message beyond the window (it cannot prove the gap was delivered) but acks what it holds', () => {
    const b = started('b');
    const effects = apply(b, frame(data('a', 3)));
    expect(commits(effects)).toEqual([]);
    expect(sends(effects)).toEqual([{ to: 'a', kind: 'ack', run: 9, from: 'b', seq: 0 }]);
    expect(b.receivers.get('a')!.buffer.size).toBe(0); // not kept either
  });

  it('drops a message whose sentAt breaks the sender clock order, silently', () => {
    const b = started('b');
    apply(b, frame(data('a', 1, 50)));
    const effects = apply(b, frame(data('a', 2, 40)));
    expect(sends(effects)).toEqual([]);
    expect(effects[0]).toMatchObject({ type: 'log', level: 'warn' });
  });

  it('with window W commits everything up to seq - W, accepting reordering inside the window', () => {
    const b = started('b', ['a', 'b'], { window: 3 });
    expect(sends(apply(b, frame(data('a', 2)))).map((s) => s.seq)).toEqual([0]);
    expect(sends(apply(b, frame(data('a', 1)))).map((s) => s.seq)).toEqual([2]);
    expect(commits(apply(b, frame(data('a', 3))))).toEqual([]);
    expect(commits(apply(b, frame(data('a', 5))))).toEqual(['a#1', 'a#2']);
  });

  it('commits the last message on FIN and acks the FIN', () => {
    const b = started('b');
    apply(b, frame(data('a', 1)));
    const effects = apply(b, frame(fin('a', 2)));
    expect(commits(effects)).toEqual(['a#1']);
    expect(sends(effects)).toEqual([{ to: 'a', kind: 'ack', run: 9, from: 'b', seq: 2 }]);
    expect(b.receivers.get('a')!.finished).toBe(true);
  });

  it('ignores a FIN that skips messages, and drops frames of another run or from non-members', () => {
    const b = started('b');
    expect(commits(apply(b, frame(fin('a', 3))))).toEqual([]);
    expect(apply(b, frame(data('a', 1, 10, 8)))).toEqual([{ type: 'log', level: 'debug', message: 'data from a of another run (8) dropped' }]);
    expect(sends(apply(b, frame(data('zed', 1))))).toEqual([]);
    expect(sends(apply(b, frame(data('b', 1))))).toEqual([]);
  });
});

describe('phases', () => {
  it('goes to waiting at the end of the send phase, keeps resending, then sends FIN once acked', () => {
    const a = started('a', ['a', 'b']);
    expect(apply(a, { type: 'timer', now: 999 * MS, name: 'phase' })).toEqual([]); // early: nothing happens, the phase deadline stays
    expect(a.deadlines.phase).toBe(1000 * MS);
    const toWaiting = apply(a, { type: 'timer', now: 1000 * MS, name: 'phase' });
    expect(toWaiting).toContainEqual({ type: 'phase', phase: 'waiting', at: 1000 * MS });
    expect(sends(apply(a, { type: 'timer', now: 1100 * MS, name: 'tick' })).map((s) => [s.kind, s.seq])).toEqual([['data', 1]]);
    const acked = apply(a, frame(ack('b', 1), 1101 * MS));
    expect(sends(acked).map((s) => [s.kind, s.seq])).toEqual([['fin', 2]]);
    // b is still unsampled (its ack was of a resent message): 2 x 500 ms, doubled by the resend's backoff.
    expect(sends(apply(a, { type: 'timer', now: 3000 * MS, name: 'tick' }))).toEqual([]);
    expect(sends(apply(a, { type: 'timer', now: 3101 * MS, name: 'tick' })).map((s) => [s.kind, s.seq])).toEqual([['fin', 2]]);
  });

  it('settles early once every FIN is in and its own FIN is acked by all', () => {
    const a = started('a', ['a', 'b']);
    apply(a, frame(data('b', 1)));
    apply(a, { type: 'timer', now: 1000 * MS, name: 'phase' });
    apply(a, frame(ack('b', 1), 1001 * MS));
    apply(a, frame(fin('b', 2), 1002 * MS));
    const effects = apply(a, frame(ack('b', 2), 1003 * MS));
    const result = effects.find((e) => e.type === 'result');
    expect(result).toMatchObject({ type: 'result', result: { count: 2, complete: true, reason: 'settled', missingFins: [], unackedBy: [] } });
    expect(a.phase).toBe('done');
  });

  it('at the wait deadline prints what it has and names who is missing', () => {
    const a = started('a', ['a', 'b', 'c']);
    apply(a, { type: 'timer', now: 1000 * MS, name: 'phase' });
    const effects = apply(a, { type: 'timer', now: 1500 * MS, name: 'phase' });
    expect(effects.find((e) => e.type === 'result')).toMatchObject({ result: { count: 0, line: '(0, 0.0000000000)', complete: false, reason: 'deadline', missingFins: ['b', 'c'], unackedBy: ['b', 'c'] } });
  });

  it('with send-for 0 sends only a FIN', () => {
    const a = started('a', ['a', 'b'], { sendForMs: 0 });
    expect(a.phase).toBe('waiting');
    expect(a.sender.finSeq).toBe(1);
  });

  it('a one-member run advances on ticks and settles alone', () => {
    const a = started('a', ['a'], { sendForMs: 300 });
    for (const t of [100, 200]) apply(a, { type: 'timer', now: t * MS, name: 'tick' });
    const effects = apply(a, { type: 'timer', now: 300 * MS, name: 'phase' });
    expect(effects.find((e) => e.type === 'result')).toMatchObject({ result: { count: 3, complete: true, reason: 'settled' } });
  });

  it('refuses an invalid start and stays connecting', () => {
    const node = createNode('a');
    const effects = step(node, { type: 'start', now: 0, run: 1, members: ['b', 'c'], params: PARAMS }).effects;
    expect(effects).toEqual([{ type: 'log', level: 'warn', message: 'start ignored: a is not a member of the run' }]);
    expect(step(node, { type: 'start', now: 0, run: 1, members: ['a'], params: { ...PARAMS, window: 0 } }).state.phase).toBe('connecting');
  });
});

describe('every phase x event combination is handled', () => {
  const events: [string, (now: number) => ProtocolEvent][] = [
    ['start', (now) => ({ type: 'start', now, run: 9, members: ['a', 'b'], params: PARAMS })],
    ['data', (now) => frame(data('b', 1, 5), now)],
    ['ack', (now) => frame(ack('b', 1), now)],
    ['fin', (now) => frame(fin('b', 1), now)],
    ['tick', (now) => ({ type: 'timer', now, name: 'tick' })],
    ['phase timer', (now) => ({ type: 'timer', now, name: 'phase' })],
    ['stop', (now) => ({ type: 'stop', now })],
  ];
  /** What each combination must do, in words a reader can check against docs/PROTOCOL.md. */
  const expected: Record<Phase, Record<string, (effects: Effect[], state: NodeState) => void>> = {
    connecting: {
      start: (_e, s) => expect(s.phase).toBe('sending'),
      data: (e) => expect(sends(e)).toEqual([]),
      ack: (e) => expect(sends(e)).toEqual([]),
      fin: (e) => expect(sends(e)).toEqual([]),
      tick: (e) => expect(e).toEqual([]),
      'phase timer': (e) => expect(e).toEqual([]),
      stop: (e, s) => {
        expect(s.phase).toBe('done');
        expect(e.find((x) => x.type === 'result')).toMatchObject({ result: { count: 0, reason: 'stopped' } });
      },
    },
    sending: {
      start: (e, s) => {
        expect(e[0]).toMatchObject({ type: 'log', level: 'warn' });
        expect(s.phase).toBe('sending');
      },
      data: (e) => expect(sends(e)).toEqual([{ to: 'b', kind: 'ack', run: 9, from: 'a', seq: 1 }]),
      ack: (e) => expect(sends(e).map((s) => s.seq)).toEqual([2]),
      fin: (e, s) => {
        expect(sends(e)).toEqual([{ to: 'b', kind: 'ack', run: 9, from: 'a', seq: 1 }]);
        expect(s.receivers.get('b')!.finished).toBe(true);
      },
      tick: (e) => expect(sends(e).map((s) => s.seq)).toEqual([1]),
      'phase timer': (_e, s) => expect(s.phase).toBe('waiting'),
      stop: (_e, s) => expect(s.result?.reason).toBe('stopped'),
    },
    waiting: {
      start: (_e, s) => expect(s.phase).toBe('waiting'),
      data: (e) => expect(sends(e)).toEqual([{ to: 'b', kind: 'ack', run: 9, from: 'a', seq: 1 }]),
      ack: (e) => expect(sends(e)).toEqual([{ to: 'b', kind: 'fin', run: 9, from: 'a', seq: 2 }]),
      fin: (e) => expect(sends(e)).toEqual([{ to: 'b', kind: 'ack', run: 9, from: 'a', seq: 1 }]),
      tick: (e) => expect(sends(e).map((s) => [s.kind, s.seq])).toEqual([['data', 1]]),
      'phase timer': (_e, s) => expect(s.result?.reason).toBe('deadline'),
      stop: (_e, s) => expect(s.result?.reason).toBe('stopped'),
    },
    done: {
      start: (_e, s) => expect(s.phase).toBe('done'),
      data: (e, s) => {
        expect(sends(e)).toEqual([{ to: 'b', kind: 'ack', run: 9, from: 'a', seq: 0 }]);
        expect(s.receivers.get('b')!.buffer.size).toBe(0);
      },
      ack: (e) => expect(e).toEqual([]),
      fin: (e) => expect(sends(e)).toEqual([{ to: 'b', kind: 'ack', run: 9, from: 'a', seq: 0 }]),
      tick: (e) => expect(e).toEqual([]),
      'phase timer': (e) => expect(e).toEqual([]),
      stop: (e) => expect(e).toEqual([]),
    },
  };
  for (const phase of ['connecting', 'sending', 'waiting', 'done'] as const) {
    for (const [name, make] of events) {
      it(`${phase} x ${name}`, () => {
        const state = inPhase(phase);
        const { effects } = step(state, make(1600 * MS));
        expected[phase][name](effects, state);
      });
    }
  }
});

describe('nextDeadline (the driver sleeps until it)', () => {
  it('is the tick, then the phase end once it comes first, and nothing before the start or once done', () => {
    expect(nextDeadline(createNode('a'))).toBeNull();
    const a = started('a', ['a', 'b'], { sendForMs: 250, tickMs: 100 });
    expect(nextDeadline(a)).toEqual({ name: 'tick', at: 100 * MS });
    apply(a, { type: 'timer', now: 100 * MS, name: 'tick' });
    apply(a, { type: 'timer', now: 200 * MS, name: 'tick' });
    expect(nextDeadline(a)).toEqual({ name: 'phase', at: 250 * MS });
    apply(a, { type: 'timer', now: 250 * MS, name: 'phase' });
    expect(nextDeadline(a)).toEqual({ name: 'tick', at: 300 * MS });
    apply(a, { type: 'stop', now: 260 * MS });
    expect(nextDeadline(a)).toBeNull();
  });
});
