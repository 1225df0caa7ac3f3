// The page's side of the sandbox: a SandboxPort (the whole virtual cluster in a worker) whose
// record batches grow one RunHistory per run, the history the animation and the panels draw. It
// keeps what the page needs besides the history: the setup, the actions taken (for "Share this
// run"), the network and crashed nodes at the run's cursor, the speed, and the records for download.

import { traceLine, type MemberId, type TraceRecord } from '../../core';
import type { LinkSettings } from '../../net/link-shaper';
import type { Speed } from '../../sandbox/driver';
import type { Accepted, SandboxResults } from '../../sandbox/engine';
import { SandboxPort, type SandboxMode } from '../../sandbox/sandbox-port';
import type { SandboxAction, SandboxCommand, SandboxSetup } from '../../sandbox/setup';
import { encodeSandboxLink } from '../../sandbox/url';
import { createWatch, observe, type RunWatch, type WatchEvent } from '../../sandbox/watch';
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

/** One records batch as the scenario player needs it: the events the records show, and where the run is. */
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
  private records: TraceRecord[] = [];
  private watch: RunWatch = createWatch();
  private cursorUs = 0;
  private results: SandboxResults | null = null;
  private speed: Speed = 1;
  private loaded = false;
  private runs = 0;
  /** Told when a new run's history replaces the previous one. */
  onHistory: (history: RunHistory) => void = () => undefined;
  private readonly batchListeners = new Set<(batch: SandboxBatch) => void>();

  constructor(setup: SandboxSetup, mode: SandboxMode | null = null) {
    this.setup = setup;
    this.port = new SandboxPort(mode);
    this.port.on('loaded', ({ setup: loaded, members }) => this.onLoaded(loaded, members));
    this.port.on('records', ({ cursorUs, records }) => this.onRecords(cursorUs, records));
    this.port.on('done', ({ cursorUs, results }) => this.onDone(cursorUs, results));
    this.port.on('error', (message) => showBanner({ id: 'sandbox', tone: 'error', text: `The sandbox refused that: ${message}` }));
    this.port.on('failed', (reason) => showBanner({ id: 'sandbox-failed', tone: 'error', text: `The sandbox stopped: ${reason}. Reload the page.` }));
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

  /** The run's records as JSON Lines (docs/TRACE.md), as `chatterbox sim --trace` writes them. */
  traceBlob(): Blob {
    return new Blob(this.records.map((record) => traceLine(record) + '\n'), { type: 'application/x-ndjson' });
  }

  get recordCount(): number {
    return this.records.length;
  }

  /** Listens to every records batch of the current run (and once more when it is over); returns the removal. */
  onBatch(listener: (batch: SandboxBatch) => void): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  close(): void {
    this.port.close();
  }

  // ---- from the port ---------------------------------------------------------------------------

  /** A new run: its history knows the members and parameters at once, so a paused run is drawn too. */
  private onLoaded(setup: SandboxSetup, members: MemberId[]): void {
    this.runs += 1;
    this.setup = setup;
    this.taken = [];
    this.records = [];
    this.watch = createWatch();
    this.cursorUs = 0;
    this.results = null;
    this.loaded = true;
    // The simulator's run id and number, as its start records say (src/sim).
    this.current = new RunHistory({ run: { runId: 'sim', run: 1, members: [...members], params: setup.params, startedAt: 0 } });
    this.onHistory(this.current);
    this.publish();
  }

  private onRecords(cursorUs: number, records: TraceRecord[]): void {
    this.cursorUs = cursorUs;
    const room = MAX_RECORDS - this.records.length;
    for (const record of room >= records.length ? records : records.slice(0, Math.max(0, room))) this.records.push(record);
    const events = records.flatMap((record) => observe(this.watch, record));
    this.current.appendRecords(records);
    this.publish();
    this.tell({ events, now: { cursorUs, over: false } });
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
      crashed: Object.entries(this.watch.crashed)
        .filter(([, crashed]) => crashed)
        .map(([id]) => id)
        .sort(),
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
