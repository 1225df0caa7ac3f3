// The signaling server: one HTTP port serving the built web app, /healthz, and WebSocket signaling rooms.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  fingerprintOf,
  joinProofText,
  parseClientMessage,
  PROPOSAL_ANSWER_MS,
  verifyText,
  type AcceptMessage,
  type DeclineMessage,
  type ClientMessage,
  type ErrorCode,
  type IceServer,
  type JoinMessage,
  type LinkShape,
  type PeersMessage,
  type ServerMessage,
  type ShapeMessage,
  type SignalMessage,
  type StartMessage,
  type TelemetryMessage,
  type FinishedMessage,
  type TraceGetMessage,
  type TracePartMessage,
  type ProtocolError,
} from '../src/signaling';
import { Budget, RateLimiter } from './rate-limit';
import { RoomRegistry, type Participant, type Room } from './rooms';
import { createStaticHandler, sendText, type StaticHandler } from './static-files';

export interface SignalingServerOptions {
  /** Port to listen on; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1 (local only). */
  host?: string;
  /** Directory of a built web app to serve over HTTP. */
  staticDir?: string;
  /** Browser origins allowed to open a WebSocket (e.g. "http://localhost:8787"); absent = any. */
  allowedOrigins?: readonly string[];
  /** Largest accepted frame in bytes; larger frames close that socket (1009). Default 64 KiB. */
  maxPayload?: number;
  maxMembersPerRoom?: number;
  maxObserversPerRoom?: number;
  maxRooms?: number;
  /** Messages per second per socket (token bucket with two seconds of burst). Default 200. */
  rateLimitPerSecond?: number;
  /** Interval of WebSocket pings; a socket that missed the previous pong is terminated. Default 30 s. */
  pingIntervalMs?: number;
  /** A socket that has not joined a room this long after opening is closed (1008). Default 10 s. */
  joinTimeoutMs?: number;
  /** Open sockets one network address may hold; more are refused at the upgrade (429). Default 128. */
  maxSocketsPerAddress?: number;
  /** Rooms one network address may have created that still exist (too-many-rooms). Default 32. */
  maxRoomsPerAddress?: number;
  /** Roster broadcasts per room per second; changes in between are coalesced. Default 10. */
  rostersPerSecond?: number;
  /** Telemetry relayed per member per second (2 s of burst); the excess is dropped. Default 5. */
  telemetryPerSecond?: number;
  /** How often the count of dropped telemetry is logged at most. Default 10 s. */
  dropLogIntervalMs?: number;
  /** How long the members a proposed run names have to accept it. Default 5 s. */
  proposalAnswerMs?: number;
  /** ICE servers handed to every client in its welcome. */
  iceServers?: IceServer[];
  log?: (line: string) => void;
}

export interface SignalingServer {
  port: number;
  /** WebSocket URL of the server, e.g. ws://127.0.0.1:8787 */
  url: string;
  /** Closes every socket (1001), stops the timers and the HTTP server. */
  close(): Promise<void>;
  /**
   * Fault injection by whoever embeds the server (`chatterbox cluster --external`): shapes a link in
   * `room` exactly as member `as` would with a `shape` message (same checks, same relay, same
   * roster). Returns why it was refused, or null.
   */
  shapeLinkAs(room: string, as: string, shape: LinkShape): string | null;
}

interface ServerConfig {
  port: number;
  host: string;
  maxPayload: number;
  maxMembersPerRoom: number;
  maxObserversPerRoom: number;
  maxRooms: number;
  rateLimitPerSecond: number;
  pingIntervalMs: number;
  joinTimeoutMs: number;
  maxSocketsPerAddress: number;
  maxRoomsPerAddress: number;
  rostersPerSecond: number;
  telemetryPerSecond: number;
  dropLogIntervalMs: number;
  proposalAnswerMs: number;
  allowedOrigins: ReadonlySet<string> | null;
  iceServers: IceServer[] | undefined;
  log: (line: string) => void;
}

