// Wire codec: frames to bytes and back. Decoding validates everything and never throws.
// The byte layout is specified in docs/PROTOCOL.md ("Frames").

import type { Frame } from './frames';
import { isMemberId, MAX_MEMBER_ID_LENGTH } from './ids';
import { SCALE } from './fixed';

export const WIRE_VERSION = 1;
/** No frame is larger than this; data channels stay well under their 16 KiB message limit. */
export const MAX_FRAME_BYTES = 1024;
const MAX_CHECKSUM_CHARS = 64;
const MAX_U32 = 0xffff_ffff;
const TWO_32 = 0x1_0000_0000;

const KIND_CODES = { data: 1, ack: 2, fin: 3, result: 4, ping: 5, pong: 6 } as const;
const KIND_NAMES = ['', 'data', 'ack', 'fin', 'result', 'ping', 'pong'] as const;

export type DecodeErrorCode =
  | 'too-short'
  | 'too-large'
  | 'bad-version'
  | 'unknown-kind'
  | 'bad-field'
  | 'trailing-bytes'
  | 'spoofed';

export interface DecodeError {
  code: DecodeErrorCode;
  message: string;
}

export type DecodeResult = { ok: true; frame: Frame } | { ok: false; error: DecodeError };

/** Encodes a valid frame. Throws on a frame no valid peer could send (a bug in the caller). */
export function encodeFrame(frame: Frame): Uint8Array {
  const writer = new Writer();
  writer.u8(WIRE_VERSION);
  writer.u8(KIND_CODES[frame.kind]);
  writer.u32(frame.run);
  writer.shortString(frame.from);
  switch (frame.kind) {
    case 'data':
      writer.u32(frame.seq);
      writer.u64(frame.sentAt);
      writer.u64(frame.value);
      break;
    case 'ack':
    case 'fin':
      writer.u32(frame.seq);
      break;
    case 'result':
      writer.u32(frame.count);
      writer.u8(frame.complete ? 1 : 0);
      writer.shortString(frame.checksum);
      break;
    case 'ping':
    case 'pong':
      writer.u32(frame.nonce);
      writer.u64(frame.time);
      break;
  }
  const bytes = writer.finish();
  const check = decodeFrame(bytes);
  if (!check.ok) throw new Error(`encodeFrame: invalid ${frame.kind} frame: ${check.error.message}`);
  return bytes;
}

/**
 * Decodes and validates bytes from the network. With `linkPeer`, a frame whose `from` is not the
 * peer at the other end of the link it arrived on is rejected as spoofed.
 */
export function decodeFrame(bytes: Uint8Array, linkPeer?: string): DecodeResult {
  try {
    const frame = readFrame(new Reader(bytes));
    if (linkPeer !== undefined && frame.from !== linkPeer) {
      return fail('spoofed', `frame claims to be from ${frame.from} but arrived from ${linkPeer}`);
    }
    return { ok: true, frame };
  } catch (error) {
    if (error instanceof FrameError) return { ok: false, error: { code: error.code, message: error.message } };
    return fail('bad-field', `undecodable frame: ${String(error)}`);
  }
}

function fail(code: DecodeErrorCode, message: string): DecodeResult {
  return { ok: false, error: { code, message } };
}

