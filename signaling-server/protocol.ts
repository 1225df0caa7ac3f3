// Signaling protocol: the JSON messages between nodes and the signaling server, and their validation.

import { compareIds, isMemberId, memberListError, type MemberId } from '../src/core/ids';
import { paramsError, pickParams, type RunParams } from '../src/core/params';

export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_SIGNAL_DATA_BYTES = 16 * 1024;
export const MAX_TELEMETRY_DATA_BYTES = 8 * 1024;
/** Bytes a frame may spend beyond its data on the envelope ({"type":"signal","to":…,"data":…}). */
export const ENVELOPE_BYTES = 512;
/**
 * Largest frame of each relayed type, measured on the frame as received (UTF-8 bytes), so the
 * check never re-serialises what a client sent: the data limit plus the envelope.
 */
export const MAX_FRAME_BYTES: Readonly<Partial<Record<ClientMessage['type'], number>>> = {
  signal: MAX_SIGNAL_DATA_BYTES + ENVELOPE_BYTES,
  telemetry: MAX_TELEMETRY_DATA_BYTES + ENVELOPE_BYTES,
};
export const MAX_REPORTED_PEERS = 256;
export const MAX_LOSS_PERCENT = 100;
export const MAX_DELAY_MS = 10_000;

export type Role = 'member' | 'observer';
export type JsonObject = { [key: string]: unknown };

/** An RTCIceServer as the browser and node-webrtc accept it. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Fault injection on the link between two members; links are undirected, endpoints sorted. */
export interface LinkShape {
  link: [MemberId, MemberId];
  cut: boolean;
  lossPercent: number;
  delayMs: number;
}

/** A run as the server remembers it while it is in progress. */
export interface RunInfo {
  runId: string;
  run: number;
  members: MemberId[];
  params: RunParams;
  startedAt: number;
}

// ---- client → server ----

export interface JoinMessage {
  type: 'join';
  room: string;
  role: Role;
  id?: MemberId;
}

export interface SignalMessage {
  type: 'signal';
  to: MemberId;
  data: JsonObject;
}

export interface PeersMessage {
  type: 'peers';
  connected: MemberId[];
}

export interface StartMessage {
  type: 'start';
  params: RunParams;
  members?: MemberId[];
}

export interface ShapeMessage extends LinkShape {
  type: 'shape';
}

export interface TelemetryMessage {
  type: 'telemetry';
  data: JsonObject;
}

/** A member's run ended (its node is done); once every member of the run says so, the run is over. */
export interface FinishedMessage {
  type: 'finished';
  runId: string;
}

export interface PingMessage {
  type: 'ping';
}

export type ClientMessage =
  | JoinMessage
  | SignalMessage
  | PeersMessage
  | StartMessage
  | ShapeMessage
  | TelemetryMessage
  | FinishedMessage
  | PingMessage;

// ---- server → client ----

export interface WelcomeMessage {
  type: 'welcome';
  id: MemberId;
  room: string;
  role: Role;
  iceServers?: IceServer[];
}

export interface RosterMember {
  id: MemberId;
  connected: MemberId[];
}

/** A link's latest shape and who set it. */
export interface RosterLink extends LinkShape {
  from: MemberId;
}

export interface RosterMessage {
  type: 'roster';
  room: string;
  members: RosterMember[];
  observers: MemberId[];
  links: RosterLink[];
  run: RunInfo | null;
}

export interface SignalRelay {
  type: 'signal';
  from: MemberId;
  data: JsonObject;
}

export interface StartNotice {
  type: 'start';
  runId: string;
  run: number;
  members: MemberId[];
  params: RunParams;
  startedBy: MemberId;
}

export interface ShapeNotice extends RosterLink {
  type: 'shape';
}

export interface TelemetryRelay {
  type: 'telemetry';
  from: MemberId;
  data: JsonObject;
}

export interface PongMessage {
  type: 'pong';
}

export type ErrorCode =
  | 'bad-json'
  | 'bad-message'
  | 'unknown-type'
  | 'not-joined'
  | 'already-joined'
  | 'bad-room'
  | 'bad-id'
  | 'duplicate-id'
  | 'room-full'
  | 'too-many-rooms'
  | 'too-many-links'
  | 'unknown-peer'
  | 'rate-limited'
  | 'mesh-incomplete'
  | 'run-in-progress'
  | 'forbidden'
  | 'join-timeout'
  | 'internal-error';

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
}

export type ServerMessage =
  | WelcomeMessage
  | RosterMessage
  | SignalRelay
  | StartNotice
  | ShapeNotice
  | TelemetryRelay
  | PongMessage
  | ErrorMessage;

/**
 * The missing directions of a mesh: [a, b] when member a has not reported an open channel to b.
 * The server refuses to start a run while there are any; nodes check the roster the same way.
 */
export function meshGaps(members: readonly RosterMember[]): Array<[MemberId, MemberId]> {
  const gaps: Array<[MemberId, MemberId]> = [];
  for (const a of members) {
    for (const b of members) {
      if (a.id !== b.id && !a.connected.includes(b.id)) gaps.push([a.id, b.id]);
    }
  }
  return gaps;
}

// ---- validation ----

export interface ProtocolError {
  code: ErrorCode;
  message: string;
}

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: ProtocolError };

export function isRoomName(value: unknown): value is string {
  return typeof value === 'string' && ROOM_NAME_PATTERN.test(value);
}

/**
 * Parses one text frame of `frameBytes` bytes into a validated client message carrying only the
 * known fields. Relayed types (signal, telemetry) are size-checked on `frameBytes`, not re-serialised.
 */
