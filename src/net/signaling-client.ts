// Signaling client: joins a room on the signaling server over WebSocket, proving its key, and
// reconnects when it drops (or when its id is held by another key: it tries again later).

import {
  joinProofText,
  parseServerMessage,
  signText,
  type CancelledNotice,
  type ClientMessage,
  type IceServer,
  type Identity,
  type ProposeNotice,
  type Role,
  type RosterMessage,
  type ServerMessage,
  type ShapeNotice,
  type StartNotice,
  type TraceGetNotice,
  type TracePartNotice,
} from '../signaling';
import type { MemberId } from '../core';
import { Emitter } from './emitter';

/** The WebSocket API both the browser's WebSocket and the `ws` package provide. */
export interface WebSocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export type SignalingStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SignalingEvents extends Record<string, unknown> {
  status: SignalingStatus;
  welcome: { id: MemberId; iceServers: IceServer[] };
  roster: RosterMessage;
  signal: { from: MemberId; data: Record<string, unknown> };
  propose: ProposeNotice;
  cancelled: CancelledNotice;
  start: StartNotice;
  shape: ShapeNotice;
  telemetry: { from: MemberId; data: Record<string, unknown> };
  'trace-get': TraceGetNotice;
  'trace-part': TracePartNotice;
  error: { code: string; message: string };
}

export interface SignalingOptions {
  url: string;
  room: string;
  role: Role;
  id?: MemberId;
  /** The key this client proves when it joins (docs/SIGNALING.md, "Keys and proofs"). */
  identity: Promise<Identity>;
  /** The room's secret, if it has one. */
  secret?: string;
  /** Whether the server should relay other members' telemetry to this client (default true). */
  watchTelemetry?: boolean;
  connect: WebSocketFactory;
  /** Keep reconnecting after the connection drops (default true). */
  reconnect?: boolean;
  log?: (message: string) => void;
}

const OPEN = 1;
const MAX_BACKOFF_MS = 5000;

export class SignalingClient extends Emitter<SignalingEvents> {
  status: SignalingStatus = 'connecting';
  id: MemberId | null;
  private socket: WebSocketLike | null = null;
  private attempts = 0;
  private closedByUs = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: SignalingOptions) {
    super();
    this.id = options.id ?? null;
    this.open();
  }

  /** Sends a message if connected; returns false when it could not be sent. */
  send(message: ClientMessage): boolean {
    if (!this.socket || this.socket.readyState !== OPEN || this.status !== 'open') return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  close(): void {
    this.closedByUs = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'bye');
    this.setStatus('closed');
  }

  private open(): void {
    let socket: WebSocketLike;
    try {
      socket = this.options.connect(this.options.url);
    } catch (error) {
      this.options.log?.(`signaling: cannot open ${this.options.url}: ${String(error)}`);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => undefined; // the server speaks first: hello
    socket.onmessage = (event) => this.onMessage(socket, event.data);
    socket.onerror = () => undefined; // the close event follows and carries what we need
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.closedByUs) this.options.log?.(`signaling: connection closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`);
      this.scheduleReconnect();
    };
  }

  /** Answers the server's hello with a join that signs its nonce; the same key takes our id back. */
  private async join(socket: WebSocketLike, nonce: string): Promise<void> {
    const { room, role } = this.options;
    const identity = await this.options.identity;
    const sig = await signText(identity, joinProofText(nonce, room));
    if (this.socket !== socket || socket.readyState !== OPEN) return;
    const secret = this.options.secret === undefined ? {} : { secret: this.options.secret };
    const telemetry = this.options.watchTelemetry === false ? { telemetry: false } : {};
    const join: ClientMessage = { type: 'join', room, role, ...(this.id ? { id: this.id } : {}), key: identity.key, sig, ...secret, ...telemetry };
    socket.send(JSON.stringify(join));
  }

  private onMessage(socket: WebSocketLike, data: unknown): void {
    if (typeof data !== 'string') {
      this.options.log?.('signaling: ignored a binary message from the server (messages are JSON text)');
      return;
    }
    const parsed = parseServerMessage(data);
    if (!parsed.ok) {
      this.options.log?.(`signaling: ignored a message from the server: ${parsed.reason}`);
      return;
    }
    this.dispatch(socket, parsed.value);
  }

  private dispatch(socket: WebSocketLike, message: ServerMessage): void {
    switch (message.type) {
      case 'hello':
        this.join(socket, message.nonce).catch((error: unknown) => this.options.log?.(`signaling: cannot sign the join: ${String(error)}`));
        break;
      case 'welcome':
        this.id = message.id;
        this.attempts = 0;
        this.setStatus('open');
        this.emit('welcome', { id: message.id, iceServers: message.iceServers ?? [] });
        break;
      case 'roster':
        this.emit('roster', message);
        break;
      case 'signal':
        this.emit('signal', { from: message.from, data: message.data });
        break;
      case 'propose':
        this.emit('propose', message);
        break;
      case 'cancelled':
        this.emit('cancelled', message);
        break;
      case 'start':
        this.emit('start', message);
        break;
      case 'shape':
        this.emit('shape', message);
        break;
      case 'telemetry':
        this.emit('telemetry', { from: message.from, data: message.data });
        break;
      case 'trace-get':
      case 'trace-part':
        this.emit(message.type, message);
        break;
      case 'error':
        this.emit('error', { code: message.code, message: message.message });
        if (message.code === 'duplicate-id' && this.status !== 'open') this.retryLater(socket);
        break;
      case 'pong':
        break;
    }
  }

  /** Our id is held by another key (an impostor, or our own old key): close and try again later. */
  private retryLater(socket: WebSocketLike): void {
    if (this.socket !== socket) return;
    this.socket = null;
    socket.close(1000, 'id held by another key');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closedByUs || this.options.reconnect === false) {
      this.setStatus('closed');
      return;
    }
    this.setStatus('reconnecting');
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.attempts);
    this.attempts += 1;
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private setStatus(status: SignalingStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }
}