interface Session {
  room: Room;
  participant: Participant;
}

interface Client {
  readonly socket: WebSocket;
  /** The peer's network address, for the per-address caps. */
  readonly address: string;
  readonly limiter: RateLimiter;
  /** The member's telemetry fan-out budget. */
  readonly telemetry: Budget;
  /** Closes the socket if it has not joined in time; cleared by a successful join. */
  joinTimer: NodeJS.Timeout | undefined;
  /** Answered the last ping. */
  alive: boolean;
  /** Already told it is rate limited since its last accepted message. */
  toldRateLimited: boolean;
  /** The challenge of this socket's hello: every join on it signs it. */
  readonly nonce: string;
  /** Joins tried on this socket (each costs a signature check); a join is being checked. */
  joins: number;
  joining: boolean;
  session: Session | null;
}

/** Outgoing bytes a slow reader may let pile up before it is disconnected. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** How long closing sockets get to complete the close handshake before being terminated. */
const CLOSE_GRACE_MS = 1000;
/** Seconds of burst in a member's telemetry budget. */
const TELEMETRY_BURST_SECONDS = 2;
/** Joins one socket may try (each checks a signature); the next closes it (1008). */
const MAX_JOINS_PER_SOCKET = 8;

/** Starts the server and resolves once it is listening. */
export async function createSignalingServer(options: SignalingServerOptions = {}): Promise<SignalingServer> {
  const config = configFrom(options);
  const staticHandler = options.staticDir === undefined ? null : createStaticHandler(options.staticDir);
  const hub = new SignalingHub(config);
  const http = createServer((request, response) => void handleHttp(request, response, hub, staticHandler, config.log));
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    hub.upgrade(request, socket, head),
  );
  try {
    const port = await listen(http, config.port, config.host);
    return {
      port,
      url: `ws://${urlHost(config.host)}:${port}`,
      close: () => closeAll(hub, http),
      shapeLinkAs: (room, as, shape) => hub.shapeLinkAs(room, as, shape),
    };
  } catch (error) {
    await hub.close();
    throw error;
  }
}

function configFrom(options: SignalingServerOptions): ServerConfig {
  return {
    port: options.port ?? 8787,
    host: options.host ?? '127.0.0.1',
    maxPayload: options.maxPayload ?? 64 * 1024,
    maxMembersPerRoom: options.maxMembersPerRoom ?? 32,
    maxObserversPerRoom: options.maxObserversPerRoom ?? 32,
    maxRooms: options.maxRooms ?? 1000,
    rateLimitPerSecond: options.rateLimitPerSecond ?? 200,
    pingIntervalMs: options.pingIntervalMs ?? 30_000,
    joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
    maxSocketsPerAddress: options.maxSocketsPerAddress ?? 128,
    maxRoomsPerAddress: options.maxRoomsPerAddress ?? 32,
    rostersPerSecond: options.rostersPerSecond ?? 10,
    telemetryPerSecond: options.telemetryPerSecond ?? 5,
    dropLogIntervalMs: options.dropLogIntervalMs ?? 10_000,
    proposalAnswerMs: options.proposalAnswerMs ?? PROPOSAL_ANSWER_MS,
    allowedOrigins: options.allowedOrigins ? new Set(options.allowedOrigins.map(normalizeOrigin)) : null,
    iceServers: options.iceServers,
    log: options.log ?? (() => {}),
  };
}

/** WebSocket clients, their rooms, and every signaling message between them. */
class SignalingHub {
  private readonly clients = new Set<Client>();
  private readonly registry: RoomRegistry;
  private readonly sockets: WebSocketServer;
  private readonly pingTimer: NodeJS.Timeout;
  /** Open TCP sockets (upgrading or upgraded) by network address. */
  private readonly socketsByAddress = new Map<string, number>();
  private readonly droppedTelemetry: DropLog;
  private closing = false;

