// The WebRTC mesh: one simple-peer connection per pair of members, kept up while the run goes on.
// Each connection also carries a pre-negotiated frame channel, handed to whoever runs the protocol.
// Offers and answers are signed by their sender's key and checked against the key we hold for it.

import {
  checkSignalData,
  descriptionProofText,
  fingerprintOf,
  shortFingerprint,
  signText,
  verifyText,
  type IceServer,
  type Identity,
  type SignalData,
} from '../signaling';
import { compareIds, type MemberId } from '../core';
import { describeSelectedPair, statsEntries } from './candidate-pair';
import { isTcpCandidate } from './candidates';
import { Emitter } from './emitter';
import type { FrameChannel } from './frame-plane';
import type { SignalingClient } from './signaling-client';
import { systemTimers, type Timers } from './timers';

/** The signals one side of a connection hands the mesh to relay, and takes from the other side. */
export type MeshSignal = SignalData['signal'];

export interface MeshPeerOptions {
  /** The offerer (the lower id) or the answerer. */
  initiator: boolean;
  /** Trickle ICE: candidates travel one by one (always). */
  trickle: true;
  config: { iceServers: IceServer[] };
}

/**
 * One connection attempt as the mesh drives it: simple-peer's surface, which a simple-peer instance
 * (the browser's) and a NodePeer (headless nodes, src/net/node-peer.ts) both offer.
 */
export interface MeshPeer {
  signal(signal: MeshSignal): void;
  /** A signal to relay to the other side. */
  on(event: 'signal', listener: (signal: MeshSignal) => void): unknown;
  /** ICE connected (simple-peer: and its own channel open); 'close': the connection is gone. */
  on(event: 'connect' | 'close', listener: () => void): unknown;
  /** A message on simple-peer's own channel (a NodePeer has none). */
  on(event: 'data', listener: (data: Uint8Array) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'iceStateChange', listener: (state: string) => void): unknown;
  removeAllListeners(): unknown;
  destroy(): void;
  /** The underlying RTCPeerConnection (the frame channel and ICE stats come from it). */
  readonly _pc: RTCPeerConnection;
}

export type PeerFactory = (options: MeshPeerOptions) => MeshPeer;
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
  /** An offer or answer from `peer` was not signed by the key we hold for it; emitted once per peer and key. */
  refused: { peer: MemberId; reason: string };
}

/** The frame channel every connection carries: pre-negotiated, so both ends create it themselves. */
const FRAME_CHANNEL = { label: 'chatterbox-frames', id: 64 } as const;

export interface MeshOptions {
  self: MemberId;
  /** The room, part of what a description signs. */
  room: string;
  /** This node's key: it signs every offer and answer. */
  identity: Promise<Identity>;
  /**
   * The fingerprint a peer's descriptions must be signed with (its key in the run, else in the
   * roster), or null if none is known: then its descriptions are refused.
   */
  trustedKey: (peer: MemberId) => string | null;
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
  connection: MeshPeer | null;
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
  /** Outgoing signals wait here in order (descriptions are signed first, and candidates must not overtake them). */
  outbox: Promise<void>;
}

/**
 * Our attempts that may be connecting at once; further offers wait until one opens or fails. In a
 * 64-node cluster on two cores, offering to every peer at once left answers waiting so long for
 * the CPU that offers timed out and started over (BENCHMARKS.md, "Mesh formation").
 */
const MAX_OFFERS_CONNECTING = 8;
const RETRY_MS = 500;
const MAX_RETRY_MS = 5000;
/**
 * An attempt of ours whose frame channel has not opened after this long is given up and retried:
 * the offer or the answer was lost, or the other side gave the connection up while ours still
 * checked (in a 64-node cluster on two cores, answerers lost links to ICE failure while their
 * offerers never saw a state change, and waited for them forever). Signals travel over TCP and are
 * rarely lost; answers are often late: offers waited over 20 s for their answers there, and giving
 * them up sooner only added work.
 */
