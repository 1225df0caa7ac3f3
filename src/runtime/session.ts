// A node's session in a room: signaling, the WebRTC mesh, and the host where its protocol runs,
// wired together. The CLI's headless nodes and the browser tabs both run exactly this.

import { checkTelemetryData, createIdentity, shortFingerprint, type CancelledNotice, type IceServer, type Identity, type ProposeNotice, type RosterMessage, type Role, type StartNotice, type ShapeNotice, type RosterLink } from '../signaling';
import { compareIds, type MemberId, type RunParams } from '../core';
import { Emitter } from '../net/emitter';
import { Mesh, type LinkState, type PeerFactory } from '../net/mesh';
import { SignalingClient, type SignalingStatus, type WebSocketFactory } from '../net/signaling-client';
import { systemTimers, type Timers } from '../net/timers';
import { NodeHost, type NodeHostPort } from './node-host';
import { TraceCollector, type CollectionProgress, type FetchedTrace } from './trace-collector';
import { TraceServer, type SharedTrace } from './trace-sharing';
import type { NodeRuntime } from './runtime';
import type { NodeSnapshot } from './snapshot';

export interface SessionOptions {
  signalUrl: string;
  room: string;
  role: Role;
  id?: MemberId;
  /** This node's key (a tab's for its session, a CLI node's --key file); default: a fresh one. */
  identity?: Promise<Identity>;
  /** The room's secret (`--room-secret`, `?secret=`), if it has one. */
  secret?: string;
  /** Whether to receive the other members' telemetry (default true; a headless node draws nothing). */
  watchTelemetry?: boolean;
  /**
   * Whether this node consents to a proposed run: null accepts, a reason declines. Default: accept.
   * Checked after the session's own check that the proposal lists this node's key.
   */
  consent?: (proposal: ProposeNotice) => string | null;
  connect: WebSocketFactory;
  createPeer: PeerFactory;
  /** ICE servers of this node, used with those the server announces. */
  iceServers?: IceServer[];
  clock: () => number;
  timers?: Timers;
  /** Pack frames to one peer into batches (default true); false speaks the plain protocol only. */
  batching?: boolean;
  /** How often a member publishes its snapshot to the room while a run is on (ms; 0 = never). */
  telemetryMs?: number;
  /** Where the protocol runs (a tab's worker, say); default: in this process, a NodeHost. */
  host?: NodeHostPort;
  /** The trace this member shares when asked (docs/SIGNALING.md, "Sharing traces"); default: none. */
  sharedTrace?: () => SharedTrace | null;
  /** Why this member has no trace to share, when `sharedTrace` gives none. */
  withoutTrace?: () => string;
  log?: (message: string) => void;
}

/** Reports of open data channels go to the server at most this often (ms). */
const PEERS_REPORT_MS = 50;

export interface SessionEvents extends Record<string, unknown> {
  status: SignalingStatus;
  welcome: { id: MemberId };
  roster: RosterMessage;
  /** A run started that this node is a member of, in this process: its runtime is ready, not yet started. */
  run: { runtime: NodeRuntime; notice: StartNotice };
  /** A run started in the room (also for observers and non-members). */
  start: StartNotice;
  /** A run was proposed to this node, and its answer: null accepted, else why it declined. */
  proposal: { notice: ProposeNotice; declined: string | null };
  /** A proposal naming this node did not become a run. */
  cancelled: CancelledNotice;
  /** A peer's offer or answer was not signed by the key we hold for it (once per peer and key). */
  refused: { peer: MemberId; reason: string };
  link: { peer: MemberId; state: LinkState };
  shape: RosterLink;
  telemetry: { from: MemberId; snapshot: NodeSnapshot };
  error: { code: string; message: string };
}

