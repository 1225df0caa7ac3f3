// Reads a trace file (JSON Lines, docs/TRACE.md) and checks every line; a bad line is named, never
// passed on. Records come out normalized: only the documented fields, frames re-checked by the codec.

import { encodeFrame, isMemberId, memberListError, paramsError, pickParams, SCALE, type Frame, type MemberId, type Phase, type RunParams } from '../../core';
import type { TraceRecord } from '../../runtime/trace';
import { PHASE_ORDER } from '../phase';

export interface ParsedTrace {
  records: TraceRecord[];
}

export type TraceParseResult = { ok: true; trace: ParsedTrace } | { ok: false; line: number; message: string };

export const MAX_TRACE_BYTES = 512 * 1024 * 1024;
const MAX_NODES = 64;
const MAX_TEXT = 200;

type Json = Record<string, unknown>;

class LineError extends Error {}

/** Lines checked between two yields to the event loop, so a live node in this tab keeps running. */
const LINES_PER_SLICE = 20_000;

/** Checks a whole trace; yields to the event loop now and then (a trace can have millions of lines). */
export async function parseTrace(text: string): Promise<TraceParseResult> {
  const lines = text.split('\n');
  const records: TraceRecord[] = [];
  const nodes = new Set<MemberId>();
  for (let i = 0; i < lines.length; i += 1) {
    if (i > 0 && i % LINES_PER_SLICE === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      const record = parseRecord(line);
      nodes.add(record.node);
      if (nodes.size > MAX_NODES) throw new LineError(`more than ${MAX_NODES} different nodes in one trace`);
      records.push(record);
    } catch (error) {
      if (error instanceof LineError) return { ok: false, line: i + 1, message: error.message };
      throw error;
    }
  }
  if (records.length === 0) return { ok: false, line: 1, message: 'the file holds no trace records' };
  if (!records.some((r) => r.ev === 'start')) return { ok: false, line: 1, message: 'no node of this trace records a start: it cannot be replayed' };
  return { ok: true, trace: { records } };
}

function parseRecord(line: string): TraceRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new LineError('not valid JSON');
  }
  if (!isObject(value)) throw new LineError('a record must be a JSON object');
  const t = field(value, 't', Number.isSafeInteger, 'an integer (microseconds)') as number;
  const node = field(value, 'node', isMemberId, 'a member id') as MemberId;
  const base = { t, node };
  switch (value.ev) {
    case 'start':
      return { ...base, ev: 'start', run: u32(value, 'run'), runId: text(value, 'runId'), members: members(value), params: params(value) };
    case 'send':
      return { ...base, ev: 'send', to: id(value, 'to'), frame: frame(value, node) };
    case 'recv': {
      const from = id(value, 'from');
      return { ...base, ev: 'recv', from, frame: frame(value, from) };
    }
    case 'timer':
      return { ...base, ev: 'timer', name: field(value, 'name', (v) => v === 'tick' || v === 'phase', '"tick" or "phase"') as 'tick' | 'phase' };
    case 'commit':
      return { ...base, ev: 'commit', from: id(value, 'from'), seq: positive(value, 'seq'), sentAt: count(value, 'sentAt'), value: messageValue(value) };
    case 'phase':
      return { ...base, ev: 'phase', phase: field(value, 'phase', (v) => PHASE_ORDER.includes(v as Phase), 'a phase name') as Phase };
    case 'result':
      return { ...base, ev: 'result', count: count(value, 'count'), checksum: field(value, 'checksum', isChecksum, 'a decimal with 10 decimals') as string, complete: bool(value, 'complete') };
    case 'stop':
      return { ...base, ev: 'stop' };
    case 'crash':
      return { ...base, ev: 'crash' };
    case 'restart':
      return { ...base, ev: 'restart' };
    case 'link':
      return { ...base, ev: 'link', peer: id(value, 'peer'), state: text(value, 'state') };
    case 'batch':
      return { ...base, ev: 'batch', to: id(value, 'to'), frames: field(value, 'frames', (v) => isCount(v) && (v as number) >= 2, 'an integer of at least 2') as number };
    case 'drop':
      return { ...base, ev: 'drop', to: id(value, 'to'), frame: frame(value, node), reason: text(value, 'reason') };
    case 'clock':
      return { ...base, ev: 'clock', offsetUs: field(value, 'offsetUs', Number.isSafeInteger, 'an integer (microseconds)') as number, rttUs: field(value, 'rttUs', (v) => v === null || isCount(v), 'a non-negative integer or null') as number | null, via: id(value, 'via') };
    default:
      throw new LineError(`unknown event ${JSON.stringify(String(value.ev).slice(0, 40))}`);
  }
}

