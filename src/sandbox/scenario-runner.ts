// Guided scenarios' shape and their pure step-runner: which step is showing, and whether what it
// waits for has happened. The UI (or the headless player) applies each step's actions and setup.

import type { MemberId } from '../core';
import type { SandboxCommand, SandboxSetup } from './setup';
import { eventMatches, type WatchEvent } from './watch';

/** When a step gives way to the next. */
export type StepTrigger =
  /** The user clicks "Next"; with `hold`, the sandbox stands still while the step is read. */
  | { on: 'user'; hold: boolean }
  /** After this much virtual time since the step began. */
  | { on: 'time'; ms: number }
  /** Once the event happened `count` times (default 1) since the step began. */
  | { on: 'event'; event: WatchEvent; count?: number }
  /** When the run is over and every node's result is in. */
  | { on: 'end' };

export interface ScenarioStep {
  title: string;
  /** What to watch, and why the protocol does it. */
  text: string;
  /** The sandbox starts over with this setup when the step begins (e.g. the same cluster with another window). */
  setup?: SandboxSetup;
  /** Applied when the step begins, at the sandbox's current virtual time. */
  actions?: SandboxCommand[];
  advance: StepTrigger;
  /** Virtual seconds per real second while the step shows (the scenario's speed when absent). */
  speed?: number;
  /** Nodes the view may highlight. */
  focus?: MemberId[];
}

export interface Scenario {
  id: string;
  title: string;
  /** One line for a menu. */
  summary: string;
  setup: SandboxSetup;
  /** Virtual seconds per real second unless a step says otherwise: slow enough to follow frames. */
  speed: number;
  steps: ScenarioStep[];
}

/** Where a scenario is: the step showing (steps.length once finished), since when, and what it has seen. */
export interface ScenarioProgress {
  step: number;
  /** The sandbox's virtual time (µs) when the step began. */
  startedAtUs: number;
  /** Events matching the step's trigger since it began. */
  matched: number;
}

/** What the runner needs to know about the sandbox right now. */
export interface SandboxNow {
  cursorUs: number;
  /** The run is over and its results are in. */
  over: boolean;
}

export function startScenario(): ScenarioProgress {
  return { step: 0, startedAtUs: 0, matched: 0 };
}

export function isFinished(scenario: Scenario, progress: ScenarioProgress): boolean {
  return progress.step >= scenario.steps.length;
}

export function currentStep(scenario: Scenario, progress: ScenarioProgress): ScenarioStep | null {
  return scenario.steps[progress.step] ?? null;
}

/** Counts the events (from `observe`, in order) that the current step's trigger waits for. */
export function noteEvents(scenario: Scenario, progress: ScenarioProgress, events: readonly WatchEvent[]): ScenarioProgress {
  const trigger = currentStep(scenario, progress)?.advance;
  if (trigger?.on !== 'event') return progress;
  const matched = events.filter((event) => eventMatches(trigger.event, event)).length;
  return matched === 0 ? progress : { ...progress, matched: progress.matched + matched };
}

/** Whether the current step's condition is met (never for a step waiting on the user). */
export function stepIsDue(scenario: Scenario, progress: ScenarioProgress, now: SandboxNow): boolean {
  const trigger = currentStep(scenario, progress)?.advance;
  if (!trigger) return false;
  switch (trigger.on) {
    case 'user':
      return false;
    case 'time':
      return now.cursorUs - progress.startedAtUs >= trigger.ms * 1000;
    case 'event':
      return progress.matched >= (trigger.count ?? 1);
    case 'end':
      return now.over;
  }
}

/**
 * Moves on to the next step (when due, or when the user clicked Next); the caller applies its setup
 * and actions. A step with its own setup starts a new run, so its time starts at 0.
 */
export function nextStep(scenario: Scenario, progress: ScenarioProgress, cursorUs: number): ScenarioProgress {
  const step = progress.step + 1;
  return { step, startedAtUs: scenario.steps[step]?.setup ? 0 : cursorUs, matched: 0 };
}

/**
 * Follows a batch of events (from `observe`, in order) one at a time, moving through every step whose
 * condition they meet; then checks time and end conditions at `now`. Returns the new progress and the
 * steps entered, whose setups and actions the caller applies in order. Never passes a user step.
 */
export function followEvents(scenario: Scenario, progress: ScenarioProgress, events: readonly WatchEvent[], now: SandboxNow): { progress: ScenarioProgress; entered: number[] } {
  let current = progress;
  const entered: number[] = [];
  /** Moves on while due; false once a step starts a new run (later events belong to the old one). */
  const moveOnWhileDue = (): boolean => {
    while (!isFinished(scenario, current) && stepIsDue(scenario, current, now)) {
      current = nextStep(scenario, current, now.cursorUs);
      if (isFinished(scenario, current)) return true;
      entered.push(current.step);
      if (scenario.steps[current.step].setup) return false;
    }
    return true;
  };
  for (const event of events) {
    current = noteEvents(scenario, current, [event]);
    if (!moveOnWhileDue()) return { progress: current, entered };
  }
  moveOnWhileDue();
  return { progress: current, entered };
}

/** The step's speed: its own, or the scenario's. */
export function stepSpeed(scenario: Scenario, step: ScenarioStep): number {
  return step.speed ?? scenario.speed;
}

/** A sentence saying what a step is waiting for (for the UI, and for a test that finds a step stuck). */
export function describeTrigger(trigger: StepTrigger): string {
  switch (trigger.on) {
    case 'user':
      return 'the user clicks Next';
    case 'time':
      return `${trigger.ms} ms of virtual time`;
    case 'event':
      return `${trigger.count ?? 1} × ${JSON.stringify(trigger.event)}`;
    case 'end':
      return 'the end of the run';
  }
}
