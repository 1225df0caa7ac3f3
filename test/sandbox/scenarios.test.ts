// Guided scenarios: each plays to its end in the sandbox, and what its steps say is what happens.

import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../src/runtime/trace';
import { playScenario, type Playthrough } from '../../src/sandbox/scenario-player';
import { followEvents, nextStep, startScenario, stepIsDue, type Scenario } from '../../src/sandbox/scenario-runner';
import { SCENARIOS, scenarioById } from '../../src/sandbox/scenarios';
import { setupError } from '../../src/sandbox/setup';

function play(id: string, readingMs = 0): Playthrough {
  const scenario = scenarioById(id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  const outcome = playScenario(scenario, { readingMs });
  if (!outcome.ok) throw new Error(`${outcome.error} (seed ${scenario.setup.params.seed})`);
  return outcome.play;
}

/** Records of a run between two virtual times (node clocks equal virtual time: no skew in scenarios). */
function during(records: TraceRecord[], fromUs: number, untilUs: number): TraceRecord[] {
  return records.filter((r) => r.t >= fromUs && r.t < untilUs);
}

const newData = (records: TraceRecord[], node: string): number[] => {
  const seqs = records.filter((r) => r.ev === 'send' && r.node === node && r.frame.kind === 'data').map((r) => (r as { frame: { seq: number } }).frame.seq);
  return [...new Set(seqs)];
};

describe('guided scenarios', () => {
  it('there are at least five, with valid setups and unique ids', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(5);
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
    for (const scenario of SCENARIOS) {
      expect(setupError(scenario.setup), scenario.id).toBeNull();
      for (const step of scenario.steps) if (step.setup) expect(setupError(step.setup), scenario.id).toBeNull();
      expect(scenario.steps[scenario.steps.length - 1].advance, scenario.id).toEqual({ on: 'end' });
    }
  });

  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s plays to its end, every step reached, the run checked clean', (_id, scenario) => {
    for (const readingMs of [0, 700]) {
      const outcome = playScenario(scenario, { readingMs });
      expect(outcome.ok ? 'ok' : outcome.error, `seed ${scenario.setup.params.seed}`).toBe('ok');
      if (!outcome.ok) return;
      expect(outcome.play.steps.map((s) => s.index)).toEqual(scenario.steps.map((_, i) => i));
      for (const run of outcome.play.runs) expect(run.results.violations, `seed ${run.setup.params.seed}`).toBe(0);
    }
  });

  it('happy path: no fault, no resend; n1 sends #2 only after every ack of #1; n2 commits n1#1 on receiving n1#2', () => {
    const { runs } = play('happy-path');
    const { records, results, watch } = runs[0];
    expect(watch.totals.resends).toBe(0);
    expect(watch.totals.drops).toBe(0);
    const firstTwo = records.find((r) => r.ev === 'send' && r.node === 'n1' && r.frame.kind === 'data' && r.frame.seq === 2)!;
    const acksOfOne = records.filter((r) => r.ev === 'recv' && r.node === 'n1' && r.frame.kind === 'ack' && r.frame.seq === 1);
    expect(acksOfOne).toHaveLength(2);
    expect(acksOfOne.every((r) => r.t <= firstTwo.t)).toBe(true);
    const commit = records.findIndex((r) => r.ev === 'commit' && r.node === 'n2' && r.from === 'n1' && r.seq === 1);
    const cause = records[commit - 1];
    expect(cause).toMatchObject({ ev: 'recv', node: 'n2', frame: { kind: 'data', from: 'n1', seq: 2 } });
    expect(results.agree).toBe(true);
  });

  it('lost ACK: one ACK n3→n1 is lost, n1 resends that DATA to n3 only, n3 gets it twice and acks twice, nothing commits twice', () => {
    const { runs } = play('lost-ack');
    const { records, results } = runs[0];
    const drops = records.filter((r) => r.ev === 'drop');
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({ node: 'n3', to: 'n1', frame: { kind: 'ack' } });
    const seq = (drops[0] as { frame: { seq: number } }).frame.seq;
    const sendsOfSeq = records.filter((r) => r.ev === 'send' && r.node === 'n1' && r.frame.kind === 'data' && r.frame.seq === seq);
    expect(sendsOfSeq.map((r) => (r as { to: string }).to).sort()).toEqual(['n2', 'n3', 'n3']);
    const resend = sendsOfSeq[2];
    expect(resend.t - sendsOfSeq[0].t).toBeGreaterThanOrEqual(100_000);
    expect(records.filter((r) => r.ev === 'recv' && r.node === 'n3' && r.frame.kind === 'data' && r.frame.from === 'n1' && r.frame.seq === seq)).toHaveLength(2);
    expect(records.filter((r) => r.ev === 'commit' && r.node === 'n3' && r.from === 'n1' && r.seq === seq)).toHaveLength(1);
    expect(results).toMatchObject({ agree: true });
  });

  it('cut link: while cut, n1 and n2 send nothing new, n3 and n4 go on; after the heal n1 and n2 move again; all agree', () => {
    const { runs, steps } = play('cut-link');
    const { records, results } = runs[0];
    const cutAt = steps[1].startedAtUs;
    const healAt = steps[3].startedAtUs;
    const stalled = during(records, cutAt + 100_000, healAt);
    expect(newData(stalled, 'n1').length).toBeLessThanOrEqual(1);
    expect(newData(stalled, 'n2').length).toBeLessThanOrEqual(1);
    expect(newData(stalled, 'n3').length).toBeGreaterThan(3);
    expect(stalled.filter((r) => r.ev === 'drop' && r.reason === 'cut').length).toBeGreaterThan(2);
    const after = during(records, healAt, healAt + 500_000);
    expect(newData(after, 'n1').length).toBeGreaterThan(2);
    expect(results).toMatchObject({ agree: true });
    expect(results.nodes.every((n) => n.complete)).toBe(true);
  });

  it('crashed node: commits stop everywhere, survivors finish at the deadline naming n4 as the member that never acked', () => {
    const { runs, steps } = play('crashed-node');
    const { records, results } = runs[0];
    const crashAt = steps[1].startedAtUs;
    expect(records.filter((r) => r.ev === 'crash').map((r) => [r.node, r.t])).toEqual([['n4', crashAt]]);
    const commitsLater = during(records, crashAt + 200_000, Infinity).filter((r) => r.ev === 'commit');
    expect(commitsLater).toEqual([]);
    const survivors = results.nodes.filter((n) => n.id !== 'n4');
    for (const node of survivors) expect(node).toMatchObject({ complete: false, reason: 'deadline', unackedBy: ['n4'], crashed: false });
    for (const node of survivors) expect(node.missingFins).toContain('n4');
    expect(new Set(survivors.map((n) => n.line)).size).toBe(1);
  });

  it('window: the same cluster commits far more with W = 8 than with W = 1, and both agree', () => {
    const { runs } = play('window');
    expect(runs.map((r) => r.setup.params.window)).toEqual([1, 8]);
    const [one, eight] = runs.map((r) => r.results);
    expect(one.agree && eight.agree).toBe(true);
    expect(eight.nodes[0].count).toBeGreaterThan(one.nodes[0].count * 6);
    // "about 10 messages a second per sender" with W = 1 on 50 ms links over 2 s of sending
    expect(one.nodes[0].count / 3 / 2).toBeGreaterThan(8);
    expect(one.nodes[0].count / 3 / 2).toBeLessThan(12);
  });

  it('wait phase and FIN: the FIN to n2 is lost and resent, every node settles before the deadline and prints the same line', () => {
    const { runs } = play('wait-and-fin');
    const { records, results } = runs[0];
    const finsToN2 = records.filter((r) => r.ev === 'send' && r.node === 'n1' && r.to === 'n2' && r.frame.kind === 'fin');
    expect(finsToN2.length).toBeGreaterThanOrEqual(2);
    expect(records.filter((r) => r.ev === 'drop')).toMatchObject([{ node: 'n1', to: 'n2', frame: { kind: 'fin' } }]);
    for (const node of ['n1', 'n2', 'n3']) expect(records.some((r) => r.ev === 'send' && r.node === node && r.frame.kind === 'fin'), node).toBe(true);
    expect(results.nodes.every((n) => n.complete && n.reason === 'settled')).toBe(true);
    expect(new Set(results.nodes.map((n) => n.line)).size).toBe(1);
  });
});

