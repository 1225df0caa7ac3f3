// The sandbox engine: a whole cluster of virtual nodes on the simulator, advanced piecewise in
// virtual time, changed by timed actions, emitting the trace records real nodes write. Pure: no
// timers, no I/O; the same setup and actions always give the same records, however it is advanced.

import type { DoneReason, MemberId, NodeState } from '../core';
import type { TraceRecord } from '../runtime/trace';
import type { Violation } from '../sim/checker';
import { Simulation } from '../sim/simulate';
import { NetworkControls } from './network-controls';
import { commandError, sandboxMembers, setupError, actionError, type SandboxAction, type SandboxCommand, type SandboxSetup } from './setup';

export interface SandboxNodeResult {
  id: MemberId;
  count: number;
  checksum: string;
  /** `(count, checksum)` as the node prints it. */
  line: string;
  complete: boolean;
  crashed: boolean;
  /** Why the node finished (null: it never did, e.g. crashed until the end). */
  reason: DoneReason | null;
  /** Members whose FIN the node never received. */
  missingFins: MemberId[];
  /** Members that never acked the node's last message or FIN. */
  unackedBy: MemberId[];
}

export interface SandboxResults {
  nodes: SandboxNodeResult[];
  /** Every node that is not crashed printed the same line. */
  agree: boolean;
  /** Largest difference between two nodes' counts. */
  spread: number;
  /** Broken guarantees the simulator's checker saw (always 0 unless the protocol has a bug). */
  violations: number;
  firstViolations: Violation[];
  /** Virtual time of the last event, in seconds. */
  simulatedSeconds: number;
}

export type Accepted = { ok: true; action: SandboxAction } | { ok: false; error: string };

/**
 * Contract: construct with a valid setup (see `createEngine` for one that checks), then call
 * `advance(untilUs)` with growing times; `takeRecords()` hands over what happened since the last
 * call; `act(command)` applies a user's action at the next whole virtual millisecond; once `done`,
 * `results` holds the outcome. Virtual time never goes backwards.
 */
export class SandboxEngine {
  readonly setup: SandboxSetup;
  readonly members: MemberId[];
  private readonly sim: Simulation;
  private readonly network: NetworkControls;
  /** Actions not applied yet, in time order. */
  private readonly pending: SandboxAction[];
  /** Every action applied or scheduled, in time order: with the setup, what reproduces this run. */
  private readonly history: SandboxAction[];
  private records: TraceRecord[] = [];
  private virtualUs = 0;
  private outcome: SandboxResults | null = null;

  /** Throws on an invalid setup (a programming error here; input from outside goes through createEngine). */
  constructor(setup: SandboxSetup) {
    const error = setupError(setup);
    if (error) throw new Error(`sandbox setup: ${error}`);
    this.setup = setup;
    this.members = sandboxMembers(setup);
    this.network = new NetworkControls(setup.network, setup.netSeed);
    this.sim = new Simulation({
      nodes: setup.nodes,
      params: setup.params,
      network: this.network.initial,
      netSeed: setup.netSeed,
      batching: setup.batching,
      conditions: this.network,
      trace: (record) => this.records.push(record),
    });
    this.pending = [...setup.actions];
    this.history = [...setup.actions];
    this.sim.begin();
  }

  /** Virtual time (µs) the run has reached: everything due before it has happened. */
  get cursor(): number {
    return this.virtualUs;
  }

  get endUs(): number {
    return this.sim.endTime;
  }

  get done(): boolean {
    return this.outcome !== null;
  }

  get results(): SandboxResults | null {
    return this.outcome;
  }

  /** The actions of this run so far (the setup's and the user's), in time order. */
  get actions(): readonly SandboxAction[] {
    return this.history;
  }

  /** The setup that replays this run exactly: the same cluster with every action taken. */
  replaySetup(): SandboxSetup {
    return { ...this.setup, actions: [...this.history] };
  }

  /** A node's protocol state now (frozen while it is crashed). */
  nodeState(id: MemberId): Readonly<NodeState> {
    return this.sim.nodeView(id).state;
  }

  /** Records emitted since the last call, in order. */
  takeRecords(): TraceRecord[] {
    const taken = this.records;
    this.records = [];
    return taken;
  }

  /** How many records wait to be taken. */
  get recordsWaiting(): number {
    return this.records.length;
  }