class FrameError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function readFrame(reader: Reader): Frame {
  if (reader.length > MAX_FRAME_BYTES) throw new FrameError('too-large', `frame of ${reader.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  const version = reader.u8();
  if (version !== WIRE_VERSION) throw new FrameError('bad-version', `unsupported wire version ${version}`);
  const code = reader.u8();
  const kind = KIND_NAMES[code];
  if (!kind) throw new FrameError('unknown-kind', `unknown frame kind ${code}`);
  const run = reader.u32();
  const from = reader.shortString(MAX_MEMBER_ID_LENGTH);
  if (!isMemberId(from)) throw new FrameError('bad-field', `invalid sender id ${JSON.stringify(from)}`);
  const frame = readBody(reader, kind, run, from);
  if (reader.remaining() !== 0) throw new FrameError('trailing-bytes', `${reader.remaining()} unexpected bytes after a ${kind} frame`);
  return frame;
}

function readBody(reader: Reader, kind: Exclude<(typeof KIND_NAMES)[number], ''>, run: number, from: string): Frame {
  switch (kind) {
    case 'data': {
      const seq = positive(reader.u32(), 'seq');
      const sentAt = reader.u64();
      const value = reader.u64();
      if (value < 1 || value > SCALE) throw new FrameError('bad-field', `value ${value} outside [1, ${SCALE}]`);
      return { kind, run, from, seq, sentAt, value };
    }
    case 'ack':
      return { kind, run, from, seq: reader.u32() };
    case 'fin':
      return { kind, run, from, seq: positive(reader.u32(), 'seq') };
    case 'result': {
      const count = reader.u32();
      const complete = reader.u8();
      if (complete > 1) throw new FrameError('bad-field', `complete flag ${complete} is not 0 or 1`);
      const checksum = reader.shortString(MAX_CHECKSUM_CHARS);
      if (!/^\d{1,40}\.\d{10}$/.test(checksum)) throw new FrameError('bad-field', `malformed checksum ${JSON.stringify(checksum)}`);
      return { kind, run, from, count, checksum, complete: complete === 1 };
    }
    case 'ping':
    case 'pong':
      return { kind, run, from, nonce: reader.u32(), time: reader.u64() };
  }
}

function positive(seq: number, name: string): number {
  if (seq < 1) throw new FrameError('bad-field', `${name} must be at least 1`);
  return seq;
}

/** Big-endian reader over a byte array; every read is bounds-checked. */
class Reader {
  private offset = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get length(): number {
    return this.bytes.byteLength;
  }
  remaining(): number {
    return this.bytes.byteLength - this.offset;
  }
  private need(count: number): void {
    if (this.remaining() < count) throw new FrameError('too-short', `frame ends early at byte ${this.offset}`);
  }
  u8(): number {
    this.need(1);
    const v = this.view.getUint8(this.offset);
    this.offset += 1;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset);
    this.offset += 4;
    return v;
  }
  /** An unsigned 64-bit integer that must be a safe JavaScript integer (< 2^53). */
  u64(): number {
    const high = this.u32();
    const low = this.u32();
    if (high >= 0x20_0000) throw new FrameError('bad-field', 'integer field exceeds 2^53 - 1');
    return high * TWO_32 + low;
  }
  /** A string of ASCII characters prefixed by its length in one byte. */
  shortString(maxLength: number): string {
    const length = this.u8();
    if (length > maxLength) throw new FrameError('bad-field', `string of ${length} bytes exceeds ${maxLength}`);
    this.need(length);
    let text = '';
    for (let i = 0; i < length; i += 1) {
      const code = this.view.getUint8(this.offset + i);
      if (code < 0x20 || code > 0x7e) throw new FrameError('bad-field', 'string is not printable ASCII');
      text += String.fromCharCode(code);
    }
    this.offset += length;
    return text;
  }
}

/** Big-endian writer; grows as needed. */
class Writer {
  private bytes = new Uint8Array(64);
  private view = new DataView(this.bytes.buffer);
  private offset = 0;
  private ensure(count: number): void {
    if (this.offset + count <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.offset + count));
    next.set(this.bytes);
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.ensure(1);
    this.view.setUint8(this.offset, v);
    this.offset += 1;
  }
  u32(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > MAX_U32) throw new Error(`encodeFrame: ${v} is not a u32`);
    this.ensure(4);
    this.view.setUint32(this.offset, v);
    this.offset += 4;
  }
  u64(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`encodeFrame: ${v} is not a safe non-negative integer`);
    this.u32(Math.floor(v / TWO_32));
    this.u32(v % TWO_32);
  }
  shortString(text: string): void {
    if (text.length > 255) throw new Error('encodeFrame: string too long');
    this.u8(text.length);
    for (let i = 0; i < text.length; i += 1) this.u8(text.charCodeAt(i) & 0xff);
  }
  finish(): Uint8Array {
    return this.bytes.slice(0, this.offset);
  }
}
