// The shareable sandbox link: it round-trips every setup, reads hand-written links, and refuses bad ones saying why.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSandbox } from '../../src/sandbox/engine';
import { defaultSetup, type SandboxAction, type SandboxSetup } from '../../src/sandbox/setup';
import { encodeSandboxLink, isSandboxLink, parseSandboxLink } from '../../src/sandbox/url';

const ALL_ACTIONS: SandboxAction[] = [
  { at: 0, type: 'latency', ms: 12.5 },
  { at: 1, type: 'link', a: 'n1', b: 'n3', settings: { cut: true, lossPercent: 0, delayMs: 0 } },
  { at: 1500, type: 'link', a: 'n2', b: 'n5', settings: { cut: false, lossPercent: 20, delayMs: 150 } },
  { at: 200_000, type: 'loss', percent: 5 },
  { at: 200_000, type: 'dup', percent: 2.5 },
  { at: 300_123, type: 'reorder', percent: 10 },
  { at: 400_000, type: 'partition', side: ['n1', 'n4'] },
  { at: 500_000, type: 'heal' },
  { at: 600_000, type: 'lose-next', from: 'n3', to: 'n1', kind: 'ack' },
  { at: 700_000, type: 'crash', node: 'n2' },
  { at: 900_000, type: 'restart', node: 'n2' },
  { at: 2_500_000, type: 'stop' },
];