function field(record: Json, name: string, valid: (v: unknown) => boolean, expected: string): unknown {
  const value = record[name];
  if (!valid(value)) throw new LineError(`"${name}" must be ${expected}${value === undefined ? ' (it is missing)' : ''}`);
  return value;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isChecksum = (v: unknown): boolean => typeof v === 'string' && /^\d{1,40}\.\d{10}$/.test(v);

const id = (r: Json, name: string): MemberId => field(r, name, isMemberId, 'a member id') as MemberId;
const count = (r: Json, name: string): number => field(r, name, isCount, 'a non-negative integer') as number;
const positive = (r: Json, name: string): number => field(r, name, (v) => isCount(v) && (v as number) >= 1, 'a positive integer') as number;
const u32 = (r: Json, name: string): number => field(r, name, (v) => isCount(v) && (v as number) <= 0xffff_ffff, 'a 32-bit unsigned integer') as number;
const bool = (r: Json, name: string): boolean => field(r, name, (v) => typeof v === 'boolean', 'true or false') as boolean;
const text = (r: Json, name: string): string => field(r, name, (v) => typeof v === 'string' && v.length <= MAX_TEXT, `a string of at most ${MAX_TEXT} characters`) as string;
const messageValue = (r: Json): number => field(r, 'value', (v) => isCount(v) && (v as number) >= 1 && (v as number) <= SCALE, `an integer from 1 to ${SCALE}`) as number;

function members(record: Json): MemberId[] {
  const list = record.members;
  if (!Array.isArray(list)) throw new LineError('"members" must be an array of member ids');
  const error = memberListError(list);
  if (error) throw new LineError(`"members": ${error}`);
  return [...(list as MemberId[])];
}

function params(record: Json): RunParams {
  const error = paramsError(record.params);
  if (error) throw new LineError(`"params": ${error}`);
  return pickParams(record.params as RunParams);
}

/** A frame as JSON (docs/TRACE.md), sent by `sender`; checked by encoding it with the wire codec. */
function frame(record: Json, sender: MemberId): Frame {
  const value = record.frame;
  if (!isObject(value)) throw new LineError('"frame" must be an object');
  const base = { run: value.run, from: value.from };
  let candidate: unknown;
  switch (value.kind) {
    case 'data':
      candidate = { kind: 'data', ...base, seq: value.seq, sentAt: value.sentAt, value: value.value };
      break;
    case 'ack':
    case 'fin':
      candidate = { kind: value.kind, ...base, seq: value.seq };
      break;
    case 'result':
      if (typeof value.complete !== 'boolean') throw new LineError('"frame.complete" must be true or false');
      candidate = { kind: 'result', ...base, count: value.count, checksum: value.checksum, complete: value.complete };
      break;
    case 'ping':
    case 'pong':
      candidate = { kind: value.kind, ...base, nonce: value.nonce, time: value.time };
      break;
    default:
      throw new LineError(`"frame.kind" must be data, ack, fin, result, ping or pong`);
  }
  const checked = candidate as Frame;
  if (checked.from !== sender) throw new LineError(`"frame.from" is ${JSON.stringify(String(checked.from).slice(0, 40))} but the frame travels from ${sender}`);
  try {
    encodeFrame(checked);
  } catch (error) {
    throw new LineError(`"frame" is not a valid ${checked.kind} frame: ${error instanceof Error ? error.message.replace(/^encodeFrame: (invalid [a-z]+ frame: )?/, '') : String(error)}`);
  }
  return checked;
}
