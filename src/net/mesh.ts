// The WebRTC mesh: one simple-peer connection per pair of members, kept up while the run goes on.
// Each connection also carries a pre-negotiated frame channel, handed to whoever runs the protocol.

import type SimplePeer from 'simple-peer';
import { checkSignalData, type IceServer } from '../signaling';
import { compareIds, type MemberId } from '../core';
import { Emitter } from './emitter';
import type { FrameChannel } from './frame-plane';
import type { SignalingClient } from './signaling-client';
import { systemTimers, type Timers } from './timers';

export type PeerFactory = (options: SimplePeer.Options) => SimplePeer.Instance;
export type LinkState = 'connecting' | 'open' | 'lost';

export interface MeshEvents extends Record<string, unknown> {
  link: { peer: MemberId; state: LinkState };
  /**
   * A new connection attempt's frame channel, just created and not yet open. Listeners must take it
   * in the same task (a browser can transfer it to a worker only now).
   */
  channel: { peer: MemberId; attempt: number; channel: FrameChannel };
  /** The connection of this attempt is closed: its frame channel is gone with it. */
  closed: { peer: MemberId; attempt: number };
}

/** The frame channel every connection carries: pre-negotiated, so both ends create it themselves. */
const FRAME_CHANNEL = { label: 'chatterbox-frames', id: 64 } as const;

export interface MeshOptions {
  self: MemberId;
  signaling: SignalingClient;
  createPeer: PeerFactory;
  iceServers: IceServer[];
  /** Timers for reconnection (a hidden tab passes worker timers). */
  timers?: Timers;
  log?: (message: string) => void;
}

interface Link {
  peer: MemberId;
  initiator: boolean;
  connection: SimplePeer.Instance | null;
  /** Identifies one connection attempt; signals of older attempts are ignored. */
  attempt: number;
  state: LinkState;
  retryTimer: unknown;
  /** Gives up an attempt whose offer got no answer in time (the initiator then starts a new one). */
  attemptTimer: unknown;
  /** Running while ICE reports `disconnected`: the link is lost unless ICE recovers first. */
  graceTimer: unknown;
  /** The peer left the room's roster while its channel was open: kept until the channel closes. */
  leftRoom: boolean;
  failures: number;
}

const RETRY_MS = 500;
const MAX_RETRY_MS = 5000;
/**
 * An offer with no answer after this long is given up and retried (the offer or the answer was
 * lost). Once answered, the attempt is ICE's to finish or fail: a busy machine connects slowly.
 */
const ATTEMPT_TIMEOUT_MS = 20_000;
/** ICE `disconnected` is often transient (a busy CPU misses consent checks): wait this long for it to recover. */
const ICE_DISCONNECTED_GRACE_MS = 4000;

export class Mesh extends Emitter<MeshEvents> {
  private readonly links = new Map<MemberId, Link>();
  private destroyed = false;
  private readonly unsubscribe: () => void;
  private readonly timers: Timers;

  constructor(private readonly options: MeshOptions) {
    super();
    this.timers = options.timers ?? systemTimers;
    this.unsubscribe = options.signaling.on('signal', ({ from, data }) => this.onSignal(from, data));
  }

  /** Connects to every member of the room other than self and forgets those who left. */
  setMembers(members: readonly MemberId[]): void {
    if (this.destroyed) return;
    const wanted = new Set(members.filter((m) => m !== this.options.self));
    for (const [peer, link] of [...this.links]) if (!wanted.has(peer)) this.forget(link);
    for (const peer of wanted) {
      const link = this.links.get(peer);
      if (link) link.leftRoom = false;
      else this.addLink(peer);
    }
  }

  /**
   * A member left the roster. The data plane does not follow the roster: a link whose channel is
   * open stays (the member's signaling may only be reconnecting) until the channel itself closes.
   */
  private forget(link: Link): void {
    if (link.state === 'open') link.leftRoom = true;
    else this.removeLink(link.peer);
  }

  /** Peers with an open data channel. */
  connectedPeers(): MemberId[] {
    return [...this.links.values()].filter((l) => l.state === 'open').map((l) => l.peer).sort(compareIds);
  }

  linkState(peer: MemberId): LinkState | null {
    return this.links.get(peer)?.state ?? null;
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
      retryTimer: null,
      attemptTimer: null,
      graceTimer: null,
      leftRoom: false,
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
    this.emit('channel', { peer: link.peer, attempt, channel: openFrameChannel(connection) });
    connection.on('signal', (signal) => {
      this.options.signaling.send({ type: 'signal', to: link.peer, data: { attempt, signal: signal as unknown as Record<string, unknown> } });
    });
    let warned = false;
    connection.on('data', () => {
      // Frames travel on the frame channel; the in-band channel only shows the connection is up.
      if (!warned) this.options.log?.(`mesh: ignored a message from ${link.peer} on the in-band channel (frames go on '${FRAME_CHANNEL.label}')`);
      warned = true;
    });
    connection.on('close', () => this.onLost(link, connection, 'closed'));
    connection.on('error', (error: Error) => this.onLost(link, connection, error.message));
    connection.on('iceStateChange', (state: string) => this.onIceState(link, connection, state));
    if (link.initiator) link.attemptTimer = this.timers.set(() => this.onLost(link, connection, `no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`), ATTEMPT_TIMEOUT_MS);
  }