export class Session extends Emitter<SessionEvents> {
  readonly signaling: SignalingClient;
  mesh: Mesh | null = null;
  roster: RosterMessage | null = null;
  readonly host: NodeHostPort;
  /** The host when the protocol runs in this process (its runtime can be watched directly). */
  private readonly localHost: NodeHost | null;
  private readonly timers: Timers;
  readonly identity: Promise<Identity>;
  private runId: string | null = null;
  /** The proposal this node consented to (or made): the only run it will start. */
  private consented: ProposeNotice | null = null;
  /** The keys of this node's run, pinned from its start until it is done: they outrank the roster's. */
  private runKeys: Map<MemberId, string> | null = null;
  private peersTimer: unknown = null;
  /** The last `peers` report the server got (ids joined by spaces); null: none since (re)joining. */
  private reportedPeers: string | null = null;
  /** Proposals, cancellations and starts, handled one after the other (see inOrder). */
  private runMessages: Promise<void> = Promise.resolve();
  /** Answers other participants' trace-gets (members only). */
  private readonly traceServer: TraceServer | null;
  private readonly traceCollector: TraceCollector;

  constructor(private readonly options: SessionOptions) {
    super();
    this.timers = options.timers ?? systemTimers;
    this.identity = options.identity ?? createIdentity();
    this.localHost = options.host ? null : new NodeHost({ clock: options.clock, timers: this.timers, batching: options.batching, telemetryMs: options.telemetryMs });
    this.host = options.host ?? this.localHost!;
    this.localHost?.on('run', (run) => this.emit('run', run));
    this.host.on('telemetry', ({ snapshot }) => this.signaling.send({ type: 'telemetry', data: { snapshot: snapshot as unknown as Record<string, unknown> } }));
    this.host.on('finished', ({ runId }) => {
      this.runKeys = null;
      this.signaling.send({ type: 'finished', runId });
      this.traceServer?.wake();
    });
    this.host.on('open', ({ peer, attempt }) => this.mesh?.channelOpen(peer, attempt));
    this.host.on('lost', ({ peer, attempt, reason }) => this.mesh?.channelLost(peer, attempt, reason));
    this.signaling = new SignalingClient({ url: options.signalUrl, room: options.room, role: options.role, id: options.id, identity: this.identity, secret: options.secret, watchTelemetry: options.watchTelemetry, connect: options.connect, log: options.log });
    this.signaling.on('status', (status) => this.emit('status', status));
    this.signaling.on('welcome', ({ id, iceServers }) => this.onWelcome(id, iceServers));
    this.signaling.on('roster', (roster) => this.onRoster(roster));
    this.signaling.on('propose', (notice) => this.inOrder(() => this.onPropose(notice)));
    this.signaling.on('cancelled', (notice) => this.inOrder(() => this.emit('cancelled', notice)));
    this.signaling.on('start', (notice) => this.inOrder(() => this.onStart(notice)));
    this.signaling.on('shape', (notice) => this.onShape(notice));
    this.signaling.on('telemetry', ({ from, data }) => this.onTelemetry(from, data));
    this.signaling.on('error', (error) => this.emit('error', error));
    this.traceServer = options.role === 'member' ? this.createTraceServer() : null;
    this.traceCollector = new TraceCollector({ send: (get) => this.signaling.send(get), timers: this.timers });
    // After the run messages before it: a get sent on seeing a start finds this node's run begun.
    this.signaling.on('trace-get', (get) => this.inOrder(() => this.traceServer?.receive(get)));
    this.signaling.on('trace-part', (part) => this.traceCollector.receive(part));
  }

  private createTraceServer(): TraceServer {
    const self = (): string => this.id ?? 'this node';
    return new TraceServer({
      source: this.options.sharedTrace ?? (() => null),
      withoutTrace: this.options.withoutTrace ?? (() => `${self()} keeps no trace`),
      send: (part) => this.signaling.send(part),
      timers: this.timers,
    });
  }

  get id(): MemberId | null {
    return this.signaling.id;
  }

  get role(): Role {
    return this.options.role;
  }

  /** This process's runtime of the current run (null when the protocol runs in a worker). */
  get runtime(): NodeRuntime | null {
    return this.localHost?.runtime ?? null;
  }

  /** Asks the server to start a run with these members (default: every member in the room). */
  requestStart(params: RunParams, members?: MemberId[]): boolean {
    return this.signaling.send({ type: 'start', params, ...(members ? { members } : {}) });
  }

