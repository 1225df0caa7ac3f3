// The page's side of the sandbox: a SandboxPort (the whole virtual cluster in a worker) whose
// frames grow one RunHistory per run, the history the animation and the panels draw. The worker
// folds the records (src/sandbox/frame-report.ts): a frame brings each changed node's figures, a
// sample of the traffic and the events, so the page never re-runs the cluster. It keeps what the
// page needs besides the history: the setup, the actions taken (for "Share this run"), the network
// and crashed nodes at the run's cursor, the speed; the records for download stay in the worker.

import type { MemberId } from '../../core';
import type { LinkSettings } from '../../net/link-shaper';
import type { Speed } from '../../sandbox/driver';
import type { Accepted, SandboxResults } from '../../sandbox/engine';
import type { SandboxFrame } from '../../sandbox/frame-report';
import { SandboxPort, type SandboxMode } from '../../sandbox/sandbox-port';
import type { SandboxAction, SandboxCommand, SandboxSetup } from '../../sandbox/setup';
import { encodeSandboxLink } from '../../sandbox/url';
import type { WatchEvent } from '../../sandbox/watch';
import type { SandboxNow } from '../../sandbox/scenario-runner';
import { MAX_RECORDS, RunHistory } from '../history/history';
import { showBanner, useStore } from '../store';
import type { PlayheadBounds } from '../timeline/playhead';
import { inTimeOrder, networkAt, type SandboxNetworkState } from './network-state';

/** What the sandbox's controls show (published to the store when it changes). */
export interface SandboxFacts {
  setup: SandboxSetup;
  speed: Speed;
  /** A run is loaded (false before the first, and while a new one is on its way). */
  loaded: boolean;
  done: boolean;
  network: SandboxNetworkState;
  crashed: MemberId[];
  /** Counts the runs loaded, so views can tell a restart. */
  run: number;
}

/** One frame as the scenario player needs it: the events it shows, and where the run is. */
export interface SandboxBatch {
  events: WatchEvent[];
  now: SandboxNow;
}

export class SandboxController {
  readonly port: SandboxPort;
  private current = new RunHistory();
  private setup: SandboxSetup;
  /** Actions the page took in this run and the sandbox accepted, in acceptance order. */
  private taken: SandboxAction[] = [];
  private recordsSoFar = 0;
  private crashed: MemberId[] = [];
  private cursorUs = 0;
  private results: SandboxResults | null = null;
  private speed: Speed = 1;
  private loaded = false;
  private runs = 0;
  /** Told when a new run's history replaces the previous one. */
  onHistory: (history: RunHistory) => void = () => undefined;
  private readonly batchListeners = new Set<(batch: SandboxBatch) => void>();
  private readonly unsubscribeSelection: () => void;

  constructor(setup: SandboxSetup, mode: SandboxMode | null = null) {
    this.setup = setup;
    this.port = new SandboxPort(mode);
    this.port.on('loaded', ({ setup: loaded, members }) => this.onLoaded(loaded, members));
    this.port.on('frame', (frame) => this.onFrame(frame));
    this.port.on('done', ({ cursorUs, results }) => this.onDone(cursorUs, results));
    this.port.on('error', (message) => showBanner({ id: 'sandbox', tone: 'error', text: `The sandbox refused that: ${message}` }));
    this.port.on('failed', (reason) => showBanner({ id: 'sandbox-failed', tone: 'error', text: `The sandbox stopped: ${reason}. Reload the page.` }));
    // Only the inspected node's commits cross from the worker: the page shows that one log.
    this.port.inspect(useStore.getState().selectedNode);
    this.unsubscribeSelection = useStore.subscribe((state, previous) => {
      if (state.selectedNode !== previous.selectedNode) this.port.inspect(state.selectedNode);
    });
    this.publish();
  }

  /** The history of the run shown (an empty one until the first batch). */
  get history(): RunHistory {
    return this.current;
  }

  /** The run's virtual time axis: the playhead follows the sandbox's cursor. */
  get bounds(): PlayheadBounds {
    return { earliest: () => 0, latest: () => this.cursorUs };
  }

  /** Virtual time (µs) the run shown has reached. */
  get cursor(): number {
    return this.cursorUs;
  }

  get setupShown(): SandboxSetup {
    return this.setup;
  }

  /** Starts a run (the one before is dropped) at `speed`. */
  load(setup: SandboxSetup, speed: Speed = this.speed): void {
    this.setup = setup;
    this.speed = speed;
    this.loaded = false;
    this.port.load(setup, speed);
    this.publish();
  }

  /** Runs the same setup again from the start. */
  restart(): void {
    this.load(this.setup);
  }

  setSpeed(speed: Speed): void {
    this.speed = speed;
    this.port.setSpeed(speed);
    this.publish();
  }

