// Batches: several encoded frames for one peer packed into one data-channel message (docs/PROTOCOL.md).

import { decodeFrame, WIRE_VERSION, type DecodeError } from './codec';
import type { Frame } from './frames';

export const BATCH_KIND = 7;
/** A batch stays well under the data channel's 16 KiB message limit. */
export const MAX_BATCH_BYTES = 16_000;
const BATCH_HEADER_BYTES = 4;
const ENTRY_HEADER_BYTES = 2;

/** Whether these bytes are a batch (rather than a single frame). */
export function isBatch(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === WIRE_VERSION && bytes[1] === BATCH_KIND;
}

/**
 * Packs encoded frames into as few messages as possible: a lone frame is sent as is (so a run
 * without batching is byte-for-byte the plain protocol); several become batches of at most
 * MAX_BATCH_BYTES, in order.
 */
export function packFrames(frames: readonly Uint8Array[]): Uint8Array[] {
  if (frames.length === 1) return [frames[0]];
  const messages: Uint8Array[] = [];
  let group: Uint8Array[] = [];
  let size = BATCH_HEADER_BYTES;
  for (const frame of frames) {
    const entry = ENTRY_HEADER_BYTES + frame.length;
    if (group.length > 0 && size + entry > MAX_BATCH_BYTES) {
      messages.push(encodeGroup(group, size));
      group = [];
      size = BATCH_HEADER_BYTES;
    }
    group.push(frame);
    size += entry;
  }
  if (group.length > 0) messages.push(group.length === 1 ? group[0] : encodeGroup(group, size));
  return messages;
}

/** How many frames a message packed by `packFrames` holds: its count if it is a batch, else 1. */
export function framesIn(message: Uint8Array): number {
  if (!isBatch(message) || message.length < BATCH_HEADER_BYTES) return 1;
  return new DataView(message.buffer, message.byteOffset, message.byteLength).getUint16(2);
}

function encodeGroup(frames: readonly Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = WIRE_VERSION;
  bytes[1] = BATCH_KIND;
  view.setUint16(2, frames.length);
  let offset = BATCH_HEADER_BYTES;
  for (const frame of frames) {
    view.setUint16(offset, frame.length);
    bytes.set(frame, offset + ENTRY_HEADER_BYTES);
    offset += ENTRY_HEADER_BYTES + frame.length;
  }
  return bytes;
}

export interface DecodedMessage {
  frames: Frame[];
  errors: DecodeError[];
}

/**
 * Decodes one data-channel message: a single frame or a batch. Each frame of a batch is validated
 * on its own (a bad one is reported, the good ones still count); a malformed batch envelope yields
 * no frames. Never throws.
 */
export function decodeMessage(bytes: Uint8Array, linkPeer?: string): DecodedMessage {
  if (!isBatch(bytes)) {
    const single = decodeFrame(bytes, linkPeer);
    return single.ok ? { frames: [single.frame], errors: [] } : { frames: [], errors: [single.error] };
  }
  const entries = splitBatch(bytes);
  if ('code' in entries) return { frames: [], errors: [entries] };
  const decoded: DecodedMessage = { frames: [], errors: [] };
  for (const entry of entries) {
    const result = decodeFrame(entry, linkPeer);
    if (result.ok) decoded.frames.push(result.frame);
    else decoded.errors.push(result.error);
  }
  return decoded;
}

function splitBatch(bytes: Uint8Array): Uint8Array[] | DecodeError {
  if (bytes.length > MAX_BATCH_BYTES) return { code: 'too-large', message: `batch of ${bytes.length} bytes exceeds ${MAX_BATCH_BYTES}` };
  if (bytes.length < BATCH_HEADER_BYTES) return { code: 'too-short', message: 'batch header ends early' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint16(2);
  if (count < 2) return { code: 'bad-field', message: `a batch holds at least 2 frames, not ${count}` };
  const entries: Uint8Array[] = [];
  let offset = BATCH_HEADER_BYTES;
  for (let i = 0; i < count; i += 1) {
    if (offset + ENTRY_HEADER_BYTES > bytes.length) return { code: 'too-short', message: `batch ends before frame ${i + 1} of ${count}` };
    const length = view.getUint16(offset);
    const start = offset + ENTRY_HEADER_BYTES;
    if (start + length > bytes.length) return { code: 'too-short', message: `frame ${i + 1} of ${count} runs past the end of the batch` };
    if (isBatch(bytes.subarray(start, start + length))) return { code: 'bad-field', message: 'batches do not nest' };
    entries.push(bytes.subarray(start, start + length));
    offset = start + length;
  }
  if (offset !== bytes.length) return { code: 'trailing-bytes', message: `${bytes.length - offset} unexpected bytes after the batch` };
  return entries;
}
