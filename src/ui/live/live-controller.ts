// Wiring of this tab's live node: a Session in its room, whose protocol runs in the node (a worker
// where the browser allows it). Session events become appends to the run's history (this tab's
// node's feed batches, peers' telemetry) or session facts in the store (status, roster, links,
// shapes); nothing else is kept here.

import type { MemberId, RunParams } from '../../core';
import { browserPeerFactory, browserWebSocket } from '../../net/browser-transport';
import { HEALTHY_LINK, type LinkSettings } from '../../net/link-shaper';
import type { LinkState } from '../../net/mesh';
import type { SignalingStatus } from '../../net/signaling-client';
import { TRACE_ANSWER_TIMEOUT_MS, type CollectionProgress, type FetchedTrace } from '../../runtime/trace-collector';
import type { SharedTrace } from '../../runtime/trace-sharing';
import { microsecondClock } from '../../runtime/clock';
import type { RunStart } from '../../runtime/runtime';
import { Session } from '../../runtime/session';
import type { NodeSnapshot } from '../../runtime/snapshot';
import { createWorkerTimers } from '../../runtime/worker-timers';
import { RUN_GRACE_MS, type CancelledNotice, type ProposeNotice, type RosterLink, type RosterMessage, type StartNotice } from '../../signaling';
import type { PageConfig } from '../config';
import { RunHistory } from '../history/history';
import { dismissBanner, linkKey, pairs, showBanner, useStore } from '../store';
import type { PlayheadBounds } from '../timeline/playhead';
import { flightUs, MIN_VISIBLE_FLIGHT_US, type FeedBatch } from './feed';
import { NodePort } from './node-port';
import { tabIdentity } from './tab-identity';

const LIVE_LAG_MARGIN_US = 30_000;
const MAX_LIVE_LAG_US = 3_000_000;
const SLOW_NETWORK_DELAY_MS = 400;

/** The fetch of one run's traces from its members, shared by everyone who asks for it. */
interface TraceCollection {
  runId: string;
  result: Promise<FetchedTrace[]>;
  progress: CollectionProgress | null;
  watchers: Set<(progress: CollectionProgress) => void>;
  settled: FetchedTrace[] | null;
}

export class LiveController {
  readonly session: Session;
  readonly clock = microsecondClock();
  /** This tab's node (members only); observers run no protocol. */
  private readonly node: NodePort | null;
  private current = new RunHistory({ realTime: true });
  /** The traces of the run shown, being fetched or fetched (an observer starts at the run's start). */
  private collection: TraceCollection | null = null;
  /** Told when a new run's history replaces the previous one. */
  onHistory: (history: RunHistory) => void = () => undefined;

  constructor(readonly config: PageConfig) {
    this.node = config.role === 'member' ? new NodePort(config.nodeMode) : null;
    this.session = new Session({
      signalUrl: config.signalUrl,
      room: config.room,
      role: config.role,
      ...(config.id ? { id: config.id } : {}),
      identity: tabIdentity(),
      ...(config.secret ? { secret: config.secret } : {}),
      connect: browserWebSocket,
      createPeer: browserPeerFactory,
      iceServers: config.iceServers,
      clock: this.clock,
      timers: createWorkerTimers(),
      ...(this.node ? { host: this.node } : {}),
      sharedTrace: () => this.sharedTrace(),
      withoutTrace: () => `${useStore.getState().selfId ?? 'this tab'} was not a member of that run`,
      log: (message) => console.debug(message),
    });
    useStore.setState({ nodeMode: this.node?.mode ?? null });
    this.subscribe();
  }

  /** The history of the run this tab shows (an empty one before the first run). */
  get history(): RunHistory {
    return this.current;
  }

  /** The live edge trails real time by about one flight, so arriving frames can be seen flying in. */
  get bounds(): PlayheadBounds {
    return { earliest: () => -Infinity, latest: () => this.clock() - this.liveLagUs() };
  }

  /** Asks the server to start a run with every member of the room. */
  requestStart(params: RunParams): void {
    if (!this.session.requestStart(params)) this.warnOffline('start a run');
  }

  shapeLink(a: MemberId, b: MemberId, settings: LinkSettings): void {
    if (!this.session.shapeLink(a, b, settings)) this.warnOffline('change a link');
  }

