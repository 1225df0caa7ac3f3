// The data plane: one pre-negotiated frame channel per peer, with fault injection, batching and
// backpressure. It runs wherever the protocol runs (a tab's worker, its main thread, a Node process).

import { framesIn, packFrames, type MemberId } from '../core';
import { Emitter } from './emitter';
import { LinkShaper } from './link-shaper';
import { systemTimers, type Timers } from './timers';

/** The part of RTCDataChannel the plane uses (browsers, workers and @roamhq/wrtc all have it). */
export interface FrameChannel {
  readonly readyState: string;
  readonly bufferedAmount: number;
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(): void;
}

export interface FramePlaneEvents extends Record<string, unknown> {
  frame: { from: MemberId; bytes: Uint8Array };
  /** A frame was not sent: the link is cut, lossy, down, or its queue is full. */
  dropped: { to: MemberId; reason: string };
  /** Frames to `to` left together as one batch message of `frames` frames. */
  batch: { to: MemberId; frames: number };
  /** A peer's frame channel opened. */
  open: { peer: MemberId; attempt: number };
  /** A peer's frame channel closed or failed while it was attached (the connection is gone). */
  lost: { peer: MemberId; attempt: number; reason: string };
}

export interface FramePlaneOptions {
  shaper?: LinkShaper;
  timers?: Timers;
  /** Pack the frames a node sends to one peer in one turn into one message (default true). */
  batching?: boolean;
}

interface Link {
  peer: MemberId;
  attempt: number;
  channel: FrameChannel;
  /**
   * Whether the channel is open, kept from its events: reading `readyState` is a synchronous call
   * into wrtc's signaling thread (measured: a fifth of a W = 1 node's CPU when read per frame).
   */
  open: boolean;
  /** Frames of this turn, sent together at the end of it. */
  outbox: Uint8Array[];
  /** Messages waiting for the channel to open or to drain (backpressure). */
  queue: Uint8Array[];
  /** Bytes written since bufferedAmount was last read (reading it is a slow native call in wrtc). */
  unchecked: number;
  flushTimer: unknown;
}

/** Above this many buffered bytes, frames wait in our own queue (data-channel backpressure). */
const HIGH_WATER_BYTES = 1 << 20;
/** bufferedAmount is read again after this many bytes were written. */
const CHECK_EVERY_BYTES = 64 * 1024;
/** Frames beyond this queue length are dropped; the protocol resends what matters. */
const MAX_QUEUE = 20_000;
/** How long a closing node keeps its channels open after its last frames left its buffers. */
const LINGER_MS = 250;

export class FramePlane extends Emitter<FramePlaneEvents> {
  readonly shaper: LinkShaper;
  private readonly links = new Map<MemberId, Link>();
  private readonly timers: Timers;

  constructor(private readonly options: FramePlaneOptions = {}) {
    super();
    this.shaper = options.shaper ?? new LinkShaper();
    this.timers = options.timers ?? systemTimers;
  }

  /** Takes over the frame channel of connection attempt `attempt` to `peer` (replacing an older one). */
  attach(peer: MemberId, attempt: number, channel: FrameChannel): void {
    this.detach(peer);
    channel.binaryType = 'arraybuffer';
    const link: Link = { peer, attempt, channel, open: channel.readyState === 'open', outbox: [], queue: [], unchecked: 0, flushTimer: null };
    this.links.set(peer, link);
    channel.onopen = () => {
      link.open = true;
      this.emit('open', { peer, attempt });
      this.flush(link);
    };
    channel.onmessage = (event) => this.onMessage(link, event.data);
    channel.onclose = () => this.onLost(link, 'closed');
    channel.onerror = () => this.onLost(link, 'failed');
  }

  /** Forgets a peer's channel (the connection to it was closed or replaced); returns whether it had one. */
  detach(peer: MemberId, attempt?: number): boolean {
    const link = this.links.get(peer);
    if (!link || (attempt !== undefined && link.attempt !== attempt)) return false;
    this.links.delete(peer);
    this.release(link);
    return true;
  }

  /** Sends one frame to a peer through the shaper, respecting backpressure. */
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
    const pending = (): boolean => [...this.links.values()].some((l) => l.queue.length > 0 || l.channel.bufferedAmount > 0);
    while (pending() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    // An empty buffer means the bytes reached the SCTP stack, not the wire: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, LINGER_MS));
  }

  /** Closes every channel. */
  destroy(): void {
    for (const peer of [...this.links.keys()]) this.detach(peer);
  }

  private onMessage(link: Link, data: unknown): void {
    if (this.links.get(link.peer) !== link || !this.shaper.incoming(link.peer)) return;
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (bytes === null) {
      this.emit('frame', { from: link.peer, bytes: new TextEncoder().encode(String(data)) });
      return;
    }
    this.emit('frame', { from: link.peer, bytes });
  }

  private onLost(link: Link, reason: string): void {
    if (this.links.get(link.peer) !== link) return;
    this.links.delete(link.peer);
    this.release(link);
    this.emit('lost', { peer: link.peer, attempt: link.attempt, reason });
  }

  private release(link: Link): void {
    if (link.flushTimer) this.timers.clear(link.flushTimer);
    link.flushTimer = null;
    link.outbox = [];
    link.queue = [];
    const channel = link.channel;
    channel.onopen = channel.onmessage = channel.onclose = null;
    channel.onerror = () => undefined;
    try {
      channel.close();
    } catch {
      // already closed with its connection
    }
  }

  /** Adds a frame to the link's outbox; the outbox goes out at the end of the current turn. */
  private transmit(to: MemberId, bytes: Uint8Array): void {
    const link = this.links.get(to);
    if (!link) {
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
    if (frames.length === 0 || this.links.get(link.peer) !== link) return;
    for (const message of packFrames(frames)) {
      if (frames.length > 1 && this.has('batch')) {
        const count = framesIn(message);
        if (count > 1) this.emit('batch', { to: link.peer, frames: count });
      }
      this.enqueue(link, message);
    }
  }

  /** Writes a message now, or queues it until the channel is open and below the high-water mark. */
  private enqueue(link: Link, message: Uint8Array): void {
    if (link.queue.length > 0 || !link.open || this.congested(link)) {
      if (link.queue.length >= MAX_QUEUE) {
        this.emit('dropped', { to: link.peer, reason: 'queue full' });
        return;
      }
      link.queue.push(message);
      if (link.open) this.scheduleFlush(link);
      return;
    }
    this.write(link, message);
  }

  private congested(link: Link): boolean {
    if (link.unchecked < CHECK_EVERY_BYTES) return false;
    const buffered = link.channel.bufferedAmount;
    if (buffered <= HIGH_WATER_BYTES) link.unchecked = 0;
    return buffered > HIGH_WATER_BYTES;
  }

  private write(link: Link, message: Uint8Array): void {
    link.unchecked += message.length;
    try {
      link.channel.send(message);
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
    if (this.links.get(link.peer) !== link || !link.open) return;
    while (link.queue.length > 0 && !this.congested(link)) this.write(link, link.queue.shift()!);
    if (link.queue.length > 0) this.scheduleFlush(link);
  }
}

/**
 * Runs a callback once the current turn is over: in Node after every I/O callback of this loop
 * iteration (setImmediate), so frames produced while handling several incoming messages leave as
 * one batch; in browsers and workers, where each message is its own task, at the end of the task.
 */
const endOfTurn: (callback: () => void) => void = typeof setImmediate === 'function' ? (callback) => setImmediate(callback) : queueMicrotask;
