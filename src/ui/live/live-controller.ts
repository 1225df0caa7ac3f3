// Runs this tab's node: a Session in its room, whose protocol runs in the node (a worker where the
// browser allows it). The node's feed batches go to the live timeline (for the animation) and to the
// store (at most 10 times a second). The protocol does not wait for the page's tasks (it still
// shares the CPU with rendering).

import { type MemberId, type Phase, type RunParams } from '../../core';
import { browserPeerFactory, browserWebSocket } from '../../net/browser-transport';
import { HEALTHY_LINK, type LinkSettings } from '../../net/link-shaper';
import type { LinkState } from '../../net/mesh';
import type { SignalingStatus } from '../../net/signaling-client';
import { microsecondClock } from '../../runtime/clock';
import type { RunStart } from '../../runtime/runtime';
import { Session } from '../../runtime/session';
import type { NodeSnapshot } from '../../runtime/snapshot';
import { createWorkerTimers } from '../../runtime/worker-timers';
import type { CancelledNotice, ProposeNotice, RosterLink, RosterMessage, StartNotice } from '../../signaling';
import type { PageConfig } from '../config';
import { dismissBanner, INITIAL_LIVE, linkKey, pairs, showBanner, useStore, ZERO_COUNTERS, type LiveFields, type MemberResult } from '../store';
import type { PlayheadBounds } from '../timeline/playhead';
import { LiveTimeline } from '../timeline/live-timeline';
import { leastAdvancedPhase } from '../phase';
import { CommitLog } from './commit-log';
import { flightUs, MIN_VISIBLE_FLIGHT_US, type FeedBatch } from './feed';
import { NodePort } from './node-port';
import { tabIdentity } from './tab-identity';
import { ThroughputMeter } from './throughput';
import { TraceRecorder } from './trace-recorder';

/** The store (and React) hear from the protocol at most 10 times a second; the animation shows the detail. */
const STORE_FLUSH_MS = 100;
const LIVE_LAG_MARGIN_US = 30_000;
const MAX_LIVE_LAG_US = 3_000_000;
const COMMIT_LOG_ENTRIES = 10_000;
const SLOW_NETWORK_DELAY_MS = 400;