  /** Adds (or removes) a one-way delay on every link of the room, keeping cuts and loss. */
  setSlowNetwork(on: boolean): void {
    const { roster, shapes } = useStore.getState();
    const members = roster?.members.map((m) => m.id) ?? [];
    for (const [a, b] of pairs(members)) {
      const current = shapes[linkKey(a, b)] ?? HEALTHY_LINK;
      this.shapeLink(a, b, { cut: current.cut, lossPercent: current.lossPercent, delayMs: on ? SLOW_NETWORK_DELAY_MS : 0 });
    }
  }

  /**
   * Every member's trace of the run shown: this tab's own, and the others' fetched through the
   * server (docs/SIGNALING.md, "Sharing traces"). A member still running answers when it is done.
   */
  async fetchRunTraces(onProgress: (progress: CollectionProgress) => void): Promise<{ runId: string; traces: FetchedTrace[] }> {
    const history = this.current;
    const run = history.run;
    if (!run) throw new Error('no run has started in this room since this page opened');
    const collection = this.reusableCollection(run.runId) ?? this.startCollection(history);
    collection.watchers.add(onProgress);
    if (collection.progress) onProgress(collection.progress);
    let fetched: FetchedTrace[];
    try {
      fetched = await collection.result;
    } finally {
      collection.watchers.delete(onProgress);
    }
    const self = history.self;
    const own: FetchedTrace[] = self ? [{ node: self, text: history.ownTrace.pieces().join(''), missing: null }] : [];
    return { runId: run.runId, traces: [...own, ...fetched] };
  }

  /** The collection of this run under way, or one done with every trace in (one with traces missing is tried again). */
  private reusableCollection(runId: string): TraceCollection | null {
    const collection = this.collection;
    if (!collection || collection.runId !== runId) return null;
    return collection.settled === null || collection.settled.every((trace) => trace.missing === null) ? collection : null;
  }

  /** Asks every other member of the history's run for its trace; each answers once its run is done. */
  private startCollection(history: RunHistory): TraceCollection {
    const run = history.run!;
    this.session.abandonTraceCollection(`a newer run (${run.runId}) started before its trace was in`);
    const runEndsInMs = (run.startedAt - this.clock()) / 1000 + run.params.sendForMs + run.params.waitForMs + RUN_GRACE_MS; // the server ends it by then
    const others = run.members.filter((id) => id !== history.self);
    const collection: TraceCollection = { runId: run.runId, progress: null, watchers: new Set(), settled: null, result: Promise.resolve([]) };
    const onProgress = (progress: CollectionProgress): void => {
      collection.progress = progress;
      for (const watcher of collection.watchers) watcher(progress);
    };
    collection.result = this.session.collectTraces(run.runId, others, onProgress, runEndsInMs + TRACE_ANSWER_TIMEOUT_MS);
    void collection.result.then((traces) => (collection.settled = traces));
    this.collection = collection;
    return collection;
  }

  close(): void {
    this.session.close();
  }

  /** This tab's node's trace of the run shown, shared when other participants ask (members of the run only). */
  private sharedTrace(): SharedTrace | null {
    const history = this.current;
    const run = history.run;
    const self = history.self;
    if (!run || !self) return null;
    return { runId: run.runId, done: history.doneTime(self) !== null, pieces: () => history.ownTrace.pieces() };
  }

  // ---- wiring ---------------------------------------------------------------------------------

  private subscribe(): void {
    const session = this.session;
    session.on('status', (status) => this.onStatus(status));
    session.on('welcome', ({ id }) => useStore.setState({ selfId: id }));
    session.on('roster', (roster) => this.onRoster(roster));
    session.on('start', (notice) => this.onStart(notice));
    session.on('proposal', ({ notice, declined }) => this.onProposal(notice, declined));
    session.on('cancelled', (notice) => this.onCancelled(notice));
    session.on('refused', ({ peer, reason }) => showBanner({ id: `refused-${peer}`, tone: 'warning', text: `Refused a connection from ${peer}: ${reason}` }));
    this.node?.on('feed', ({ runId, batch }) => this.onFeed(runId, batch));
    this.node?.on('log', (message) => console.debug(message));
    this.node?.on('failed', (reason) => showBanner({ id: 'node-failed', tone: 'error', text: `This tab's node stopped: ${reason}. Reload the page, or add ?node=main to run it on the page's main thread.` }));
    session.on('link', ({ peer, state }) => this.onLink(peer, state));
    session.on('shape', (shape) => this.onShape(shape));
    session.on('telemetry', ({ from, snapshot }) => this.onTelemetry(from, snapshot));
    session.on('error', ({ code, message }) => showBanner({ id: `server-${code}`, tone: 'error', text: describeServerError(code, message, this.config) }));
  }