  /** ICE `failed` loses the link at once; `disconnected` only if it lasts (it often recovers by itself). */
  private onIceState(link: Link, connection: SimplePeer.Instance, state: string): void {
    if (link.connection !== connection) return;
    if (state === 'failed') {
      this.onLost(link, connection, 'ICE failed');
    } else if (state === 'disconnected' && !link.graceTimer) {
      link.graceTimer = this.timers.set(() => this.onLost(link, connection, `ICE disconnected for ${ICE_DISCONNECTED_GRACE_MS / 1000} s`), ICE_DISCONNECTED_GRACE_MS);
    } else if ((state === 'connected' || state === 'completed') && link.graceTimer) {
      this.timers.clear(link.graceTimer);
      link.graceTimer = null;
    }
  }

  private onSignal(from: MemberId, data: Record<string, unknown>): void {
    const link = this.links.get(from);
    const ignore = (reason: string): void => this.options.log?.(`mesh: ignored a signal from ${from}: ${reason}`);
    if (!link) return ignore('not a member of this room (yet)');
    const checked = checkSignalData(data);
    if (!checked.ok) return ignore(checked.reason);
    const { attempt, signal } = checked.value;
    if (attempt !== link.attempt) {
      const type = signal.type;
      if (link.initiator && type === 'offer') return ignore(`an offer, but ${this.options.self} offers on this link (its id sorts first)`);
      if (link.initiator) return ignore(`attempt ${attempt} is not the current one (${link.attempt})`);
      if (type !== 'offer') return ignore(`attempt ${attempt} starts with ${JSON.stringify(type)}, not an offer`);
      this.connect(link, attempt); // the initiator started over: follow it
    }
    if (link.initiator && link.attemptTimer) {
      this.timers.clear(link.attemptTimer); // answered
      link.attemptTimer = null;
    }
    try {
      link.connection?.signal(signal as SimplePeer.SignalData);
    } catch (error) {
      ignore(`not a valid offer, answer or candidate (${String(error)})`);
    }
  }

  /**
   * The frame channel of `attempt` opened where the protocol runs: the link is up. (simple-peer's
   * own 'connect' comes later: it first polls getStats for the selected candidate pair, which in
   * wrtc takes hundreds of ms per call once a process holds a few dozen connections.)
   */
  channelOpen(peer: MemberId, attempt: number): void {
    const link = this.links.get(peer);
    if (!link?.connection || link.attempt !== attempt) return;
    link.failures = 0;
    this.setState(link, 'open');
  }

  /** The protocol's side saw the frame channel of `attempt` close: the connection is lost. */
  channelLost(peer: MemberId, attempt: number, reason: string): void {
    const link = this.links.get(peer);
    if (link?.connection && link.attempt === attempt) this.onLost(link, link.connection, `frame channel ${reason}`);
  }

  /** ICE failure or close: the peer is lost; destroy it and try again while it is still a member. */
  private onLost(link: Link, connection: SimplePeer.Instance, reason: string): void {
    if (link.connection !== connection || this.destroyed) return;
    this.options.log?.(`mesh: link to ${link.peer} lost (${reason})`);
    this.closeConnection(link);
    this.setState(link, 'lost');
    if (link.leftRoom) {
      this.removeLink(link.peer); // it left the room, and now its channel is gone too
      return;
    }
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
    for (const timer of [link.attemptTimer, link.graceTimer]) if (timer) this.timers.clear(timer);
    link.attemptTimer = link.graceTimer = null;
    if (connection) {
      this.emit('closed', { peer: link.peer, attempt: link.attempt });
      connection.removeAllListeners();
      connection.on('error', () => undefined);
      connection.destroy();
    }
  }

  private setState(link: Link, state: LinkState): void {
    if (link.state === state) return;
    link.state = state;
    this.emit('link', { peer: link.peer, state });
  }
}

/** Creates the connection's frame channel (both ends do, with the same id: no in-band handshake). */
function openFrameChannel(connection: SimplePeer.Instance): FrameChannel {
  const pc = (connection as unknown as { _pc: RTCPeerConnection })._pc;
  return pc.createDataChannel(FRAME_CHANNEL.label, { negotiated: true, id: FRAME_CHANNEL.id, ordered: true }) as unknown as FrameChannel;
}

function randomAttempt(): number {
  return Math.floor(Math.random() * 0xffffffff);
}
