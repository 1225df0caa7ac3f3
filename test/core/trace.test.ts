// The record mapping of docs/TRACE.md, both ways: a reducer input becomes a record and back, and
// effects become the records the runtime and the simulator write.

import { describe, expect, it } from 'vitest';
import { createNode, effectRecord, inputOf, inputRecord, step, traceLine, type ProtocolEvent } from '../../src/core';

const PARAMS = { sendForMs: 100, waitForMs: 100, seed: 3, tickMs: 50, window: 1 };

describe('trace records', () => {
  const inputs: ProtocolEvent[] = [
    { type: 'start', now: 10, run: 7, members: ['a', 'b'], params: PARAMS },
    { type: 'frame', now: 20, frame: { kind: 'ack', run: 7, from: 'b', seq: 1 } },
    { type: 'frame', now: 21, frame: { kind: 'data', run: 7, from: 'b', seq: 1, sentAt: 15, value: 42 } },
    { type: 'timer', now: 30, name: 'tick' },
    { type: 'stop', now: 40 },
  ];

  it.each(inputs.map((e) => [e.type, e] as const))('a %s input comes back from its record unchanged', (_, event) => {
    expect(inputOf(inputRecord('a', event, 'run-1'))).toEqual(event);
  });

  it('a received frame is recorded as coming from its sender', () => {
    expect(inputRecord('a', inputs[1], 'x')).toEqual({ t: 20, node: 'a', ev: 'recv', from: 'b', frame: inputs[1].type === 'frame' ? inputs[1].frame : null });
  });

  it('records that are not inputs (sends, commits, control frames) map to no input', () => {
    expect(inputOf({ t: 1, node: 'a', ev: 'commit', from: 'b', seq: 1, sentAt: 1, value: 1 })).toBeNull();
    expect(inputOf({ t: 1, node: 'a', ev: 'recv', from: 'b', frame: { kind: 'ping', run: 7, from: 'b', nonce: 1, time: 1 } })).toBeNull();
  });

  it('effects become lines with the documented keys in order; a log line becomes none', () => {
    const { effects } = step(createNode('a'), inputs[0]);
    const lines = effects.map((e) => effectRecord('a', 10, e)).filter((r) => r !== null).map(traceLine);
    expect(lines).toContain('{"t":10,"node":"a","ev":"phase","phase":"sending"}');
    expect(lines.some((l) => l.startsWith('{"t":10,"node":"a","ev":"send","to":"b","frame":{"kind":"data"'))).toBe(true);
    expect(effectRecord('a', 1, { type: 'log', level: 'debug', message: 'x' })).toBeNull();
    expect(traceLine(inputRecord('a', inputs[0], 'run-1'))).toBe('{"t":10,"node":"a","ev":"start","run":7,"runId":"run-1","members":["a","b"],"params":{"sendForMs":100,"waitForMs":100,"seed":3,"tickMs":50,"window":1}}');
  });
});
