// The WebRTC mesh: one simple-peer data channel per pair of members, kept up while the run goes on.

import type SimplePeer from 'simple-peer';
import type { IceServer } from '../../signaling-server/protocol';
import { compareIds, packFrames, type MemberId } from '../core';
import { Emitter } from './emitter';
import { LinkShaper } from './link-shaper';
import type { SignalingClient } from './signaling-client';
import { systemTimers, type Timers } from './timers';

export type PeerFactory = (options: SimplePeer.Options) => SimplePeer.Instance;
export type LinkState = 'connecting' | 'open' | 'lost';

export interface MeshEvents extends Record<string, unknown> {
  frame: { from: MemberId; bytes: Uint8Array };
  link: { peer: MemberId; state: LinkState };
  /** A frame was not sent: the link is cut, lossy, down, or its queue is full. */
  dropped: { to: MemberId; reason: string };
}

export interface MeshOptions {
  self: MemberId;
  signaling: SignalingClient;
  createPeer: PeerFactory;
  iceServers: IceServer[];
  shaper?: LinkShaper;
  /** Timers for link delay, backpressure and reconnection (a hidden tab passes worker timers). */
  timers?: Timers;
  /** Pack the frames a node sends to one peer in one turn into one message (default true). */
  batching?: boolean;
  log?: (message: string) => void;
}

interface Link {
  peer: MemberId;
  initiator: boolean;
  connection: SimplePeer.Instance | null;
  /** Identifies one connection attempt; signals of older attempts are ignored. */
  attempt: number;
  state: LinkState;
  /** Frames of this turn, sent together at the end of it. */
  outbox: Uint8Array[];
  /** Messages waiting for the data channel to drain (backpressure). */
  queue: Uint8Array[];
  /** Bytes written since bufferedAmount was last read (reading it is a slow native call). */
  unchecked: number;
  flushTimer: unknown;
  retryTimer: unknown;
  failures: number;
}

/** Above this many buffered bytes, frames wait in our own queue (data-channel backpressure). */
const HIGH_WATER_BYTES = 1 << 20;
/** bufferedAmount is read again after this many bytes were written (each read crosses threads in wrtc). */
const CHECK_EVERY_BYTES = 64 * 1024;
/** Frames beyond this queue length are dropped; the protocol resends what matters. */
const MAX_QUEUE = 20_000;
const RETRY_MS = 500;
/** How long a closing node keeps its channels open after its last frames left its buffers. */
const LINGER_MS = 250;
const MAX_RETRY_MS = 5000;

export class Mesh extends Emitter<MeshEvents> {
  readonly shaper: LinkShaper;
  private readonly links = new Map<MemberId, Link>();
  private destroyed = false;
  private readonly unsubscribe: () => void;
  private readonly timers: Timers;

  constructor(private readonly options: MeshOptions) {
    super();
    this.shaper = options.shaper ?? new LinkShaper();
    this.timers = options.timers ?? systemTimers;
    this.unsubscribe = options.signaling.on('signal', ({ from, data }) => this.onSignal(from, data));
  }

  /** Connects to every member of the room other than self and forgets those who left. */
  setMembers(members: readonly MemberId[]): void {
    if (this.destroyed) return;
    const wanted = new Set(members.filter((m) => m !== this.options.self));
    for (const peer of [...this.links.keys()]) if (!wanted.has(peer)) this.removeLink(peer);
    for (const peer of wanted) if (!this.links.has(peer)) this.addLink(peer);
  }

  /** Peers with an open data channel. */
  connectedPeers(): MemberId[] {
    return [...this.links.values()].filter((l) => l.state === 'open').map((l) => l.peer).sort(compareIds);
  }

  linkState(peer: MemberId): LinkState | null {
    return this.links.get(peer)?.state ?? null;
  }

  /** Sends one frame to a peer through the shaper, respecting data-channel backpressure. */
  send(to: MemberId, bytes: Uint8Array): void {
    const decision = this.shaper.outgoing(to);
    if (decision.action === 'drop') {
      this.emit('dropped', { to, reason: decision.reason });
      return;
    }
    if (decision.delayMs > 0) this.timers.set(() => this.transmit(to, bytes), decision.delayMs);
    else this.transmit(to, bytes);
  }

