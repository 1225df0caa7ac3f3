// Plays a live guided scenario (live-scenarios.ts) in this tab's room: applies each step's actions
// through the live controller (a run proposed to every member, a link cut or restored) and moves
// on when the room's run gets where the step waits. The step showing is published to the store.

import { compareIds, DEFAULT_PARAMS, type MemberId, type RunParams } from '../../core';
import { HEALTHY_LINK } from '../../net/link-shaper';
import { judgeAgreement } from '../../runtime/agreement';
import type { MemberResult } from '../history/figures';
import { meshStatus } from '../mesh-status';
import { paramsFromDraft, useStore, type LiveScenarioRun } from '../store';
import type { LiveController } from './live-controller';
import type { LiveAction, LiveScenario, LiveStep } from './live-scenarios';

/** How often the controller looks at the room's run. */
const CHECK_MS = 250;
/** A start the server did not turn into a run (the mesh was not complete, say) is asked again after this. */
const START_RETRY_MS = 3000;
const CUT = { cut: true, lossPercent: 0, delayMs: 0 };

export class LiveScenarioController {
  private scenario: LiveScenario | null = null;
  private step = 0;
  /** The run shown when the scenario last asked for a run: the steps after wait for another one. */
  private runBefore: string | null = null;
  /** A run the step asked for and that has not started yet. */
  private wantedRun: { params: RunParams; askedAt: number } | null = null;
  private cuts: [MemberId, MemberId][] = [];
  private runs: LiveScenarioRun[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly live: LiveController) {}

  /** Starts a scenario from its first step (one already playing is left first). */
  play(scenario: LiveScenario): void {
    this.stop();
    this.scenario = scenario;
    this.runs = [];
    this.runBefore = this.live.history.run?.runId ?? null;
    this.enter(0);
    this.timer = setInterval(() => this.check(), CHECK_MS);
  }

  /** The reader is done with the step showing. */
  next(): void {
    if (this.current()?.advance.on === 'user') this.enter(this.step + 1);
  }

  /** Leaves the scenario, restoring the links it cut; a run it started goes on. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.restoreCuts();
    this.scenario = null;
    this.wantedRun = null;
    useStore.setState({ liveScenario: null });
  }

  private current(): LiveStep | null {
    return this.scenario?.steps[this.step] ?? null;
  }

  private enter(index: number): void {
    const scenario = this.scenario!;
    this.step = index;
    for (const action of scenario.steps[index]?.actions ?? []) this.apply(action);
    if (index >= scenario.steps.length && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.publish();
  }

  private apply(action: LiveAction): void {
    switch (action.type) {
      case 'start':
        this.runBefore = this.live.history.run?.runId ?? null;
        this.wantedRun = { params: { ...this.draftParams(), ...action.params }, askedAt: -Infinity };
        this.askForRun();
        break;
      case 'cut':
        this.cutLink(action.link);
        break;
      case 'restore':
        this.restoreCuts();
        break;
    }
  }

  /** The page's parameters (or the defaults, if the fields hold something invalid). */
  private draftParams(): RunParams {
    const parsed = paramsFromDraft(useStore.getState().paramsDraft);
    return typeof parsed === 'string' ? DEFAULT_PARAMS : parsed;
  }

  private cutLink([i, j]: [number, number]): void {
    const members = (useStore.getState().roster?.members.map((m) => m.id) ?? []).sort(compareIds);
    const [a, b] = [members[i], members[j]];
    if (a === undefined || b === undefined) return;
    this.live.shapeLink(a, b, CUT);
    this.cuts.push([a, b]);
  }

  private restoreCuts(): void {
    for (const [a, b] of this.cuts) this.live.shapeLink(a, b, HEALTHY_LINK);
    this.cuts = [];
  }

  private check(): void {
    if (this.wantedRun && this.runStarted()) this.wantedRun = null;
    this.askForRun();
    const step = this.current();
    if (!step) return;
    if (step.advance.on === 'started' && this.runStarted()) this.enter(this.step + 1);
    else if (step.advance.on === 'end' && this.runStarted() && this.runOver()) {
      this.noteRun();
      this.enter(this.step + 1);
    }
  }

  /** Proposes the wanted run once the room may start one (mesh complete, no run on), again if it did not start. */
  private askForRun(): void {
    const wanted = this.wantedRun;
    const roster = useStore.getState().roster;
    if (!wanted || roster?.run || !meshStatus(roster).complete || Date.now() - wanted.askedAt < START_RETRY_MS) return;
    wanted.askedAt = Date.now();
    this.live.requestStart(wanted.params);
  }

  private runStarted(): boolean {
    const run = this.live.history.run;
    return run !== null && run.runId !== this.runBefore;
  }

  /** Every member of the run is done, and the server has let the room go (the next run may start). */
  private runOver(): boolean {
    const history = this.live.history;
    const members = history.run?.members ?? [];
    return members.every((id) => history.doneTime(id) !== null) && (useStore.getState().roster?.run ?? null) === null;
  }

  private noteRun(): void {
    const history = this.live.history;
    const run = history.run!;
    const results: Record<MemberId, MemberResult> = {};
    for (const id of run.members) {
      const result = history.resultAt(id, Infinity);
      if (result) results[id] = result;
    }
    const agreement = judgeAgreement(run.members, results, true);
    const agreed = agreement.kind === 'agree' && agreement.missing.length === 0;
    this.runs = [...this.runs, { window: run.params.window, count: agreed ? agreement.reference.count : null }];
  }

  private publish(): void {
    const scenario = this.scenario;
    useStore.setState({ liveScenario: scenario ? { id: scenario.id, step: this.step, runs: this.runs } : null });
  }
}
