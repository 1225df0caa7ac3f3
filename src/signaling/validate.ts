// Validation of every signaling message, both directions, against the published schemas (docs/schemas).

import { describeSchemaError, type SchemaError } from './json-schema';
import { compareIds } from './ids';
import { ENVELOPE_BYTES, MAX_FRAME_BYTES, type ClientMessage, type ErrorCode, type ServerMessage, type SignalData, type TelemetryData } from './messages';
import { CLIENT_MESSAGE_TYPES, commonDefinition, SCHEMA_IDS, SCHEMAS, SERVER_MESSAGE_TYPES } from './schemas';

export interface ProtocolError {
  code: ErrorCode;
  message: string;
}

type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: ProtocolError };
type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Parses one text frame of `frameBytes` bytes into a validated client message. Relayed types
 * (signal, telemetry) are size-checked on `frameBytes`, not re-serialised.
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

/**
 * Validates an already parsed value as a client message (docs/schemas/client-message.json).
 * Lists come back in the order the server keeps them: `peers.connected` and `shape.link` sorted.
 */
function validateClientMessage(value: unknown): ParseResult {
  const type = messageType(value);
  if (type === null) return failure('bad-message', 'a message must be a JSON object with a string type');
  if (!CLIENT_MESSAGE_TYPES.includes(type)) return failure('unknown-type', `unknown message type ${JSON.stringify(type.slice(0, 32))}`);
  const error = SCHEMAS.validate(`${SCHEMA_IDS.clientMessage}#/$defs/${type}`, value);
  if (error) return failure(errorCode(type, error), describeSchemaError(type, error));
  return { ok: true, message: normalized(value as ClientMessage) };
}

/** Parses a server frame (docs/schemas/server-message.json), or says why it is not one. */
export function parseServerMessage(text: string): Checked<ServerMessage> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  const type = messageType(value);
  if (type === null) return { ok: false, reason: 'not a JSON object with a string type' };
  if (!SERVER_MESSAGE_TYPES.includes(type)) return { ok: false, reason: `unknown message type ${JSON.stringify(type.slice(0, 32))}` };
  const error = SCHEMAS.validate(`${SCHEMA_IDS.serverMessage}#/$defs/${type}`, value);
  return error ? { ok: false, reason: describeSchemaError(type, error) } : { ok: true, value: value as ServerMessage };
}

/** Checks the `data` of a relayed signal (docs/schemas/signal-data.json). */
export function checkSignalData(data: unknown): Checked<SignalData> {
  return checked<SignalData>(SCHEMA_IDS.signalData, 'signal.data', data);
}

/**
 * Checks the `data` of relayed telemetry (docs/schemas/telemetry-data.json), and the two rules the schema
 * states in words: `snapshot.id` is the sender, and a `bufferedCount` is at least the serials listed.
 */
export function checkTelemetryData(data: unknown, from: string): Checked<TelemetryData> {
  const result = checked<TelemetryData>(SCHEMA_IDS.telemetryData, 'telemetry.data', data);
  if (!result.ok) return result;
  const { snapshot } = result.value;
  if (snapshot.id !== from) return { ok: false, reason: `telemetry.data.snapshot.id ${snapshot.id} is not the sender ${from}` };
  const short = snapshot.buffers.findIndex((buffer) => buffer.bufferedCount !== undefined && buffer.bufferedCount < buffer.buffered.length);
  if (short >= 0) return { ok: false, reason: `telemetry.data.snapshot.buffers[${short}].bufferedCount is less than the serials listed` };
  return result;
}

function checked<T>(schemaId: string, root: string, value: unknown): Checked<T> {
  const error = SCHEMAS.validate(schemaId, value);
  return error ? { ok: false, reason: describeSchemaError(root, error) } : { ok: true, value: value as T };
}

function messageType(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? type : null;
}

/** A bad room or id in a join has its own code; everything else is a bad message. */
function errorCode(type: string, error: SchemaError): ErrorCode {
  if (type === 'join' && error.path[0] === 'room') return 'bad-room';
  if (type === 'join' && error.path[0] === 'id') return 'bad-id';
  return 'bad-message';
}

function normalized(message: ClientMessage): ClientMessage {
  if (message.type === 'peers') return { ...message, connected: [...message.connected].sort(compareIds) };
  if (message.type === 'shape') {
    const [a, b] = [...message.link].sort(compareIds);
    return { ...message, link: [a, b] };
  }
  return message;
}

function frameSizeError(type: ClientMessage['type'], frameBytes: number): string | null {
  const limit = MAX_FRAME_BYTES[type];
  if (limit === undefined || frameBytes <= limit) return null;
  const dataLimit = limit - ENVELOPE_BYTES;
  return `a ${type} frame must be at most ${limit} bytes (${type}.data up to ${dataLimit} bytes plus ${ENVELOPE_BYTES} for the rest), got ${frameBytes}`;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function failure(code: ErrorCode, message: string): ParseResult {
  return { ok: false, error: { code, message } };
}

/** Why a value is not an RTCIceServer as welcome announces it (docs/schemas/common.json#/$defs/iceServer), or null. */
export function checkIceServer(value: unknown, name: string): string | null {
  const error = SCHEMAS.validate(commonDefinition('iceServer'), value);
  return error ? describeSchemaError(name, error) : null;
}
