// Many random fault scenarios, each with its own derived seed, and what it takes to replay a failure.

import type { Invariant } from './checker';
import { Random } from './random';
import { simulate, type SimConfig } from './simulate';

export interface ScenarioFailure {
  seed: number;
  invariant: Invariant;
  detail: string;
}

export interface ScenarioSummary {
  scenarios: number;
  violations: number;
  failures: ScenarioFailure[];
  /** Scenarios in which every surviving node printed the same result. */
  agreed: number;
}

/** The seed of scenario i of a batch: a pure function of the batch seed and i. */
export function scenarioSeeds(batchSeed: number, count: number): number[] {
  const random = new Random(batchSeed);
  return Array.from({ length: count }, () => random.seed() % 1_000_000_000);
}

/** The config of one scenario: the batch's flags with the scenario seed for values and network. */
export function scenarioConfig(base: SimConfig, seed: number): SimConfig {
  return { ...base, params: { ...base.params, seed }, netSeed: seed };
}

export function runScenarios(base: SimConfig, count: number, batchSeed: number, onProgress?: (done: number) => void): ScenarioSummary {
  const summary: ScenarioSummary = { scenarios: count, violations: 0, failures: [], agreed: 0 };
  scenarioSeeds(batchSeed, count).forEach((seed, index) => {
    const report = simulate(scenarioConfig(base, seed));
    summary.violations += report.violations;
    if (report.agree) summary.agreed += 1;
    const first = report.firstViolations[0];
    if (first) summary.failures.push({ seed, invariant: first.invariant, detail: first.detail });
    onProgress?.(index + 1);
  });
  return summary;
}