  /** Whether the run shown is under way (its newest state, not the animation's). */
  private running(): boolean {
    const run = this.current.run;
    if (!run) return false;
    const self = this.current.self;
    return self ? this.current.doneTime(self) === null : run.members.some((id) => this.current.doneTime(id) === null);
  }

  private onStatus(status: SignalingStatus): void {
    useStore.setState({ signaling: status });
    if (status === 'reconnecting' && useStore.getState().selfId === null) {
      showBanner({ id: 'signaling', tone: 'error', text: `Cannot reach the signaling server at ${this.config.signalUrl}; retrying… (Is it running? Another server can be named with ?signal=ws://host:port/)` });
    } else if (status === 'reconnecting') {
      const during = this.running() ? ' The run goes on over the data channels.' : '';
      showBanner({ id: 'signaling', tone: 'warning', text: `Lost the connection to the signaling server at ${this.config.signalUrl}; reconnecting…${during}` });
    } else if (status === 'open') {
      dismissBanner('signaling');
    }
  }

  private onRoster(roster: RosterMessage): void {
    const shapes: Record<string, LinkSettings> = {};
    for (const link of roster.links) shapes[linkKey(link.link[0], link.link[1])] = { cut: link.cut, lossPercent: link.lossPercent, delayMs: link.delayMs };
    useStore.setState({ roster, shapes });
    if (roster.run && roster.run.runId !== this.current.run?.runId) {
      // A run that started before this tab joined: watch it (its start time is the server's clock).
      this.beginRun(roster.run, roster.run.startedAt * 1000);
    }
    this.warnAboutLeavers(roster);
  }

  private warnAboutLeavers(roster: RosterMessage): void {
    const run = this.current.run;
    if (!run || !this.running()) return;
    const present = new Set(roster.members.map((m) => m.id));
    for (const id of run.members) {
      if (present.has(id) || id === useStore.getState().selfId) continue;
      showBanner({
        id: `left-${id}`,
        tone: 'warning',
        text: `${id} left the room during the run. The others cannot get its acks or its FIN: they finish at the wait deadline, and their results may differ.`,
      });
    }
  }

  /** A tab accepts every proposal that lists its key (the session checks that) and says what it accepted. */
  private onProposal(notice: ProposeNotice, declined: string | null): void {
    const { seed, window, sendForMs, waitForMs, tickMs } = notice.params;
    const what = `seed ${seed}, W ${window}, send ${sendForMs / 1000} s, wait ${waitForMs / 1000} s, tick ${tickMs} ms, members ${notice.members.join(', ')}`;
    const whose = notice.proposedBy === useStore.getState().selfId ? 'your' : `${notice.proposedBy}'s`;
    if (declined === null) showBanner({ id: 'consent', tone: 'info', text: `Accepted ${whose} run: ${what}.` });
    else showBanner({ id: 'consent', tone: 'warning', text: `Declined ${whose} run (${what}): ${declined}` });
  }

  private onCancelled(notice: CancelledNotice): void {
    showBanner({ id: 'consent', tone: 'warning', text: `The run did not start: ${notice.reason}.` });
  }

  private onStart(notice: StartNotice): void {
    if (notice.runId === this.current.run?.runId) return; // a repeated notice
    this.beginRun(notice, this.clock());
  }

  /** A new run gets a new history; this tab's node is its `self` when the tab is a member of it. */
  private beginRun(notice: RunStart, startedAt: number): void {
    for (const banner of useStore.getState().banners) if (banner.id.startsWith('left-') || banner.id.startsWith('server-')) dismissBanner(banner.id);
    const selfId = useStore.getState().selfId;
    const self = this.node && selfId && notice.members.includes(selfId) ? selfId : null;
    const run = { runId: notice.runId, run: notice.run, members: [...notice.members], params: notice.params, startedAt };
    this.current = new RunHistory({ run, self, realTime: true });
    this.onHistory(this.current);
    if (!this.node) this.startCollection(this.current); // an observer fetches every trace as the run ends
  }