  constructor(private readonly config: ServerConfig) {
    this.registry = new RoomRegistry(config, config.log);
    this.droppedTelemetry = new DropLog(
      `telemetry messages over the budget of ${config.telemetryPerSecond}/s per member`,
      config.dropLogIntervalMs,
      config.log,
    );
    this.sockets = new WebSocketServer({ noServer: true, maxPayload: config.maxPayload });
    this.sockets.on('connection', (socket: WebSocket, request: IncomingMessage) => this.accept(socket, addressOf(request)));
    this.pingTimer = setInterval(() => this.heartbeat(), config.pingIntervalMs);
    this.pingTimer.unref();
  }

  health(): { ok: true; rooms: number; clients: number } {
    return { ok: true, rooms: this.registry.roomCount, clients: this.clients.size };
  }

  /** Turns an HTTP upgrade into a WebSocket, on any path, if the Origin is allowed. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (error) => this.config.log(`upgrade socket error: ${error.message}`));
    if (this.closing) {
      socket.destroy();
      return;
    }
    const origin = request.headers.origin;
    if (!originAllowed(origin, this.config.allowedOrigins)) {
      this.config.log(`rejected WebSocket from origin ${origin}`);
      socket.once('finish', () => socket.destroy());
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!this.holdSocket(addressOf(request), socket)) {
      socket.once('finish', () => socket.destroy());
      socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (ws) => this.sockets.emit('connection', ws, request));
  }

  /** Counts a TCP socket against its address until it closes; false if the address is at its cap. */
  private holdSocket(address: string, socket: Duplex): boolean {
    const held = this.socketsByAddress.get(address) ?? 0;
    if (held >= this.config.maxSocketsPerAddress) {
      this.config.log(`refused a socket from ${address}: it holds ${held} (the cap per address)`);
      return false;
    }
    this.socketsByAddress.set(address, held + 1);
    socket.once('close', () => {
      const left = (this.socketsByAddress.get(address) ?? 1) - 1;
      if (left > 0) this.socketsByAddress.set(address, left);
      else this.socketsByAddress.delete(address);
    });
    return true;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.pingTimer);
    this.droppedTelemetry.dispose();
    await Promise.all([...this.clients].map((client) => closeGracefully(client.socket)));
    this.registry.dispose();
    this.sockets.close();
  }

  private accept(socket: WebSocket, address: string): void {
    const now = Date.now();
    const client: Client = {
      socket,
      address,
      limiter: new RateLimiter(this.config.rateLimitPerSecond, now),
      telemetry: new Budget(this.config.telemetryPerSecond, TELEMETRY_BURST_SECONDS, now),
      joinTimer: setTimeout(() => this.joinTimedOut(client), this.config.joinTimeoutMs),
      alive: true,
      toldRateLimited: false,
      nonce: randomBytes(32).toString('hex'),
      joins: 0,
      joining: false,
      session: null,
    };
    client.joinTimer!.unref();
    this.clients.add(client);
    sendMessage(socket, { type: 'hello', nonce: client.nonce });
    socket.on('pong', () => (client.alive = true));
    socket.on('message', (data: RawData, isBinary: boolean) => this.receive(client, data, isBinary));
    socket.on('error', (error) => this.config.log(`socket error: ${error.message}`));
    socket.on('close', () => this.disconnect(client));
  }

  private joinTimedOut(client: Client): void {
    client.joinTimer = undefined;
    if (client.session) return;
    const seconds = this.config.joinTimeoutMs / 1000;
    sendError(client.socket, 'join-timeout', `no room joined within ${seconds} s of connecting`);
    client.socket.close(1008, 'join timeout');
  }

  private heartbeat(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }

  private receive(client: Client, data: RawData, isBinary: boolean): void {
    try {
      if (!this.admit(client)) return;
      if (isBinary) {
        sendError(client.socket, 'bad-json', 'frames must be JSON text, not binary');
        return;
      }
      const frame = rawDataBuffer(data);
      const parsed = parseClientMessage(frame.toString('utf8'), frame.length);
      if (parsed.ok) this.dispatch(client, parsed.message);
      else sendError(client.socket, parsed.error.code, parsed.error.message);
    } catch (error) {
      this.config.log(`internal error handling a frame: ${String(error)}`);
      sendError(client.socket, 'internal-error', 'the server failed to handle this message');
    }
  }

  /** Applies the rate limit: tells the client once when it starts dropping, closes it on sustained floods. */
  private admit(client: Client): boolean {
    const admission = client.limiter.admit(Date.now());
    if (admission === 'accept') {
      client.toldRateLimited = false;
      return true;
    }
    if (admission === 'abuse') {
      this.config.log(`closing a flooding socket${client.session ? ` (${client.session.participant.id})` : ''}`);
      client.socket.close(1008, 'rate limit exceeded');
    } else if (!client.toldRateLimited) {
      client.toldRateLimited = true;
      sendError(client.socket, 'rate-limited', 'too many messages; messages are being dropped');
    }
    return false;
  }

  private dispatch(client: Client, message: ClientMessage): void {
    if (message.type === 'ping') {
      sendMessage(client.socket, { type: 'pong' });
      return;
    }
    if (message.type === 'join') {
      this.join(client, message).catch((error: unknown) => {
        this.config.log(`internal error handling a join: ${String(error)}`);
        sendError(client.socket, 'internal-error', 'the server failed to handle this join');
      });
      return;
    }
    const session = client.session;
    if (!session) {
      sendError(client.socket, 'not-joined', `send a join message before ${message.type}`);
      return;
    }
    switch (message.type) {
      case 'signal':
        this.relaySignal(client.socket, session, message);
        break;
      case 'peers':
        this.reportPeers(client.socket, session, message);
        break;
      case 'start':
        this.proposeRun(client.socket, session, message);
        break;
      case 'accept':
      case 'decline':
        this.answerProposal(session, message);
        break;
      case 'shape':
        this.shapeLink(client.socket, session, message);
        break;
      case 'telemetry':
        this.relayTelemetry(client, session, message);
        break;
      case 'finished':
        this.finishRun(session, message);
        break;
      case 'trace-get':
        this.relayTraceGet(client.socket, session, message);
        break;
      case 'trace-part':
        this.relayTracePart(client.socket, session, message);
        break;
    }
  }

  /** Admits a join whose signature proves its key (bad-proof otherwise); the id is then bound to that key. */
  private async join(client: Client, message: JoinMessage): Promise<void> {
    if (client.session || client.joining) {
      sendError(client.socket, 'already-joined', client.session ? `already joined room ${client.session.room.name}` : 'a join is already being checked');
      return;
    }
    client.joins += 1;
    if (client.joins > MAX_JOINS_PER_SOCKET) {
      sendError(client.socket, 'bad-message', `at most ${MAX_JOINS_PER_SOCKET} joins per socket`);
      client.socket.close(1008, 'too many joins');
      return;
    }
    client.joining = true;
    const fingerprint = await provenFingerprint(client.nonce, message);
    client.joining = false;
    if (!this.clients.has(client)) return; // closed meanwhile
    if (!fingerprint) {
      sendError(client.socket, 'bad-proof', 'join.sig does not verify: it must be the signature, with join.key, of "chatterbox-join" LF nonce LF room (docs/SIGNALING.md, "Keys and proofs")');
      return;
    }
    this.admitJoin(client, message, fingerprint);
  }

  private admitJoin(client: Client, message: JoinMessage, fingerprint: string): void {
    const admitted = this.registry.admit(message, fingerprint, client.address, (text) => sendFrame(client.socket, text), () => client.socket.terminate());
    if (!admitted.ok) {
      sendError(client.socket, admitted.error.code, admitted.error.message);
      return;
    }
    const { room, participant } = admitted.value;
    client.session = admitted.value;
    clearTimeout(client.joinTimer);
    client.joinTimer = undefined;
    this.config.log(`room ${room.name}: ${participant.id} joined as ${participant.role}`);
    sendMessage(client.socket, {
      type: 'welcome',
      id: participant.id,
      room: room.name,
      role: participant.role,
      fingerprint,
      ...(this.config.iceServers ? { iceServers: this.config.iceServers } : {}),
    });
    room.announceRoster();
  }

  private relaySignal(socket: WebSocket, session: Session, message: SignalMessage): void {
    const target = session.room.get(message.to);
    if (!target) {
      sendError(socket, 'unknown-peer', `no peer ${message.to} in room ${session.room.name}`);
      return;
    }
    target.send({ type: 'signal', from: session.participant.id, data: message.data });
  }

  private reportPeers(socket: WebSocket, session: Session, message: PeersMessage): void {
    const { participant, room } = session;
    if (participant.role !== 'member') {
      sendError(socket, 'forbidden', 'only members report peers');
      return;
    }
    if (sameIds(participant.connected, message.connected)) return;
    participant.connected = message.connected;
    room.announceRoster();
  }

  private proposeRun(socket: WebSocket, session: Session, message: StartMessage): void {
    const refused = session.room.proposeRun(session.participant, message, Date.now());
    if (refused) sendError(socket, refused.code, refused.message);
  }

  private answerProposal(session: Session, message: AcceptMessage | DeclineMessage): void {
    const decline = message.type === 'decline' ? message.reason : null;
    session.room.answerProposal(session.participant, message.runId, decline, Date.now());
  }

  private shapeLink(socket: WebSocket, session: Session, message: ShapeMessage): void {
    const shape: LinkShape = {
      link: message.link,
      cut: message.cut,
      lossPercent: message.lossPercent,
      delayMs: message.delayMs,
    };
    const refused = this.applyShape(session, shape);
    if (refused) sendError(socket, refused.code, refused.message);
  }

  /** A shape sent in the name of member `as` of `roomName` by whoever embeds the server. */
  shapeLinkAs(roomName: string, as: string, shape: LinkShape): string | null {
    const room = this.registry.find(roomName);
    const participant = room?.get(as);
    if (!room || !participant) return `no member ${as} in room ${roomName}`;
    return this.applyShape({ room, participant }, shape)?.message ?? null;
  }

  private applyShape(session: Session, shape: LinkShape): ProtocolError | null {
    const refused = session.room.shapeLink(shape, session.participant);
    if (refused) return refused;
    session.room.broadcast({ type: 'shape', from: session.participant.id, ...shape });
    session.room.announceRoster();
    return null;
  }

  private finishRun(session: Session, message: FinishedMessage): void {
    if (!session.room.finishRun(session.participant, message.runId)) return;
    this.config.log(`room ${session.room.name}: run ${message.runId} finished`);
    session.room.announceRoster();
  }

  /** Relays a member's telemetry within its budget; the excess is dropped and counted in the log. */
  private relayTelemetry(client: Client, session: Session, message: TelemetryMessage): void {
    const from = session.participant.id;
    if (!client.telemetry.take(Date.now())) {
      this.droppedTelemetry.drop(`${from} in room ${session.room.name}`);
      return;
    }
    session.room.relayTelemetry({ type: 'telemetry', from, data: message.data });
  }

  /** Relays a request for a member's trace to that member only (docs/SIGNALING.md, "Sharing traces"). */
  private relayTraceGet(socket: WebSocket, session: Session, message: TraceGetMessage): void {
    const { room, participant } = session;
    const target = room.get(message.to);
    if (!target || target.role !== 'member' || target.id === participant.id) {
      sendError(socket, 'unknown-peer', `no other member ${message.to} in room ${room.name} to ask for a trace`);
      return;
    }
    target.send({ type: 'trace-get', from: participant.id, runId: message.runId, part: message.part });
  }

  /** Relays a member's part of its trace to the one participant that asked for it. */
  private relayTracePart(socket: WebSocket, session: Session, message: TracePartMessage): void {
    const { room, participant } = session;
    if (participant.role !== 'member') {
      sendError(socket, 'forbidden', 'observers have no trace to send; only members answer trace-get');
      return;
    }
    const target = room.get(message.to);
    if (!target || target.id === participant.id) {
      sendError(socket, 'unknown-peer', `no other participant ${message.to} in room ${room.name} to send a trace to`);
      return;
    }
    const { runId, part, lines, more, reason } = message;
    target.send({ type: 'trace-part', from: participant.id, runId, part, lines, more, ...(reason === undefined ? {} : { reason }) });
  }

  private disconnect(client: Client): void {
    this.clients.delete(client);
    clearTimeout(client.joinTimer);
    if (!client.session) return;
    const { room, participant } = client.session;
    client.session = null;
    this.config.log(`room ${room.name}: ${participant.id} left`);
    this.registry.leave(room, participant);
  }
}

