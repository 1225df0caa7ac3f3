// A node's session in a room: signaling, the WebRTC mesh and one runtime per run, wired together.
// The CLI's headless nodes and the browser tabs both run exactly this.

import type { IceServer, RosterMessage, Role, StartNotice, ShapeNotice, RosterLink } from '../../signaling-server/protocol';
import { compareIds, type MemberId, type RunParams } from '../core';
import { Emitter } from '../net/emitter';
import { Mesh, type LinkState, type PeerFactory } from '../net/mesh';
import { SignalingClient, type SignalingStatus, type WebSocketFactory } from '../net/signaling-client';
import { systemTimers, type Timers } from '../net/timers';
import { NodeRuntime } from './runtime';
import { isNodeSnapshotOf, snapshotNode, type NodeSnapshot } from './snapshot';

export interface SessionOptions {
  signalUrl: string;
  room: string;
  role: Role;
  id?: MemberId;
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
  log?: (message: string) => void;
}

export interface SessionEvents extends Record<string, unknown> {
  status: SignalingStatus;
  welcome: { id: MemberId };
  roster: RosterMessage;
  /** A run started that this node is a member of: its runtime is ready and running. */
  run: { runtime: NodeRuntime; notice: StartNotice };
  /** A run started in the room (also for observers and non-members). */
  start: StartNotice;
  link: { peer: MemberId; state: LinkState };
  shape: RosterLink;
  telemetry: { from: MemberId; snapshot: NodeSnapshot };
  error: { code: string; message: string };
}

export class Session extends Emitter<SessionEvents> {
  readonly signaling: SignalingClient;
  mesh: Mesh | null = null;
  runtime: NodeRuntime | null = null;
  roster: RosterMessage | null = null;
  private readonly timers: Timers;
  private telemetryTimer: unknown = null;

  constructor(private readonly options: SessionOptions) {
    super();
    this.timers = options.timers ?? systemTimers;
    this.signaling = new SignalingClient({ url: options.signalUrl, room: options.room, role: options.role, id: options.id, connect: options.connect, log: options.log });
    this.signaling.on('status', (status) => this.emit('status', status));
    this.signaling.on('welcome', ({ id, iceServers }) => this.onWelcome(id, iceServers));
    this.signaling.on('roster', (roster) => this.onRoster(roster));
    this.signaling.on('start', (notice) => this.onStart(notice));
    this.signaling.on('shape', (notice) => this.onShape(notice));
    this.signaling.on('telemetry', ({ from, data }) => this.onTelemetry(from, data));
    this.signaling.on('error', (error) => this.emit('error', error));
  }

  get id(): MemberId | null {
    return this.signaling.id;
  }

  get role(): Role {
    return this.options.role;
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

  /** Lets frames already sent (a RESULT, say) leave before closing; for processes about to exit. */
  async closeGracefully(): Promise<void> {
    await this.mesh?.drain();
    this.close();
  }

  close(): void {
    if (this.telemetryTimer) this.timers.clear(this.telemetryTimer);
    this.telemetryTimer = null;
    this.runtime?.dispose();
    this.mesh?.destroy();
    this.signaling.close();
  }

  private onWelcome(id: MemberId, serverIce: IceServer[]): void {
    this.emit('welcome', { id });
    if (this.options.role !== 'member') return;
    if (!this.mesh) this.createMesh(id, [...(this.options.iceServers ?? []), ...serverIce]);
    this.reportPeers();
  }

  private createMesh(self: MemberId, iceServers: IceServer[]): void {
    const mesh = new Mesh({ self, signaling: this.signaling, createPeer: this.options.createPeer, iceServers, timers: this.timers, batching: this.options.batching, log: this.options.log });
    mesh.on('frame', ({ from, bytes }) => this.runtime?.receive(from, bytes));
    mesh.on('link', (change) => {
      this.reportPeers();
      this.emit('link', change);
    });
    this.mesh = mesh;
    if (this.roster) this.onRoster(this.roster);
  }

  private onRoster(roster: RosterMessage): void {
    this.roster = roster;
    if (this.mesh && this.id) {
      this.mesh.setMembers(roster.members.map((m) => m.id));
      for (const link of roster.links) this.applyShape(link);
    }
    this.emit('roster', roster);
  }

  private reportPeers(): void {
    if (this.mesh) this.signaling.send({ type: 'peers', connected: this.mesh.connectedPeers() });
  }

  private onStart(notice: StartNotice): void {
    this.emit('start', notice);
    const self = this.id;
    if (this.options.role !== 'member' || !self || !this.mesh || !notice.members.includes(self)) return;
    if (this.runtime && this.runtime.run?.runId === notice.runId) return;
    this.runtime?.dispose();
    const mesh = this.mesh;
    const runtime = new NodeRuntime({ self, sink: { send: (to, bytes) => mesh.send(to, bytes) }, clock: this.options.clock, timers: this.timers });
    this.runtime = runtime;
    this.emit('run', { runtime, notice });
    const publish = this.scheduleTelemetry(runtime);
    runtime.on('phase', ({ phase }) => {
      if (phase !== 'done') return;
      publish();
      this.signaling.send({ type: 'finished', runId: notice.runId });
    });
    runtime.start({ runId: notice.runId, run: notice.run, members: notice.members, params: notice.params });
  }

  private onShape(notice: ShapeNotice): void {
    this.applyShape(notice);
    this.emit('shape', notice);
  }

  private applyShape(link: RosterLink): void {
    const self = this.id;
    if (!this.mesh || !self || !link.link.includes(self)) return;
    const peer = link.link[0] === self ? link.link[1] : link.link[0];
    this.mesh.shaper.set(peer, { cut: link.cut, lossPercent: link.lossPercent, delayMs: link.delayMs });
  }

  private onTelemetry(from: MemberId, data: Record<string, unknown>): void {
    const snapshot = data.snapshot;
    if (!isNodeSnapshotOf(snapshot, from)) {
      this.options.log?.(`telemetry from ${from} ignored: not a well-formed snapshot`);
      return;
    }
    this.emit('telemetry', { from, snapshot });
  }

  /** Publishes this node's snapshot to the room while the run is on; returns the publisher (for the last one, at the end). */
  private scheduleTelemetry(runtime: NodeRuntime): () => void {
    const period = this.options.telemetryMs ?? 250;
    if (this.telemetryTimer) this.timers.clear(this.telemetryTimer);
    const publish = (): void => {
      if (this.runtime !== runtime || period <= 0) return;
      const snapshot: NodeSnapshot = { ...snapshotNode(runtime.state), rttMs: roundedRtts(runtime.rttMs) };
      this.signaling.send({ type: 'telemetry', data: { snapshot: snapshot as unknown as Record<string, unknown> } });
      if (runtime.state.phase !== 'done') this.telemetryTimer = this.timers.set(publish, period);
    };
    if (period > 0) this.telemetryTimer = this.timers.set(publish, period);
    return publish;
  }
}

/** Round trips in ms with two decimals: enough for a label, small on the wire. */
function roundedRtts(rtts: ReadonlyMap<MemberId, number>): Record<MemberId, number> {
  const table: Record<MemberId, number> = {};
  for (const [peer, ms] of rtts) table[peer] = Math.round(ms * 100) / 100;
  return table;
}