describe('scenario step-runner', () => {
  const scenario: Scenario = {
    id: 't',
    title: 't',
    summary: 't',
    setup: SCENARIOS[0].setup,
    speed: 1,
    steps: [
      { title: 'a', text: '', advance: { on: 'event', event: { type: 'commit', node: 'n2' }, count: 2 } },
      { title: 'b', text: '', advance: { on: 'time', ms: 5 } },
      { title: 'c', text: '', advance: { on: 'user', hold: true } },
      { title: 'd', text: '', advance: { on: 'end' } },
    ],
  };
  const at = (cursorUs: number, over = false) => ({ cursorUs, over });

  it('waits for the counted events, then for time, never past a user step, and ends with the run', () => {
    let progress = startScenario();
    let followed = followEvents(scenario, progress, [{ type: 'commit', node: 'n1', from: 'n1', seq: 1 }, { type: 'commit', node: 'n2', from: 'n1', seq: 1 }], at(1000));
    expect(followed).toEqual({ progress: { step: 0, startedAtUs: 0, matched: 1 }, entered: [] });
    followed = followEvents(scenario, followed.progress, [{ type: 'commit', node: 'n2', from: 'n3', seq: 1 }], at(2000));
    expect(followed).toEqual({ progress: { step: 1, startedAtUs: 2000, matched: 0 }, entered: [1] });
    progress = followed.progress;
    expect(stepIsDue(scenario, progress, at(6999))).toBe(false);
    followed = followEvents(scenario, progress, [], at(7000));
    expect(followed.entered).toEqual([2]);
    expect(followEvents(scenario, followed.progress, [], at(1e9, true)).entered).toEqual([]);
    progress = nextStep(scenario, followed.progress, 8000);
    expect(stepIsDue(scenario, progress, at(9000))).toBe(false);
    expect(stepIsDue(scenario, progress, at(9000, true))).toBe(true);
  });
});