async function handleHttp(
  request: IncomingMessage,
  response: ServerResponse,
  hub: SignalingHub,
  staticHandler: StaticHandler | null,
  log: (line: string) => void,
): Promise<void> {
  try {
    if (request.url === '/healthz' || request.url?.startsWith('/healthz?')) {
      response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(JSON.stringify(hub.health()));
    } else if (staticHandler) {
      await staticHandler(request, response);
    } else {
      sendText(response, 404, 'not found (this signaling server serves no web app)');
    }
  } catch (error) {
    log(`HTTP error on ${request.url}: ${String(error)}`);
    if (response.headersSent) response.destroy();
    else sendText(response, 500, 'internal error');
  }
}

/** Counts dropped messages of one kind and logs the count at most once per interval. */
class DropLog {
  private count = 0;
  private latest = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly what: string,
    private readonly intervalMs: number,
    private readonly log: (line: string) => void,
  ) {}

  drop(detail: string): void {
    this.count += 1;
    this.latest = detail;
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private flush(): void {
    this.timer = undefined;
    this.log(`dropped ${this.count} ${this.what} in the last ${this.intervalMs / 1000} s (latest: ${this.latest})`);
    this.count = 0;
  }
}

/** The fingerprint of the join's key if its signature of the socket's challenge verifies, else null. */
async function provenFingerprint(nonce: string, join: JoinMessage): Promise<string | null> {
  const verified = await verifyText(join.key, join.sig, joinProofText(nonce, join.room));
  return verified ? fingerprintOf(join.key) : null;
}

