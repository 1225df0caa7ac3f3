// Plays a guided scenario in the page's sandbox with the pure step-runner (scenario-runner.ts):
// each records batch is followed for the events the step waits for, each step entered gets its
// setup, actions and speed applied through the sandbox, and "Next" moves on from a step that
// waits for the reader. The step showing is published to the store for the views.

import { followEvents, isFinished, nextStep, startScenario, stepSpeed, type Scenario, type ScenarioProgress } from '../../sandbox/scenario-runner';
import { useStore } from '../store';
import type { SandboxBatch, SandboxController } from './sandbox-controller';

export class ScenarioController {
  private scenario: Scenario | null = null;
  private progress: ScenarioProgress = startScenario();
  private unlisten: () => void = () => undefined;

  constructor(private readonly sandbox: SandboxController) {}

  /** Starts a scenario from its first step (a scenario already playing is dropped). */
  play(scenario: Scenario): void {
    this.stop();
    this.scenario = scenario;
    this.progress = startScenario();
    this.unlisten = this.sandbox.onBatch((batch) => this.follow(batch));
    const first = scenario.steps[0];
    this.sandbox.load(first.setup ?? scenario.setup, this.speedOf(scenario, 0));
    this.applyActions(0);
    this.publish();
  }

  /** The reader is done with the step showing: on to the next one. */
  next(): void {
    const scenario = this.scenario;
    if (!scenario || isFinished(scenario, this.progress)) return;
    this.progress = nextStep(scenario, this.progress, this.sandbox.cursor);
    if (!isFinished(scenario, this.progress)) this.enter(this.progress.step);
    this.publish();
  }

  /** Leaves the scenario; the sandbox keeps its run. */
  stop(): void {
    this.unlisten();
    this.unlisten = () => undefined;
    this.scenario = null;
    useStore.setState({ scenario: null });
  }

  private follow(batch: SandboxBatch): void {
    const scenario = this.scenario;
    if (!scenario || isFinished(scenario, this.progress)) return;
    const followed = followEvents(scenario, this.progress, batch.events, batch.now);
    this.progress = followed.progress;
    for (const index of followed.entered) this.enter(index);
    if (followed.entered.length > 0 || isFinished(scenario, this.progress)) this.publish();
  }

  /** Begins a step: a new run when it has its own setup, else the speed it reads at; then its actions. */
  private enter(index: number): void {
    const scenario = this.scenario!;
    const step = scenario.steps[index];
    const speed = this.speedOf(scenario, index);
    if (step.setup) this.sandbox.load(step.setup, speed);
    else this.sandbox.setSpeed(speed);
    this.applyActions(index);
  }

  private applyActions(index: number): void {
    for (const command of this.scenario!.steps[index].actions ?? []) void this.sandbox.act(command);
  }

  /** A step that holds the sandbox still while it is read pauses it; others play at their speed. */
  private speedOf(scenario: Scenario, index: number): number {
    const step = scenario.steps[index];
    return step.advance.on === 'user' && step.advance.hold ? 0 : stepSpeed(scenario, step);
  }

  private publish(): void {
    const scenario = this.scenario;
    if (!scenario) return;
    useStore.setState({ scenario: { id: scenario.id, step: this.progress.step } });
  }
}