  /** Sends what is still in the outboxes and waits (at most `timeoutMs`) until the channels have sent it. */
  async drain(timeoutMs = 500): Promise<void> {
    for (const link of this.links.values()) {
      this.sendOutbox(link);
      this.flush(link);
    }
    const deadline = Date.now() + timeoutMs;
    const pending = (): boolean => [...this.links.values()].some((l) => l.queue.length > 0 || (l.connection !== null && bufferedAmount(l.connection) > 0));
    while (pending() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    // An empty buffer means the bytes reached the SCTP stack, not the wire: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, LINGER_MS));
  }

  /** Destroys every peer connection (wrtc can crash at exit otherwise). */
  destroy(): void {
    this.destroyed = true;
    this.unsubscribe();
    for (const peer of [...this.links.keys()]) this.removeLink(peer);
  }

  private addLink(peer: MemberId): void {
    const link: Link = {
      peer,
      initiator: compareIds(this.options.self, peer) < 0,
      connection: null,
      attempt: 0,
      state: 'connecting',
      outbox: [],
      queue: [],
      unchecked: 0,
      flushTimer: null,
      retryTimer: null,
      failures: 0,
    };
    this.links.set(peer, link);
    this.emit('link', { peer, state: 'connecting' });
    if (link.initiator) this.connect(link, randomAttempt());
  }

  private removeLink(peer: MemberId): void {
    const link = this.links.get(peer);
    if (!link) return;
    this.links.delete(peer);
    this.closeConnection(link);
    if (link.retryTimer) this.timers.clear(link.retryTimer);
  }

  /** Starts connection attempt `attempt` (the initiator picks it; the other side follows). */
  private connect(link: Link, attempt: number): void {
    this.closeConnection(link);
    link.attempt = attempt;
    const connection = this.options.createPeer({
      initiator: link.initiator,
      trickle: true,
      config: { iceServers: this.options.iceServers },
    });
    link.connection = connection;
    connection.on('signal', (signal) => {
      this.options.signaling.send({ type: 'signal', to: link.peer, data: { attempt, signal: signal as unknown as Record<string, unknown> } });
    });
    connection.on('connect', () => this.onOpen(link, connection));
    connection.on('data', (data: Uint8Array) => this.onData(link, connection, data));
    connection.on('close', () => this.onLost(link, connection, 'closed'));
    connection.on('error', (error: Error) => this.onLost(link, connection, error.message));
    connection.on('iceStateChange', (state: string) => {
      if (state === 'failed' || state === 'disconnected') this.onLost(link, connection, `ICE ${state}`);
    });
  }

  private onSignal(from: MemberId, data: Record<string, unknown>): void {
    const link = this.links.get(from);
    const attempt = data.attempt;
    if (!link || typeof attempt !== 'number' || typeof data.signal !== 'object' || data.signal === null) return;
    if (attempt !== link.attempt) {
      if (link.initiator) return; // a stale answer or candidate of an attempt we gave up
      this.connect(link, attempt); // the initiator started over: follow it
    }
    try {
      link.connection?.signal(data.signal as SimplePeer.SignalData);
    } catch (error) {
      this.options.log?.(`mesh: bad signal from ${from}: ${String(error)}`);
    }
  }

  private onOpen(link: Link, connection: SimplePeer.Instance): void {
    if (link.connection !== connection) return;
    link.failures = 0;
    this.setState(link, 'open');
    this.flush(link);
  }

  private onData(link: Link, connection: SimplePeer.Instance, data: Uint8Array): void {
    if (link.connection !== connection || !this.shaper.incoming(link.peer)) return;
    this.emit('frame', { from: link.peer, bytes: data });
  }

  /** ICE failure or close: the peer is lost; destroy it and try again while it is still a member. */
  private onLost(link: Link, connection: SimplePeer.Instance, reason: string): void {
    if (link.connection !== connection || this.destroyed) return;
    this.options.log?.(`mesh: link to ${link.peer} lost (${reason})`);
    this.closeConnection(link);
    this.setState(link, 'lost');
    if (!link.initiator || !this.links.has(link.peer)) return;
    const delay = Math.min(MAX_RETRY_MS, RETRY_MS * 2 ** link.failures);
    link.failures += 1;
    link.retryTimer = this.timers.set(() => {
      link.retryTimer = null;
      if (this.links.get(link.peer) === link && link.state !== 'open') {
        this.setState(link, 'connecting');
        this.connect(link, randomAttempt());
      }
    }, delay);
  }

  private closeConnection(link: Link): void {
    const connection = link.connection;
    link.connection = null;
    link.outbox = [];
    link.queue = [];
    if (link.flushTimer) this.timers.clear(link.flushTimer);
    link.flushTimer = null;
    if (connection) {
      connection.removeAllListeners();
      connection.on('error', () => undefined);
      connection.destroy();
    }
  }

  /** Adds a frame to the link's outbox; the outbox goes out at the end of the current turn. */
  private transmit(to: MemberId, bytes: Uint8Array): void {
    const link = this.links.get(to);
    if (!link || link.state !== 'open' || !link.connection) {
      this.emit('dropped', { to, reason: 'link down' });
      return;
    }
    if (this.options.batching === false) {
      this.enqueue(link, bytes);
      return;
    }
    link.outbox.push(bytes);
    if (link.outbox.length === 1) endOfTurn(() => this.sendOutbox(link));
  }

  private sendOutbox(link: Link): void {
    const frames = link.outbox;
    link.outbox = [];
    if (frames.length === 0 || !link.connection) return;
    for (const message of packFrames(frames)) this.enqueue(link, message);
  }

  /** Writes a message now, or queues it while the data channel's buffer is above the high-water mark. */
  private enqueue(link: Link, message: Uint8Array): void {
    if (link.queue.length > 0 || this.congested(link)) {
      if (link.queue.length >= MAX_QUEUE) {
        this.emit('dropped', { to: link.peer, reason: 'queue full' });
        return;
      }
      link.queue.push(message);
      this.scheduleFlush(link);
      return;
    }
    this.write(link, message);
  }

  private congested(link: Link): boolean {
    if (link.unchecked < CHECK_EVERY_BYTES) return false;
    const buffered = bufferedAmount(link.connection!);
    if (buffered <= HIGH_WATER_BYTES) link.unchecked = 0;
    return buffered > HIGH_WATER_BYTES;
  }

  private write(link: Link, message: Uint8Array): void {
    link.unchecked += message.length;
    try {
      link.connection!.send(message);
    } catch (error) {
      this.emit('dropped', { to: link.peer, reason: `send failed: ${String(error)}` });
    }
  }

  private scheduleFlush(link: Link): void {
    if (link.flushTimer) return;
    link.flushTimer = this.timers.set(() => {
      link.flushTimer = null;
      this.flush(link);
    }, 2);
  }

  private flush(link: Link): void {
    while (link.queue.length > 0 && link.connection && !this.congested(link)) {
      this.write(link, link.queue.shift()!);
    }
    if (link.queue.length > 0) this.scheduleFlush(link);
  }

  private setState(link: Link, state: LinkState): void {
    if (link.state === state) return;
    link.state = state;
    this.emit('link', { peer: link.peer, state });
  }
}

function bufferedAmount(connection: SimplePeer.Instance): number {
  const channel = (connection as unknown as { _channel?: { bufferedAmount?: number } })._channel;
  return channel?.bufferedAmount ?? 0;
}

/**
 * Runs a callback once the current turn is over: in Node after every I/O callback of this loop
 * iteration (setImmediate), so frames produced while handling several incoming messages leave as
 * one batch; in the browser, where each message is its own task, at the end of the task.
 */
const endOfTurn: (callback: () => void) => void = typeof setImmediate === 'function' ? (callback) => setImmediate(callback) : queueMicrotask;

function randomAttempt(): number {
  return Math.floor(Math.random() * 0xffffffff);
}