  /**
   * Runs until virtual time `untilUs` (capped at the run's end), applying due actions on the way.
   * Stops early once `maxRecords` records wait to be taken (the rest follows on the next call).
   */
  advance(untilUs: number, maxRecords = Infinity): void {
    const limit = Math.min(untilUs, this.endUs);
    while (!this.done) {
      const action = this.pending[0];
      const bound = action && action.at <= limit ? action.at : limit;
      while (this.records.length < maxRecords && this.sim.stepOnce(bound));
      if (this.records.length >= maxRecords) {
        this.virtualUs = Math.max(this.virtualUs, this.sim.time);
        return;
      }
      this.virtualUs = Math.max(this.virtualUs, bound);
      if (action && action.at === bound) {
        this.pending.shift();
        this.apply(action);
        continue;
      }
      if (this.isOver()) this.finish();
      return;
    }
  }

  /** Runs to the end at once and returns the results. */
  runToEnd(): SandboxResults {
    this.advance(Infinity);
    return this.outcome!;
  }

  /** A user's action, applied at the next whole virtual millisecond (so a shared link stays short). */
  act(command: SandboxCommand): Accepted {
    if (this.done) return { ok: false, error: 'the run is over: start a new one to try this' };
    const error = commandError(command, this.members);
    if (error) return { ok: false, error };
    const at = Math.min(Math.ceil(this.virtualUs / 1000) * 1000, this.endUs);
    return this.schedule({ ...command, at } as SandboxAction);
  }

  /** Schedules an action at its own time (not before the cursor); after any other action at the same time. */
  schedule(action: SandboxAction): Accepted {
    if (this.done) return { ok: false, error: 'the run is over: start a new one to try this' };
    const error = actionError(action, this.members, this.endUs);
    if (error) return { ok: false, error };
    if (action.at < this.virtualUs) return { ok: false, error: `${action.type} at ${action.at} µs is in the past (the run is at ${this.virtualUs} µs)` };
    insertInTimeOrder(this.pending, action);
    insertInTimeOrder(this.history, action);
    return { ok: true, action };
  }

  /** Nothing can happen any more: past the end, or no event nor action left before it. */
  private isOver(): boolean {
    if (this.virtualUs >= this.endUs) return true;
    return this.sim.nextEventAt > this.endUs && this.pending.length === 0;
  }

  private apply(action: SandboxAction): void {
    const net = this.network;
    switch (action.type) {
      case 'link':
        net.setLink(action.a, action.b, action.settings);
        break;
      case 'latency':
        net.setLatency(action.ms);
        break;
      case 'loss':
        net.setLoss(action.percent);
        break;
      case 'dup':
        net.setDup(action.percent);
        break;
      case 'reorder':
        net.setReorder(action.percent);
        break;
      case 'partition':
        net.partition(action.side);
        break;
      case 'heal':
        net.heal();
        break;
      case 'lose-next':
        net.loseNext(action.from, action.to, action.kind);
        break;
      case 'crash':
        this.sim.crashAt(action.node, action.at);
        break;
      case 'restart':
        this.sim.restartAt(action.node, action.at);
        break;
      case 'stop':
        this.sim.stopAt(action.at);
        break;
    }
  }

  private finish(): void {
    const report = this.sim.report();
    const nodes = report.nodes.map((node): SandboxNodeResult => {
      const result = this.sim.nodeView(node.id).state.result;
      return {
        id: node.id,
        count: node.count,
        checksum: node.checksum,
        line: `(${node.count}, ${node.checksum})`,
        complete: node.complete,
        crashed: node.crashed,
        reason: result?.reason ?? null,
        missingFins: result ? [...result.missingFins] : [],
        unackedBy: result ? [...result.unackedBy] : [],
      };
    });
    this.outcome = {
      nodes,
      agree: report.agree,
      spread: report.spread,
      violations: report.violations,
      firstViolations: report.firstViolations,
      simulatedSeconds: report.simulatedSeconds,
    };
  }
}

/** Inserts after every action due at the same time or earlier, so equal times keep the order they came in. */
function insertInTimeOrder(actions: SandboxAction[], action: SandboxAction): void {
  let index = actions.length;
  while (index > 0 && actions[index - 1].at > action.at) index -= 1;
  actions.splice(index, 0, action);
}

/** An engine for a setup from outside (a URL, a message), or the reason it cannot run. */
export function createEngine(setup: SandboxSetup): { ok: true; engine: SandboxEngine } | { ok: false; error: string } {
  const error = setupError(setup);
  return error ? { ok: false, error } : { ok: true, engine: new SandboxEngine(setup) };
}

/** Runs a setup to its end synchronously (tests, Node): every record and the results. */
export function runSandbox(setup: SandboxSetup): { records: TraceRecord[]; results: SandboxResults } {
  const engine = new SandboxEngine(setup);
  const results = engine.runToEnd();
  return { records: engine.takeRecords(), results };
}
