// Simulation suite, part B: random fault scenarios checked against every guarantee after every step.

import { describe, expect, it } from 'vitest';
import { runScenarios } from '../../src/sim/scenarios';
import { reproduceCommand } from '../../src/cli/sim';
import { MIXES_B } from './mixes';

describe('simulated fault scenarios (B)', () => {
  for (const mix of MIXES_B) {
    it(`${mix.name}: ${mix.scenarios} scenarios, no invariant violated`, () => {
      const summary = runScenarios(mix.config, mix.scenarios, 20261126);
      const failures = summary.failures.map((f) => `seed ${f.seed}: ${f.invariant} (${f.detail})\n  reproduce: ${reproduceCommand(mix.config, f.seed)}`);
      expect(failures, failures.join('\n')).toEqual([]);
      expect(summary.violations).toBe(0);
      if (mix.mustAgree) expect(summary.agreed, 'every scenario without lasting faults ends in agreement').toBe(mix.scenarios);
    });
  }
});
