// Plays a guided scenario headless, as the UI would with a reader who clicks Next at once: for
// tests, and for anyone who wants a scenario's runs as traces without a page.

import type { TraceRecord } from '../runtime/trace';
import { SandboxEngine, type SandboxResults } from './engine';
import { currentStep, describeTrigger, followEvents, isFinished, nextStep, startScenario, stepIsDue, type SandboxNow, type Scenario, type ScenarioProgress } from './scenario-runner';
import type { SandboxAction, SandboxSetup } from './setup';
import { createWatch, observe, type RunWatch, type WatchEvent } from './watch';

export interface PlayedRun {
  setup: SandboxSetup;
  /** The actions the run took (the setup's and the steps'): with the setup, what replays it. */
  actions: SandboxAction[];
  records: TraceRecord[];
  results: SandboxResults;
  watch: RunWatch;
}

export interface PlayedStep {
  index: number;
  title: string;
  /** Which of the playthrough's runs the step showed. */
  run: number;
  startedAtUs: number;
  endedAtUs: number;
}

export interface Playthrough {
  runs: PlayedRun[];
  steps: PlayedStep[];
}

export interface PlayOptions {
  /** Virtual time a reader spends on a user step that does not hold the sandbox still (default 0). */
  readingMs?: number;
}

/** Virtual time advanced between checks of a step's condition. */
const SLICE_US = 1000;

type Outcome = { ok: true; play: Playthrough } | { ok: false; error: string };

export function playScenario(scenario: Scenario, options: PlayOptions = {}): Outcome {
  return new Player(scenario, options.readingMs ?? 0).play();
}

class Player {
  private engine: SandboxEngine;
  private watch = createWatch();
  private records: TraceRecord[] = [];
  private readonly runs: PlayedRun[] = [];
  private readonly steps: PlayedStep[] = [];
  private progress: ScenarioProgress = startScenario();

  constructor(
    private readonly scenario: Scenario,
    private readonly readingMs: number,
  ) {
    this.engine = new SandboxEngine(scenario.setup);
  }

  play(): Outcome {
    const entered = this.enter(0);
    if (entered) return entered;
    while (!isFinished(this.scenario, this.progress)) {
      const step = currentStep(this.scenario, this.progress)!;
      const error = step.advance.on === 'user' ? this.readAndClickNext(step.advance.hold) : this.runUntilDue();
      if (error) return { ok: false, error };
    }
    this.closeStep();
    this.engine.runToEnd();
    this.endRun();
    return { ok: true, play: { runs: this.runs, steps: this.steps } };
  }

  private readAndClickNext(hold: boolean): string | null {
    if (!hold && this.readingMs > 0) this.advance(this.engine.cursor + this.readingMs * 1000);
    this.progress = nextStep(this.scenario, this.progress, this.engine.cursor);
    return this.enterCurrent();
  }

  /** Runs the sandbox a slice at a time until the step's condition holds, entering the steps that follow. */
  private runUntilDue(): string | null {
    const startedAt = this.progress.step;
    while (this.progress.step === startedAt) {
      if (stepIsDue(this.scenario, this.progress, this.now())) {
        this.progress = nextStep(this.scenario, this.progress, this.engine.cursor);
        return this.enterCurrent();
      }
      if (this.engine.done) return this.stuck();
      const events = this.advance(this.engine.cursor + SLICE_US);
      const followed = followEvents(this.scenario, this.progress, events, this.now());
      this.progress = followed.progress;
      for (const index of followed.entered) {
        const error = this.enter(index);
        if (error) return error.error;
      }
    }
    return null;
  }

  private enterCurrent(): string | null {
    if (isFinished(this.scenario, this.progress)) return null;
    return this.enter(this.progress.step)?.error ?? null;
  }

  /** Begins step `index`: closes the step before, starts the step's run if it has one, applies its actions. */
  private enter(index: number): { ok: false; error: string } | null {
    this.closeStep();
    const step = this.scenario.steps[index];
    if (step.setup) {
      this.engine.runToEnd();
      this.endRun();
      this.engine = new SandboxEngine(step.setup);
      this.watch = createWatch();
      this.records = [];
    }
    this.steps.push({ index, title: step.title, run: this.runs.length, startedAtUs: this.engine.cursor, endedAtUs: -1 });
    for (const command of step.actions ?? []) {
      const accepted = this.engine.act(command);
      if (!accepted.ok) return { ok: false, error: `${this.scenario.id}, step ${index + 1} "${step.title}": ${accepted.error}` };
    }
    return null;
  }

  private closeStep(): void {
    const last = this.steps[this.steps.length - 1];
    if (last && last.endedAtUs === -1) last.endedAtUs = this.engine.cursor;
  }

  /** Advances the sandbox and folds its records; returns the events they show. */
  private advance(untilUs: number): WatchEvent[] {
    this.engine.advance(untilUs);
    const records = this.engine.takeRecords();
    this.records.push(...records);
    return records.flatMap((record) => observe(this.watch, record));
  }

  /** Files the finished run (the records after the last step are folded in too). */
  private endRun(): void {
    for (const record of this.engine.takeRecords()) {
      this.records.push(record);
      observe(this.watch, record);
    }
    this.runs.push({ setup: this.engine.setup, actions: [...this.engine.actions], records: this.records, results: this.engine.results!, watch: this.watch });
  }

  private now(): SandboxNow {
    return { cursorUs: this.engine.cursor, over: this.engine.done };
  }

  private stuck(): string {
    const step = currentStep(this.scenario, this.progress)!;
    return `${this.scenario.id}, step ${this.progress.step + 1} "${step.title}": the run ended while waiting for ${describeTrigger(step.advance)}`;
  }
}