export function parseClientMessage(text: string, frameBytes: number = utf8Length(text)): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return failure('bad-json', 'the frame is not valid JSON');
  }
  const parsed = validateClientMessage(value);
  if (!parsed.ok) return parsed;
  const sizeError = frameSizeError(parsed.message.type, frameBytes);
  return sizeError ? failure('bad-message', sizeError) : parsed;
}

function frameSizeError(type: ClientMessage['type'], frameBytes: number): string | null {
  const limit = MAX_FRAME_BYTES[type];
  if (limit === undefined || frameBytes <= limit) return null;
  const dataLimit = limit - ENVELOPE_BYTES;
  return `a ${type} frame must be at most ${limit} bytes (${type}.data up to ${dataLimit} bytes plus ${ENVELOPE_BYTES} for the rest), got ${frameBytes}`;
}

/** Validates an already parsed value as a client message; unknown fields (such as `from`) are dropped. */
export function validateClientMessage(value: unknown): ParseResult {
  if (!isJsonObject(value)) return failure('bad-message', 'a message must be a JSON object');
  const type = value.type;
  if (typeof type !== 'string') return failure('bad-message', 'type must be a string');
  if (!Object.hasOwn(VALIDATORS, type)) {
    return failure('unknown-type', `unknown message type ${JSON.stringify(type.slice(0, 32))}`);
  }
  return VALIDATORS[type as ClientMessage['type']](value);
}

type Validator = (value: JsonObject) => ParseResult;

const VALIDATORS: Record<ClientMessage['type'], Validator> = {
  join: validateJoin,
  signal: validateSignal,
  peers: validatePeers,
  start: validateStart,
  shape: validateShape,
  telemetry: validateTelemetry,
  finished: validateFinished,
  ping: () => success({ type: 'ping' }),
};

function validateJoin(value: JsonObject): ParseResult {
  if (!isRoomName(value.room)) return failure('bad-room', 'room must match [A-Za-z0-9_-]{1,64}');
  if (value.role !== 'member' && value.role !== 'observer') {
    return failure('bad-message', 'join.role must be "member" or "observer"');
  }
  if (value.id === undefined) return success({ type: 'join', room: value.room, role: value.role });
  if (!isMemberId(value.id)) return failure('bad-id', 'id must match [A-Za-z0-9_-]{1,32}');
  return success({ type: 'join', room: value.room, role: value.role, id: value.id });
}

function validateSignal(value: JsonObject): ParseResult {
  if (!isMemberId(value.to)) return failure('bad-message', 'signal.to must be a member id');
  if (!isJsonObject(value.data)) return failure('bad-message', 'signal.data must be a JSON object');
  return success({ type: 'signal', to: value.to, data: value.data as JsonObject });
}

function validatePeers(value: JsonObject): ParseResult {
  const connected = value.connected;
  if (!Array.isArray(connected) || connected.length > MAX_REPORTED_PEERS) {
    return failure('bad-message', `peers.connected must be an array of at most ${MAX_REPORTED_PEERS} ids`);
  }
  if (!connected.every(isMemberId)) return failure('bad-message', 'peers.connected must hold member ids');
  return success({ type: 'peers', connected: [...new Set(connected)].sort(compareIds) });
}

function validateStart(value: JsonObject): ParseResult {
  const error = paramsError(value.params);
  if (error) return failure('bad-message', `start.params: ${error}`);
  const params = pickParams(value.params as RunParams);
  if (value.members === undefined) return success({ type: 'start', params });
  if (!Array.isArray(value.members)) return failure('bad-message', 'start.members must be an array of ids');
  const membersError = memberListError(value.members);
  if (membersError) return failure('bad-message', `start.members: ${membersError}`);
  return success({ type: 'start', params, members: value.members as MemberId[] });
}

function validateShape(value: JsonObject): ParseResult {
  const link = value.link;
  if (!Array.isArray(link) || link.length !== 2 || !link.every(isMemberId) || link[0] === link[1]) {
    return failure('bad-message', 'shape.link must be two different member ids');
  }
  if (typeof value.cut !== 'boolean') return failure('bad-message', 'shape.cut must be a boolean');
  if (!isNumberWithin(value.lossPercent, MAX_LOSS_PERCENT)) {
    return failure('bad-message', `shape.lossPercent must be a number from 0 to ${MAX_LOSS_PERCENT}`);
  }
  if (!isNumberWithin(value.delayMs, MAX_DELAY_MS)) {
    return failure('bad-message', `shape.delayMs must be a number from 0 to ${MAX_DELAY_MS}`);
  }
  const [a, b] = [...link].sort(compareIds);
  return success({
    type: 'shape',
    link: [a, b],
    cut: value.cut,
    lossPercent: value.lossPercent,
    delayMs: value.delayMs,
  });
}

function validateTelemetry(value: JsonObject): ParseResult {
  if (!isJsonObject(value.data)) return failure('bad-message', 'telemetry.data must be a JSON object');
  return success({ type: 'telemetry', data: value.data as JsonObject });
}

function validateFinished(value: JsonObject): ParseResult {
  if (typeof value.runId !== 'string' || value.runId.length < 1 || value.runId.length > 64) {
    return failure('bad-message', 'finished.runId must be a run id (1-64 characters)');
  }
  return success({ type: 'finished', runId: value.runId });
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumberWithin(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function success(message: ClientMessage): ParseResult {
  return { ok: true, message };
}

function failure(code: ErrorCode, message: string): ParseResult {
  return { ok: false, error: { code, message } };
}
