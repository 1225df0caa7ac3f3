// Fault mixes the simulation suite runs: together more than 10,000 scenarios across the fault space.

import { describe, expect, it } from 'vitest';
import { reproduceCommand } from '../../src/cli/sim';
import { runScenarios } from '../../src/sim/scenarios';
import type { SimConfig } from '../../src/sim/simulate';

const QUIET = { latencyMs: 10, delay: 'uniform' as const, loss: 0, dup: 0, partitions: false, crash: false, skewMs: 0 };
const SHORT = { sendForMs: 400, waitForMs: 600, seed: 0, tickMs: 50, window: 1 };

export interface Mix {
  name: string;
  config: SimConfig;
  scenarios: number;
  /** Without faults that can outlast the run, every scenario must end in agreement. */
  mustAgree: boolean;
}

function mix(name: string, scenarios: number, nodes: number, network: Partial<SimConfig['network']>, params: Partial<SimConfig['params']> = {}, mustAgree = false, batching = false): Mix {
  return { name, scenarios, mustAgree, config: { nodes, params: { ...SHORT, ...params }, network: { ...QUIET, ...network }, netSeed: 0, batching } };
}

export const MIXES_A: Mix[] = [
  mix('no faults, reordering links', 1250, 3, { skewMs: 5 }, {}, true),
  mix('loss 0.2, duplication 0.1', 1250, 4, { loss: 0.2, dup: 0.1 }, { waitForMs: 1500 }),
  mix('loss 0.3, dup 0.1, partitions, crash', 1250, 5, { loss: 0.3, dup: 0.1, partitions: true, crash: true }),
];

export const MIXES_B: Mix[] = [
  mix('exponential delays, dup 0.3, window 4, skew 20 ms', 1250, 4, { delay: 'exponential', dup: 0.3, skewMs: 20 }, { window: 4, waitForMs: 1500 }, true),
  mix('partitions, window 2', 1250, 5, { partitions: true }, { window: 2 }),
  mix('a crash, 6 nodes', 1250, 6, { crash: true }),
];

export const MIXES_C: Mix[] = [
  mix('heavy loss 0.5', 1250, 3, { loss: 0.5 }),
  mix('window 16, loss 0.1, dup 0.1, exponential delays', 1250, 4, { delay: 'exponential', loss: 0.1, dup: 0.1 }, { window: 16 }),
  mix('two nodes, constant delay, everything', 1000, 2, { delay: 'constant', loss: 0.2, dup: 0.2, partitions: true, crash: true }),
  mix('batching, window 8, constant delay, skew 5 ms', 500, 4, { delay: 'constant', skewMs: 5 }, { window: 8 }, true, true),
  mix('batching, window 4, loss 0.2, dup 0.1, partitions, crash', 500, 5, { loss: 0.2, dup: 0.1, partitions: true, crash: true }, { window: 4 }, false, true),
];

/** One test per mix: no invariant may break; failures print their seed and the command that replays them. */
export function describeMixes(part: string, mixes: Mix[]): void {
  describe(`simulated fault scenarios (${part})`, () => {
    for (const mix of mixes) {
      it(`${mix.name}: ${mix.scenarios} scenarios, no invariant violated`, () => {
        const summary = runScenarios(mix.config, mix.scenarios, 20261126);
        const failures = summary.failures.map((f) => `seed ${f.seed}: ${f.invariant} (${f.detail})\n  reproduce: ${reproduceCommand(mix.config, f.seed)}`);
        expect(failures, failures.join('\n')).toEqual([]);
        expect(summary.violations).toBe(0);
        if (mix.mustAgree) expect(summary.agreed, 'every scenario without lasting faults ends in agreement').toBe(mix.scenarios);
      });
    }
  });
}