  /** Cuts, restores or degrades the link between two members; every node in the room applies it. */
  shapeLink(a: MemberId, b: MemberId, settings: { cut: boolean; lossPercent: number; delayMs: number }): boolean {
    const link: [MemberId, MemberId] = compareIds(a, b) <= 0 ? [a, b] : [b, a];
    return this.signaling.send({ type: 'shape', link, ...settings });
  }

  /** Members whose data channel to this node is open. */
  connectedPeers(): MemberId[] {
    return this.mesh?.connectedPeers() ?? [];
  }

  /** Fetches the traces of `members` of run `runId` through the server, each from its member (never this node's own). */
  collectTraces(runId: string, members: readonly MemberId[], onProgress: (progress: CollectionProgress) => void, firstPartWithinMs?: number): Promise<FetchedTrace[]> {
    return this.traceCollector.collect(runId, members, onProgress, firstPartWithinMs);
  }

  /** Gives up the collection under way, if any (its members' traces are then missing, for `reason`). */
  abandonTraceCollection(reason: string): void {
    this.traceCollector.abandon(reason);
  }

  /**
   * Resolves once nobody is fetching this member's trace: no trace-get waiting and none answered in
   * the last `quietMs`, or after `atMostMs` (a process about to exit lingers for its askers).
   */
  traceSharingIdle(quietMs: number, atMostMs: number): Promise<void> {
    return this.traceServer?.idle(quietMs, atMostMs) ?? Promise.resolve();
  }

  /** This member's shared trace changed (its run ended, as its owner sees it): held trace-gets may be answered. */
  sharedTraceChanged(): void {
    this.traceServer?.wake();
  }

  /**
   * For a process about to exit: lets frames already sent (a RESULT, say) leave, then leaves the
   * room, and leaves the WebRTC connections to the exit. wrtc closes a connection on the JavaScript
   * thread, one after the other (BENCHMARKS.md, "Leaving"); the peers see the connections fail,
   * after their own runs.
   */
  async leaveBeforeExit(): Promise<void> {
    await this.host.drain();
    this.leaveRoom();
  }

  close(): void {
    this.host.close();
    this.mesh?.destroy();
    this.leaveRoom();
  }

  /** Stops what this session does through the server: peers reports, trace answers, the socket. */
  private leaveRoom(): void {
    if (this.peersTimer) this.timers.clear(this.peersTimer);
    this.traceServer?.close();
    this.signaling.close();
  }

  private onWelcome(id: MemberId, serverIce: IceServer[]): void {
    this.emit('welcome', { id });
    this.reportedPeers = null; // a new server session knows nothing yet
    if (this.options.role !== 'member') return;
    if (!this.mesh) this.createMesh(id, [...(this.options.iceServers ?? []), ...serverIce]);
    this.reportPeers();
  }

  private createMesh(self: MemberId, iceServers: IceServer[]): void {
    const mesh = new Mesh({
      self,
      room: this.options.room,
      identity: this.identity,
      trustedKey: (peer) => this.trustedKey(peer),
      signaling: this.signaling,
      createPeer: this.options.createPeer,
      iceServers,
      timers: this.timers,
      log: this.options.log,
    });
    mesh.on('refused', (refusal) => this.emit('refused', refusal));
    mesh.on('channel', ({ peer, attempt, channel }) => this.host.attach(peer, attempt, channel));
    mesh.on('closed', ({ peer, attempt }) => this.host.detach(peer, attempt));
    mesh.on('link', (change) => {
      this.reportPeers();
      this.emit('link', change);
    });
    this.mesh = mesh;
    if (this.roster) this.onRoster(this.roster);
  }

  private onRoster(roster: RosterMessage): void {
    this.roster = roster;
    this.traceCollector.membersNow(new Set(roster.members.map((m) => m.id)));
    if (this.mesh && this.id) {
      this.mesh.setMembers(roster.members.map((m) => m.id));
      for (const link of roster.links) this.applyShape(link);
    }
    this.emit('roster', roster);
  }