function parsed(text: string): SandboxSetup {
  const result = parseSandboxLink(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('sandbox link', () => {
  it('is short for a default run and carries n and seed', () => {
    expect(encodeSandboxLink(defaultSetup(5, 7))).toBe('sandbox=v1;n=5;seed=7');
    expect(parsed('#sandbox=v1;n=5;seed=7')).toEqual(defaultSetup(5, 7));
  });

  it('round-trips a setup with every kind of action', () => {
    const setup: SandboxSetup = { ...defaultSetup(5, 42), netSeed: 9, batching: true, params: { sendForMs: 2500, waitForMs: 750, seed: 42, tickMs: 50, window: 4 }, network: { latencyMs: 0.5, delay: 'exponential', lossPercent: 1, dupPercent: 0.5, skewMs: 3 }, actions: ALL_ACTIONS };
    const text = encodeSandboxLink(setup);
    expect(text).toContain('a=0@lat:12.5,0.001@link:1:3:x,1.5@link:2:5:l20:d150,200@loss:5,');
    expect(text).toContain('300.123@reorder:10,400@part:1.4,500@heal,600@lose:3:1:ack,700@crash:2,900@restart:2,2500@stop');
    expect(parsed(text)).toEqual(setup);
    expect(parsed(`#${text}`)).toEqual(setup);
    expect(isSandboxLink(`#${text}`)).toBe(true);
    expect(isSandboxLink('#room=abc')).toBe(false);
  });

  it('round-trips random setups (property)', () => {
    const members = ['n1', 'n2', 'n3', 'n4'];
    const node = fc.constantFrom(...members);
    const action = fc.oneof(
      fc.record({ type: fc.constant('crash' as const), node }),
      fc.record({ type: fc.constant('restart' as const), node }),
      fc.record({ type: fc.constant('loss' as const), percent: fc.double({ min: 0, max: 100, noNaN: true }) }),
      fc.record({ type: fc.constant('latency' as const), ms: fc.double({ min: 0.001, max: 60_000, noNaN: true }) }),
      fc.record({ type: fc.constant('link' as const), a: fc.constant('n1'), b: fc.constant('n4'), settings: fc.record({ cut: fc.boolean(), lossPercent: fc.integer({ min: 0, max: 100 }), delayMs: fc.double({ min: 0, max: 10_000, noNaN: true }) }) }),
    );
    const actions = fc.array(fc.tuple(fc.integer({ min: 0, max: 4_000_000 }), action), { maxLength: 8 }).map((list) => list.sort((a, b) => a[0] - b[0]).map(([at, a]) => ({ ...a, at }) as SandboxAction));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 1024 }), actions, (seed, window, list) => {
        const base = defaultSetup(4, seed);
        const setup = { ...base, params: { ...base.params, window }, actions: list };
        expect(parsed(encodeSandboxLink(setup))).toEqual(setup);
      }),
    );
  });

  it('reproduces the same run from the link', () => {
    const setup: SandboxSetup = { ...defaultSetup(4, 3), actions: [{ at: 300_000, type: 'crash', node: 'n2' }, { at: 800_000, type: 'restart', node: 'n2' }] };
    expect(runSandbox(parsed(encodeSandboxLink(setup))).records).toEqual(runSandbox(setup).records);
  });

  it('reads percent-encoded links as browsers may write them', () => {
    expect(parsed('sandbox=v1;n=3;seed=1;a=10%40crash%3A2').actions).toEqual([{ at: 10_000, type: 'crash', node: 'n2' }]);
  });

  it.each([
    ['', 'it must start with "sandbox=v1"'],
    ['sandbox=v2;n=5;seed=1', 'version "v2" is not one this page reads (it reads v1'],
    ['sandbox=v1;seed=1', 'the number of nodes is missing'],
    ['sandbox=v1;n=5', 'the seed is missing'],
    ['sandbox=v1;n=5;seed=1;colour=red', 'unknown key "colour"'],
    ['sandbox=v1;n=5;seed=1;seed=2', '"seed" is given twice'],
    ['sandbox=v1;n=five;seed=1', 'n must be a whole number like 7, got "five"'],
    ['sandbox=v1;n=1;seed=1', 'n must be from 2 to 64 nodes, got 1'],
    ['sandbox=v1;n=65;seed=1', 'n must be from 2 to 64 nodes, got 65'],
    ['sandbox=v1;n=5;seed=-3', 'seed must be a whole number like 7, got "-3"'],
    ['sandbox=v1;n=5;seed=1;w=0', 'window must be an integer between 1 and 1024'],
    ['sandbox=v1;n=5;seed=1;lat=0', 'latency must be from 0.001 to 60000 ms, got 0'],
    ['sandbox=v1;n=5;seed=1;dist=gamma', 'dist must be c (constant), u (uniform) or e (exponential), got "gamma"'],
    ['sandbox=v1;n=5;seed=1;batch=2', 'batch must be 0 or 1, got 2'],
    ['sandbox=v1;n=5;seed=1;a=crash:2', 'action 1 "crash:2": it needs a time'],
    ['sandbox=v1;n=5;seed=1;a=1s@crash:2', 'the time must be milliseconds with up to 3 decimals, got "1s"'],
    ['sandbox=v1;n=5;seed=1;a=10@crash:6', 'action 1 "10@crash:6": "6" is not a node number from 1 to 5'],
    ['sandbox=v1;n=5;seed=1;a=10@crash', 'crash takes 1 argument, got 0'],
    ['sandbox=v1;n=5;seed=1;a=10@explode:2', 'unknown action "explode"'],
    ['sandbox=v1;n=5;seed=1;a=10@link:1:2:q', '"q" is not a link setting'],
    ['sandbox=v1;n=5;seed=1;a=10@link:1:2:l200', 'link loss must be from 0 to 100 %, got 200'],
    ['sandbox=v1;n=5;seed=1;a=10@lose:1:2:ping', 'the frame kind must be data, ack or fin, got "ping"'],
    ['sandbox=v1;n=5;seed=1;a=10@part:1.2.3.4.5', 'one side of a partition must leave at least one node on the other'],
    ['sandbox=v1;n=5;seed=1;a=20@heal,10@heal', 'action 2 (heal) at 10000 µs comes before the one ahead of it'],
    ['sandbox=v1;n=5;seed=1;a=99999@heal', "is after the run's end"],
    ['sandbox=v1;n=5;seed=1;a=10@heal%', 'it is not valid percent-encoding'],
  ])('refuses %j: %s', (text, message) => {
    const result = parseSandboxLink(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain(message);
      expect(result.error).toMatch(/^This sandbox link cannot be read: /);
    }
  });

  it('never throws, whatever the text (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (tail) => {
      for (const text of [tail, `sandbox=v1;${tail}`, `sandbox=v1;n=3;seed=1;a=${tail}`]) expect(typeof parseSandboxLink(text).ok).toBe('boolean');
    }));
  });
});

describe('sandbox links in the docs', () => {
  it.each(['README.md', 'docs/SANDBOX.md'])('every #sandbox= link in %s reads', (file) => {
    const links = readFileSync(file, 'utf8').match(/#sandbox=[^\s`]+/g) ?? [];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(parseSandboxLink(link), link).toMatchObject({ ok: true });
  });
});