function sendMessage(socket: WebSocket, message: ServerMessage): void {
  sendFrame(socket, JSON.stringify(message));
}

function sendFrame(socket: WebSocket, text: string): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.terminate();
    return;
  }
  socket.send(text);
}

function sendError(socket: WebSocket, code: ErrorCode, message: string): void {
  sendMessage(socket, { type: 'error', code, message });
}

function rawDataBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}

/** The peer's address as one key per host (IPv4-mapped IPv6 addresses as plain IPv4). */
function addressOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

/** Browsers always send Origin; clients without one (Node, CLI) are not subject to the allowlist. */
function originAllowed(origin: string | undefined, allowed: ReadonlySet<string> | null): boolean {
  return origin === undefined || allowed === null || allowed.has(normalizeOrigin(origin));
}

function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}

/** Host part of a URL a local client can connect to: wildcard binds become loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(http: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve((http.address() as AddressInfo).port);
    });
  });
}

function closeGracefully(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) {
      resolve();
      return;
    }
    const deadline = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once('close', () => {
      clearTimeout(deadline);
      resolve();
    });
    socket.close(1001, 'server shutting down');
  });
}

/** Stops accepting connections, closes every WebSocket, then drops any remaining HTTP connection. */
async function closeAll(hub: SignalingHub, http: Server): Promise<void> {
  const httpClosed = new Promise<void>((resolve, reject) => http.close((error) => (error ? reject(error) : resolve())));
  await hub.close();
  http.closeAllConnections();
  await httpClosed;
}