  /** Applies an action at the run's next virtual millisecond; a refusal is shown as a banner. */
  async act(command: SandboxCommand): Promise<Accepted> {
    const run = this.runs;
    const accepted = await this.port.act(command);
    if (!accepted.ok) showBanner({ id: 'sandbox', tone: 'warning', text: `The sandbox did not ${describeCommand(command)}: ${accepted.error}.` });
    else if (run === this.runs) {
      this.taken.push(accepted.action);
      this.publish();
    }
    return accepted;
  }

  shapeLink(a: MemberId, b: MemberId, settings: LinkSettings): void {
    void this.act({ type: 'link', a, b, settings });
  }

  /** The setup with every action of this run so far: what reproduces it. */
  replaySetup(): SandboxSetup {
    return { ...this.setup, actions: this.actions() };
  }

  /** The page's address that reproduces this run: the setup and every action taken, in the fragment. */
  shareUrl(location: Location): string {
    const url = new URL(location.href);
    url.search = '';
    url.hash = encodeSandboxLink(this.replaySetup());
    return url.toString();
  }

  /** The run's records so far as JSON Lines (docs/TRACE.md), as `chatterbox sim --trace` writes them. */
  async traceBlob(): Promise<Blob> {
    return new Blob([await this.port.trace()], { type: 'application/x-ndjson' });
  }

  /** Records of the run so far (the download keeps at most MAX_RECORDS of them). */
  get recordCount(): number {
    return this.recordsSoFar;
  }

  /** Listens to every frame of the current run (and once more when it is over); returns the removal. */
  onBatch(listener: (batch: SandboxBatch) => void): () => void {
    this.batchListeners.add(listener);
    if (this.batchListeners.size === 1) this.port.watchEvents(true);
    return () => {
      if (this.batchListeners.delete(listener) && this.batchListeners.size === 0) this.port.watchEvents(false);
    };
  }

  close(): void {
    this.unsubscribeSelection();
    this.port.close();
  }

  // ---- from the port ---------------------------------------------------------------------------

  /** A new run: its history knows the members and parameters at once, so a paused run is drawn too. */
  private onLoaded(setup: SandboxSetup, members: MemberId[]): void {
    this.runs += 1;
    this.setup = setup;
    this.taken = [];
    this.recordsSoFar = 0;
    this.crashed = [];
    this.cursorUs = 0;
    this.results = null;
    this.loaded = true;
    // The simulator's run id and number, as its start records say (src/sim).
    this.current = new RunHistory({ run: { runId: 'sim', run: 1, members: [...members], params: setup.params, startedAt: 0 }, trafficKept: MAX_RECORDS });
    this.onHistory(this.current);
    this.publish();
  }

  private onFrame(frame: SandboxFrame): void {
    this.cursorUs = frame.cursorUs;
    this.recordsSoFar = frame.records;
    this.crashed = frame.crashed;
    this.current.appendFrame(frame);
    this.publish();
    this.tell({ events: frame.events, now: { cursorUs: frame.cursorUs, over: false } });
  }

  private onDone(cursorUs: number, results: SandboxResults): void {
    this.cursorUs = cursorUs;
    this.results = results;
    this.publish();
    this.tell({ events: [], now: { cursorUs, over: true } });
  }

  private tell(batch: SandboxBatch): void {
    for (const listener of [...this.batchListeners]) listener(batch);
  }

  private actions(): SandboxAction[] {
    return inTimeOrder(this.setup.actions, this.taken);
  }

  /** Puts the facts the controls show into the store, when they changed. */
  private publish(): void {
    const facts: SandboxFacts = {
      setup: this.setup,
      speed: this.speed,
      loaded: this.loaded,
      done: this.results !== null,
      network: networkAt(this.setup, this.actions(), this.cursorUs),
      crashed: [...this.crashed].sort(),
      run: this.runs,
    };
    const shown = useStore.getState().sandbox;
    if (shown && sameFacts(shown, facts)) return;
    useStore.setState({ sandbox: facts, shapes: facts.network.shapes });
  }
}

function sameFacts(a: SandboxFacts, b: SandboxFacts): boolean {
  return a.setup === b.setup && a.speed === b.speed && a.loaded === b.loaded && a.done === b.done && a.run === b.run && a.crashed.join() === b.crashed.join() && JSON.stringify(a.network) === JSON.stringify(b.network);
}

function describeCommand(command: SandboxCommand): string {
  switch (command.type) {
    case 'link':
      return `change the link ${command.a}–${command.b}`;
    case 'crash':
    case 'restart':
      return `${command.type} ${command.node}`;
    case 'partition':
      return 'partition the cluster';
    default:
      return `apply ${command.type}`;
  }
}