  /**
   * Tells the server which data channels are open, at most once per PEERS_REPORT_MS and only when
   * that changed: while a large mesh forms, links open by the hundred, and every report makes the
   * server send the roster to the whole room.
   */
  private reportPeers(): void {
    if (this.peersTimer || !this.mesh) return;
    this.peersTimer = this.timers.set(() => {
      this.peersTimer = null;
      const connected = this.mesh?.connectedPeers() ?? [];
      const key = connected.join(' ');
      if (key === this.reportedPeers) return;
      if (this.signaling.send({ type: 'peers', connected })) this.reportedPeers = key;
    }, PEERS_REPORT_MS);
  }

  /**
   * Handles a run message after the ones before it. Answering a proposal waits for this node's key;
   * a start that came in the same read from the socket (a busy node reads both at once) must not
   * overtake it, or this node would ignore the start of the run it just consented to.
   */
  private inOrder(handle: () => void | Promise<void>): void {
    this.runMessages = this.runMessages.then(handle).catch((error: unknown) => this.options.log?.(`session: ${String(error)}`));
  }

  /** A peer's key: pinned by this node's run while it goes on, else the roster's (the server's binding). */
  private trustedKey(peer: MemberId): string | null {
    return this.runKeys?.get(peer) ?? this.roster?.members.find((m) => m.id === peer)?.fingerprint ?? null;
  }

  /** Answers a proposal naming this node: declined if it lists another key for us, or if `consent` says so. */
  private async onPropose(notice: ProposeNotice): Promise<void> {
    const self = this.id;
    if (this.options.role !== 'member' || !self || !notice.members.includes(self)) return;
    const { fingerprint } = await this.identity;
    const listed = notice.keys.find((key) => key.id === self)?.fingerprint;
    const declined =
      listed !== fingerprint
        ? `the proposal lists key ${shortFingerprint(listed ?? '?')}… for ${self}, but its key is ${shortFingerprint(fingerprint)}…`
        : notice.proposedBy === self
          ? null
          : (this.options.consent?.(notice) ?? null);
    if (declined === null) this.consented = notice;
    if (notice.proposedBy !== self) {
      this.signaling.send(declined === null ? { type: 'accept', runId: notice.runId } : { type: 'decline', runId: notice.runId, reason: declined.slice(0, 500) });
    }
    this.emit('proposal', { notice, declined });
  }

  private onStart(notice: StartNotice): void {
    this.emit('start', notice);
    const self = this.id;
    if (this.options.role !== 'member' || !self || !this.mesh || !notice.members.includes(self)) return;
    if (this.runId === notice.runId) return;
    if (!consentedTo(this.consented, notice)) {
      this.options.log?.(`ignored the start of run ${notice.runId}: this node did not consent to it with these members, keys and params`);
      return;
    }
    this.runId = notice.runId;
    this.runKeys = new Map(notice.keys.map((key) => [key.id, key.fingerprint]));
    this.host.start(self, notice);
  }

  private onShape(notice: ShapeNotice): void {
    this.applyShape(notice);
    this.emit('shape', notice);
  }

  private applyShape(link: RosterLink): void {
    const self = this.id;
    if (!this.mesh || !self || !link.link.includes(self)) return;
    const peer = link.link[0] === self ? link.link[1] : link.link[0];
    this.host.shape(peer, { cut: link.cut, lossPercent: link.lossPercent, delayMs: link.delayMs });
  }

  /** Checks and passes on a member's snapshot; unchecked and dropped when nobody here draws it (a headless node). */
  private onTelemetry(from: MemberId, data: Record<string, unknown>): void {
    if (!this.has('telemetry')) return;
    const checked = checkTelemetryData(data, from);
    if (!checked.ok) {
      this.options.log?.(`telemetry from ${from} ignored: ${checked.reason}`);
      return;
    }
    this.emit('telemetry', { from, snapshot: checked.value.snapshot });
  }
}

/** The start is the run this node consented to: same id, members, keys and params. */
function consentedTo(proposal: ProposeNotice | null, start: StartNotice): boolean {
  if (!proposal || proposal.runId !== start.runId) return false;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  return same(proposal.members, start.members) && same(proposal.keys, start.keys) && same(proposal.params, start.params);
}