  /** A batch from this tab's node: every figure in it describes the node at one moment. */
  private onFeed(runId: string, batch: FeedBatch): void {
    const self = this.current.self;
    if (runId !== this.current.run?.runId || !self) return;
    this.current.keepTrace(batch.trace.text, batch.trace.records, batch.trace.truncated);
    this.current.report(self, {
      figures: { at: batch.at, snapshot: batch.snapshot, counters: batch.counters, runningChecksum: batch.runningChecksum, phaseEndsAt: batch.phaseEndsAt, rttMs: batch.rttMs },
      flights: batch.flights,
      marks: batch.marks,
      log: batch.log,
      results: batch.results,
    });
    if (this.current.doneTime(self) !== null) this.session.sharedTraceChanged();
  }

  private onLink(peer: MemberId, state: LinkState): void {
    useStore.setState((s) => ({ ownLinks: { ...s.ownLinks, [peer]: state } }));
    const inRun = this.current.run?.members.includes(peer) && this.running();
    if (state === 'lost' && inRun) {
      showBanner({ id: `link-${peer}`, tone: 'warning', text: `The data channel to ${peer} was lost; reconnecting. The protocol resends what did not get through.` });
    } else if (state === 'open') {
      dismissBanner(`link-${peer}`);
    }
  }

  private onShape(shape: RosterLink): void {
    const shapes = { ...useStore.getState().shapes };
    const key = linkKey(shape.link[0], shape.link[1]);
    if (!shape.cut && shape.lossPercent === 0 && shape.delayMs === 0) delete shapes[key];
    else shapes[key] = { cut: shape.cut, lossPercent: shape.lossPercent, delayMs: shape.delayMs };
    useStore.setState({ shapes });
  }

  /** Snapshots arrive validated by the session (checkTelemetryData); the history keeps run members' only. */
  private onTelemetry(from: MemberId, snapshot: NodeSnapshot): void {
    if (from === this.current.self) return; // this tab's node reports through its feed
    this.current.telemetry(from, this.clock(), snapshot);
  }

  // ---- the live edge ---------------------------------------------------------------------------

  /** Expected one-way flight to a peer on the timeline (as the node draws its own frames). */
  private flightTo(peer: MemberId, rttMs: Readonly<Record<MemberId, number>>): number {
    const self = this.current.self;
    const delayMs = self ? (useStore.getState().shapes[linkKey(self, peer)]?.delayMs ?? 0) : 0;
    return flightUs(rttMs[peer], delayMs);
  }

  private liveLagUs(): number {
    const self = this.current.self;
    const rttMs = (self ? this.current.track(self)?.latest()?.rttMs : null) ?? {};
    let longest = MIN_VISIBLE_FLIGHT_US;
    for (const peer of this.current.run?.members ?? []) if (peer !== self) longest = Math.max(longest, this.flightTo(peer, rttMs));
    return Math.min(MAX_LIVE_LAG_US, longest + LIVE_LAG_MARGIN_US);
  }

  private warnOffline(action: string): void {
    showBanner({ id: 'offline-action', tone: 'warning', text: `Cannot ${action}: not connected to the signaling server.` });
  }
}

function describeServerError(code: string, message: string, config: PageConfig): string {
  switch (code) {
    case 'room-full':
      return `The room "${config.room}" is full (at most 32 members and 32 observers). Open a new room.`;
    case 'bad-room':
      return `The server rejected the room name "${config.room}": ${message}`;
    case 'duplicate-id':
      return `The id ${config.id ?? ''} belongs to another key in this room (${message}). This tab keeps trying; or reload without the id parameter.`;
    case 'mesh-incomplete':
      return `The run did not start: the mesh is not complete yet (${message}).`;
    case 'run-in-progress':
      return `A run is already in progress or proposed in this room; wait until it is over (${message}).`;
    case 'run-too-long':
      return `The run was refused: ${message}.`;
    case 'rate-limited':
      return 'The signaling server is rate-limiting this tab; slow down.';
    case 'forbidden':
      return `Not allowed: ${message}`;
    default:
      return `Signaling server error (${code}): ${message}`;
  }
}