const ATTEMPT_TIMEOUT_MS = 60_000;
/** ICE `disconnected` is often transient (a busy CPU misses consent checks): wait this long for it to recover. */
const ICE_DISCONNECTED_GRACE_MS = 4000;

export class Mesh extends Emitter<MeshEvents> {
  private readonly links = new Map<MemberId, Link>();
  /** Incoming signals per sender, handled in order (descriptions are verified first). */
  private readonly inboxes = new Map<MemberId, Promise<void>>();
  /** "peer key" pairs already reported as refused. */
  private readonly refusals = new Set<string>();
  private destroyed = false;
  /** Links whose next attempt is ours to offer and waits (see offerNext), and offers waiting for their turn. */
  private readonly waitingToOffer: Link[] = [];
  private offersStarting = 0;
  /** Who waits for a turn to create a connection (see nextTurn), and the timer of the next turn. */
  private readonly waitingTurns: Array<() => void> = [];
  private turnTimer: unknown = null;
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
    if (this.turnTimer !== null) this.timers.clear(this.turnTimer);
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
      outbox: Promise.resolve(),
    };
    this.links.set(peer, link);
    this.emit('link', { peer, state: 'connecting' });
    if (link.initiator) this.queueOffer(link);
  }

  /** Queues a new attempt on `link` (ours to offer): it starts once few enough of our offers are still connecting. */
  private queueOffer(link: Link): void {
    if (!this.waitingToOffer.includes(link)) this.waitingToOffer.push(link);
    this.offerNext();
  }

  /**
   * Starts queued attempts while fewer than MAX_OFFERS_CONNECTING of ours are connecting, in the
   * order they were queued (peers by id: the first offers of a full room go to different peers).
   */
  private offerNext(): void {
    while (this.waitingToOffer.length > 0 && this.offersConnecting() + this.offersStarting < MAX_OFFERS_CONNECTING && !this.destroyed) {
      const link = this.waitingToOffer.shift()!;
      this.offersStarting += 1;
      void this.nextTurn().then(() => {
        this.offersStarting -= 1;
        if (this.links.get(link.peer) === link && !link.connection && link.state !== 'open') {
          this.connect(link, randomAttempt());
          this.setState(link, 'connecting');
        }
        this.offerNext();
      });
    }
  }

  /** Our attempts whose connection exists and has not opened yet. */
  private offersConnecting(): number {
    let count = 0;
    for (const link of this.links.values()) if (link.initiator && link.connection && link.state === 'connecting') count += 1;
    return count;
  }

  /**
   * Resolves at this node's next turn to create a connection: one per turn of the event loop, so a
   * roster naming 63 new members does not hold the thread for all 63 (creating a connection is a
   * blocking call into wrtc), and whatever else waits (another node's join in the same process,
   * signals to answer) gets its turn in between.
   */
  private nextTurn(): Promise<void> {
    return new Promise((resolve) => {
      this.waitingTurns.push(resolve);
      if (this.turnTimer === null) this.turnTimer = this.timers.set(() => this.giveTurn(), 0);
    });
  }

  private giveTurn(): void {
    this.turnTimer = null;
    this.waitingTurns.shift()?.();
    if (this.waitingTurns.length > 0 && !this.destroyed) this.turnTimer = this.timers.set(() => this.giveTurn(), 0);
  }

  private removeLink(peer: MemberId): void {
    const link = this.links.get(peer);
    if (!link) return;
    this.links.delete(peer);
    const waiting = this.waitingToOffer.indexOf(link);
    if (waiting >= 0) this.waitingToOffer.splice(waiting, 1);
    this.closeConnection(link);
    if (link.retryTimer) this.timers.clear(link.retryTimer);
    this.offerNext();
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
    connection.on('signal', (signal: MeshSignal) => {
      if (!isTcpCandidate(signal)) this.sendSignal(link, attempt, signal);
    });
    let warned = false;
    connection.on('data', () => {
      // Frames travel on the frame channel; the in-band channel only shows the connection is up.
      if (!warned) this.options.log?.(`mesh: ignored a message from ${link.peer} on the in-band channel (frames go on '${FRAME_CHANNEL.label}')`);
      warned = true;
    });
    connection.on('connect', () => this.logSelectedPair(link.peer, connection));
    connection.on('close', () => this.onLost(link, connection, 'closed'));
    connection.on('error', (error: Error) => this.onLost(link, connection, error.message));
    connection.on('iceStateChange', (state: string) => this.onIceState(link, connection, state));
    if (link.initiator) link.attemptTimer = this.timers.set(() => this.onLost(link, connection, `not open within ${ATTEMPT_TIMEOUT_MS / 1000} s`), ATTEMPT_TIMEOUT_MS);
  }

  /** Logs the candidate pair ICE chose: whether the link is direct or goes through a TURN relay. */
  private logSelectedPair(peer: MemberId, connection: MeshPeer): void {
    const log = this.options.log;
    if (!log) return;
    peerConnectionOf(connection)
      .getStats()
      .then(
        (report) => log(`mesh: link to ${peer} uses ${describeSelectedPair(statsEntries(report)) ?? 'a candidate pair the stats do not name'}`),
        (error: unknown) => log(`mesh: link to ${peer}: no ICE stats (${String(error)})`),
      );
  }

  /** ICE `failed` loses the link at once; `disconnected` only if it lasts (it often recovers by itself). */
  private onIceState(link: Link, connection: MeshPeer, state: string): void {
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

  /** Sends one step of an attempt, in order; an offer or answer goes signed (docs/SIGNALING.md, "Keys and proofs"). */
  private sendSignal(link: Link, attempt: number, signal: SignalData['signal']): void {
    if (signal.type !== 'offer' && signal.type !== 'answer' && signal.type !== 'candidate') {
      this.options.log?.(`mesh: did not send a ${JSON.stringify(signal.type)} signal to ${link.peer} (only offers, answers and candidates travel)`);
      return;
    }
    link.outbox = link.outbox
      .then(async () => {
        const data: SignalData = signal.type === 'candidate' ? { attempt, signal } : await this.signed(link.peer, attempt, signal);
        this.options.signaling.send({ type: 'signal', to: link.peer, data: data as unknown as Record<string, unknown> });
      })
      .catch((error: unknown) => this.options.log?.(`mesh: could not send a signal to ${link.peer}: ${String(error)}`));
  }

  private async signed(peer: MemberId, attempt: number, signal: Extract<SignalData['signal'], { sdp: string }>): Promise<SignalData> {
    const identity = await this.options.identity;
    const text = descriptionProofText(this.options.room, this.options.self, peer, attempt, signal.type, signal.sdp);
    return { attempt, signal, key: identity.key, sig: await signText(identity, text) };
  }

  /** Queues a signal from `from` behind its earlier ones (verifying a description takes a moment). */
  private onSignal(from: MemberId, data: Record<string, unknown>): void {
    const previous = this.inboxes.get(from) ?? Promise.resolve();
    const next = previous
      .then(() => this.handleSignal(from, data))
      .catch((error: unknown) => this.options.log?.(`mesh: failed to handle a signal from ${from}: ${String(error)}`));
    this.inboxes.set(from, next);
    void next.then(() => {
      if (this.inboxes.get(from) === next) this.inboxes.delete(from);
    });
  }

  private async handleSignal(from: MemberId, raw: Record<string, unknown>): Promise<void> {
    const ignore = (reason: string): void => this.options.log?.(`mesh: ignored a signal from ${from}: ${reason}`);
    const checked = checkSignalData(raw);
    if (!checked.ok) return ignore(checked.reason);
    const data = checked.value;
    if (!this.links.has(from)) return ignore('not a member of this room (yet)');
    if (data.signal.type !== 'candidate') {
      const refusal = await this.descriptionRefusal(from, data);
      if (refusal) return this.refuse(from, data.key!, refusal);
    }
    if (this.destroyed) return;
    if (this.startsConnection(from, data)) await this.nextTurn();
    if (this.destroyed) return;
    this.applySignal(from, data, ignore);
  }

  /** An offer of a new attempt from a peer we answer: applying it creates a connection. */
  private startsConnection(from: MemberId, data: SignalData): boolean {
    const link = this.links.get(from);
    return data.signal.type === 'offer' && link !== undefined && !link.initiator && data.attempt !== link.attempt;
  }

  /** Why a signed offer or answer from `from` is not to be trusted, or null if it is signed by the key we hold for it. */
  private async descriptionRefusal(from: MemberId, data: SignalData): Promise<string | null> {
    const signal = data.signal as Extract<SignalData['signal'], { sdp: string }>;
    const trusted = this.options.trustedKey(from);
    const fingerprint = await fingerprintOf(data.key!);
    if (trusted === null) return `its ${signal.type} came before we knew ${from}'s key`;
    if (fingerprint !== trusted) return `its ${signal.type} is signed by key ${shortFingerprint(fingerprint ?? '?')}…, but ${from}'s key is ${shortFingerprint(trusted)}…`;
    const text = descriptionProofText(this.options.room, from, this.options.self, data.attempt, signal.type, signal.sdp);
    return (await verifyText(data.key!, data.sig!, text)) ? null : `the signature of its ${signal.type} does not verify`;
  }

  /** Drops a description that failed its check, telling once per peer and key. */
  private refuse(from: MemberId, key: string, reason: string): void {
    this.options.log?.(`mesh: refused a connection from ${from}: ${reason}`);
    const seen = `${from} ${key}`;
    if (this.refusals.has(seen)) return;
    this.refusals.add(seen);
    this.emit('refused', { peer: from, reason });
  }

  private applySignal(from: MemberId, data: SignalData, ignore: (reason: string) => void): void {
    const link = this.links.get(from);
    const { attempt, signal } = data;
    if (!link) return ignore('not a member of this room (yet)');
    if (attempt !== link.attempt) {
      if (link.initiator && signal.type === 'offer') return ignore(`an offer, but ${this.options.self} offers on this link (its id sorts first)`);
      if (link.initiator) return ignore(`attempt ${attempt} is not the current one (${link.attempt})`);
      if (signal.type !== 'offer') return ignore(`attempt ${attempt} starts with ${JSON.stringify(signal.type)}, not an offer`);
      this.connect(link, attempt); // the initiator started over: follow it
    }
    try {
      link.connection?.signal(signal);
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
    if (link.attemptTimer) this.timers.clear(link.attemptTimer);
    link.attemptTimer = null;
    this.setState(link, 'open');
  }

  /** The protocol's side saw the frame channel of `attempt` close: the connection is lost. */
  channelLost(peer: MemberId, attempt: number, reason: string): void {
    const link = this.links.get(peer);
    if (link?.connection && link.attempt === attempt) this.onLost(link, link.connection, `frame channel ${reason}`);
  }

  /** ICE failure or close: the peer is lost; destroy it and try again while it is still a member. */
  private onLost(link: Link, connection: MeshPeer, reason: string): void {
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
      if (this.links.get(link.peer) === link && link.state !== 'open') this.queueOffer(link);
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
    if (link.initiator && state !== 'connecting') this.offerNext(); // one of ours is no longer connecting
  }
}

/** Creates the connection's frame channel (both ends do, with the same id: no in-band handshake). */
function openFrameChannel(connection: MeshPeer): FrameChannel {
  return peerConnectionOf(connection).createDataChannel(FRAME_CHANNEL.label, { negotiated: true, id: FRAME_CHANNEL.id, ordered: true }) as unknown as FrameChannel;
}

/** The connection's RTCPeerConnection (the browser's, or wrtc's in Node). */
function peerConnectionOf(connection: MeshPeer): RTCPeerConnection {
  return connection._pc;
}

function randomAttempt(): number {
  return Math.floor(Math.random() * 0xffffffff);
}