export class LiveController {
  readonly session: Session;
  readonly timeline = new LiveTimeline();
  readonly commitLog = new CommitLog(COMMIT_LOG_ENTRIES);
  readonly trace = new TraceRecorder();
  readonly clock = microsecondClock();
  /** This tab's node (members only); observers run no protocol. */
  private readonly node: NodePort | null;
  private readonly model: LiveFields = { ...INITIAL_LIVE, counters: { ...ZERO_COUNTERS } };
  private readonly dirty = new Set<keyof LiveFields>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly throughput: ThroughputMeter;
  /** The newest batch of this tab's node in the current run. */
  private lastBatch: FeedBatch | null = null;

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
      log: (message) => console.debug(message),
    });
    this.throughput = new ThroughputMeter(() => this.sampleCounts(), (series) => this.set('throughput', series));
    this.set('nodeMode', this.node?.mode ?? null);
    this.subscribe();
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
    const members = this.model.roster?.members.map((m) => m.id) ?? [];
    for (const [a, b] of pairs(members)) {
      const current = this.model.shapes[linkKey(a, b)] ?? HEALTHY_LINK;
      this.shapeLink(a, b, { cut: current.cut, lossPercent: current.lossPercent, delayMs: on ? SLOW_NETWORK_DELAY_MS : 0 });
    }
  }

  close(): void {
    this.throughput.stop();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.session.close();
  }

  // ---- wiring ---------------------------------------------------------------------------------

  private subscribe(): void {
    const session = this.session;
    session.on('status', (status) => this.onStatus(status));
    session.on('welcome', ({ id }) => this.set('selfId', id));
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

  private onStatus(status: SignalingStatus): void {
    this.set('signaling', status);
    if (status === 'reconnecting' && this.model.selfId === null) {
      showBanner({ id: 'signaling', tone: 'error', text: `Cannot reach the signaling server at ${this.config.signalUrl}; retrying… (Is it running? Another server can be named with ?signal=ws://host:port/)` });
    } else if (status === 'reconnecting') {
      const during = this.model.run && this.model.phase !== 'done' ? ' The run goes on over the data channels.' : '';
      showBanner({ id: 'signaling', tone: 'warning', text: `Lost the connection to the signaling server at ${this.config.signalUrl}; reconnecting…${during}` });
    } else if (status === 'open') {
      dismissBanner('signaling');
    }
  }

  private onRoster(roster: RosterMessage): void {
    this.set('roster', roster);
    const shapes: LiveFields['shapes'] = {};
    for (const link of roster.links) shapes[linkKey(link.link[0], link.link[1])] = { cut: link.cut, lossPercent: link.lossPercent, delayMs: link.delayMs };
    this.set('shapes', shapes);
    if (roster.run && roster.run.runId !== this.model.run?.runId) {
      // A run that started before this tab joined: watch it (its start time is the server's clock).
      this.beginRun(roster.run, roster.run.startedAt * 1000);
    }
    this.warnAboutLeavers(roster);
  }

  private warnAboutLeavers(roster: RosterMessage): void {
    const run = this.model.run;
    if (!run || this.model.phase === 'done') return;
    const present = new Set(roster.members.map((m) => m.id));
    for (const id of run.members) {
      if (present.has(id) || id === this.model.selfId) continue;
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
    const whose = notice.proposedBy === this.model.selfId ? 'your' : `${notice.proposedBy}'s`;
    if (declined === null) showBanner({ id: 'consent', tone: 'info', text: `Accepted ${whose} run: ${what}.` });
    else showBanner({ id: 'consent', tone: 'warning', text: `Declined ${whose} run (${what}): ${declined}` });
  }

  private onCancelled(notice: CancelledNotice): void {
    showBanner({ id: 'consent', tone: 'warning', text: `The run did not start: ${notice.reason}.` });
  }

  private onStart(notice: StartNotice): void {
    if (notice.runId === this.model.run?.runId) return; // a repeated notice
    this.beginRun(notice, this.clock());
  }

  private beginRun(notice: RunStart, startedAt: number): void {
    this.timeline.reset();
    this.commitLog.clear();
    this.trace.reset();
    this.lastBatch = null;
    for (const banner of useStore.getState().banners) if (banner.id.startsWith('left-') || banner.id.startsWith('server-')) dismissBanner(banner.id);
    this.set('run', { runId: notice.runId, run: notice.run, members: [...notice.members], params: notice.params, startedAt });
    this.set('results', {});
    this.set('ownResult', null);
    this.set('doneAt', null);
    this.set('telemetry', {});
    this.set('counters', { ...ZERO_COUNTERS });
    this.set('runningChecksum', null);
    this.set('traceRecords', 0);
    this.set('traceTruncated', false);
    this.setPhaseByClock(startedAt, notice.params);
    this.throughput.start(startedAt);
  }

  /** The phase a run started at `startedAt` is in by the clock (until the nodes themselves tell). */
  private setPhaseByClock(startedAt: number, params: RunParams): void {
    const ends = phaseEnds(startedAt, params);
    const now = this.clock();
    const phase = now < ends.sending ? 'sending' : now < ends.waiting ? 'waiting' : 'done';
    this.set('phase', phase);
    this.set('phaseEndsAt', endOf(phase, ends));
  }

  /** A batch from this tab's node: every figure in it describes the node at one moment. */
  private onFeed(runId: string, batch: FeedBatch): void {
    if (runId !== this.model.run?.runId || !this.model.selfId) return;
    const self = this.model.selfId;
    this.lastBatch = batch;
    this.timeline.recordSnapshot(self, batch.at, batch.snapshot);
    for (const flight of batch.flights) this.timeline.addFlight(flight);
    for (const mark of batch.marks) this.timeline.addCommit(mark);
    for (const entry of batch.log) this.commitLog.add(entry);
    this.trace.append(batch.trace.text, batch.trace.records, batch.trace.truncated);
    this.set('traceRecords', this.trace.size);
    if (batch.trace.truncated !== this.model.traceTruncated) this.set('traceTruncated', batch.trace.truncated);
    this.set('counters', batch.counters);
    this.set('runningChecksum', batch.runningChecksum);
    this.set('rttMs', batch.rttMs);
    this.onResults(batch.results);
    if (batch.result !== this.model.ownResult) this.set('ownResult', batch.result);
    if (batch.phase !== this.model.phase || batch.phaseEndsAt !== this.model.phaseEndsAt) this.onOwnPhase(batch.phase, batch.phaseEndsAt);
  }

  private onOwnPhase(phase: Phase, endsAt: number | null): void {
    this.set('phase', phase);
    this.set('phaseEndsAt', endsAt);
    if (phase === 'done' && this.model.doneAt === null) this.set('doneAt', this.clock());
  }

  private onResults(results: Record<MemberId, MemberResult>): void {
    const differs = (id: MemberId, result: MemberResult): boolean => {
      const known = this.model.results[id];
      return !known || known.count !== result.count || known.checksum !== result.checksum || known.complete !== result.complete;
    };
    if (Object.entries(results).some(([id, result]) => differs(id, result))) this.set('results', { ...this.model.results, ...results });
  }

  private onLink(peer: MemberId, state: LinkState): void {
    this.set('ownLinks', { ...this.model.ownLinks, [peer]: state });
    const running = this.model.run?.members.includes(peer) && this.model.phase !== 'done' && this.model.phase !== 'connecting';
    if (state === 'lost' && running) {
      showBanner({ id: `link-${peer}`, tone: 'warning', text: `The data channel to ${peer} was lost; reconnecting. The protocol resends what did not get through.` });
    } else if (state === 'open') {
      dismissBanner(`link-${peer}`);
    }
  }

  private onShape(shape: RosterLink): void {
    const shapes = { ...this.model.shapes };
    const key = linkKey(shape.link[0], shape.link[1]);
    if (!shape.cut && shape.lossPercent === 0 && shape.delayMs === 0) delete shapes[key];
    else shapes[key] = { cut: shape.cut, lossPercent: shape.lossPercent, delayMs: shape.delayMs };
    this.set('shapes', shapes);
  }

  /** Snapshots arrive validated by the session (isNodeSnapshotOf); only run members count. */
  private onTelemetry(from: MemberId, snapshot: NodeSnapshot): void {
    if (!this.model.run?.members.includes(from)) return;
    this.timeline.recordSnapshot(from, this.clock(), snapshot);
    this.set('telemetry', { ...this.model.telemetry, [from]: snapshot });
    if (snapshot.result && !this.model.results[from]) {
      const result: MemberResult = { count: snapshot.result.count, checksum: snapshot.result.checksum, complete: snapshot.result.complete };
      this.set('results', { ...this.model.results, [from]: result });
    }
    if (!this.node) this.followPhaseFromTelemetry();
  }

  /** Without a node of its own in the run (an observer), the phase is the least advanced member's (of those still in the room). */
  private followPhaseFromTelemetry(): void {
    const run = this.model.run;
    if (!run) return;
    const present = this.model.roster ? run.members.filter((id) => this.model.roster!.members.some((m) => m.id === id)) : run.members;
    const phases = (present.length > 0 ? present : run.members).map((id) => this.model.telemetry[id]?.phase ?? 'sending');
    const phase = leastAdvancedPhase(phases, 'sending');
    if (phase === this.model.phase) return;
    this.set('phase', phase);
    this.set('phaseEndsAt', endOf(phase, phaseEnds(run.startedAt, run.params)));
    if (phase === 'done') this.set('doneAt', this.clock());
  }

  // ---- the animation's view of this node ---------------------------------------------------------

  /** Expected one-way flight to a peer on the timeline (as the node draws its own frames). */
  private flightTo(peer: MemberId): number {
    const self = this.model.selfId;
    const delayMs = self ? (this.model.shapes[linkKey(self, peer)]?.delayMs ?? 0) : 0;
    return flightUs(this.model.rttMs[peer], delayMs);
  }

  private liveLagUs(): number {
    const peers = this.model.run?.members ?? [];
    let longest = MIN_VISIBLE_FLIGHT_US;
    for (const peer of peers) if (peer !== this.model.selfId) longest = Math.max(longest, this.flightTo(peer));
    return Math.min(MAX_LIVE_LAG_US, longest + LIVE_LAG_MARGIN_US);
  }

  // ---- throughput ----------------------------------------------------------------------------

  /** Commits so far per run member: this node's own count, the others' from telemetry. */
  private sampleCounts(): Map<MemberId, number> | null {
    const run = this.model.run;
    if (!run) return null;
    const counts = new Map<MemberId, number>();
    for (const id of run.members) {
      const count = id === this.model.selfId && this.lastBatch ? this.lastBatch.snapshot.count : this.model.telemetry[id]?.count;
      if (count !== undefined) counts.set(id, count);
    }
    const self = this.node ? this.model.selfId : null;
    const everyoneDone = run.members.every((id) => (id === self ? this.model.phase === 'done' : this.model.telemetry[id]?.phase === 'done'));
    return everyoneDone ? null : counts;
  }

  // ---- the store -------------------------------------------------------------------------------

  private set<K extends keyof LiveFields>(key: K, value: LiveFields[K]): void {
    this.model[key] = value;
    this.dirty.add(key);
    if (!this.flushTimer) this.flushTimer = setTimeout(this.flush, STORE_FLUSH_MS);
  }

  private readonly flush = (): void => {
    this.flushTimer = null;
    const partial: Partial<LiveFields> = {};
    for (const key of this.dirty) Object.assign(partial, { [key]: copyOf(this.model[key]) });
    this.dirty.clear();
    useStore.setState(partial);
  };

  private warnOffline(action: string): void {
    showBanner({ id: 'offline-action', tone: 'warning', text: `Cannot ${action}: not connected to the signaling server.` });
  }
}

/** When the send and wait phases of a run started at `startedAt` end by the clock (µs). */
function phaseEnds(startedAt: number, params: RunParams): { sending: number; waiting: number } {
  const sending = startedAt + params.sendForMs * 1000;
  return { sending, waiting: sending + params.waitForMs * 1000 };
}

function endOf(phase: Phase, ends: { sending: number; waiting: number }): number | null {
  return phase === 'sending' ? ends.sending : phase === 'waiting' ? ends.waiting : null;
}

/** Objects the controller mutates in place are copied on their way to the store (React sees a change). */
function copyOf<T>(value: T): T {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? ({ ...value } as T) : value;
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
