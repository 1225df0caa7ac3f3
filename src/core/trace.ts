// The trace record (docs/TRACE.md) and its mapping to and from the reducer, both ways and pure:
// a reducer input or effect becomes a record; a record that is an input becomes the event again.
// The runtime, the simulator and every replay use these, so the file format has one definition.

import { formatFixed } from './fixed';
import { isProtocolFrame, type Frame } from './frames';
import type { MemberId } from './ids';
import type { RunParams } from './params';
import type { Effect, Phase, ProtocolEvent, TimerName } from './protocol';

/** Every record: `t` is the recording node's clock in microseconds, `node` the node that recorded it. */
export type TraceRecord =
  | { t: number; node: MemberId; ev: 'start'; run: number; runId: string; members: MemberId[]; params: RunParams }
  | { t: number; node: MemberId; ev: 'send'; to: MemberId; frame: Frame }
  | { t: number; node: MemberId; ev: 'recv'; from: MemberId; frame: Frame }
  | { t: number; node: MemberId; ev: 'timer'; name: TimerName }
  | { t: number; node: MemberId; ev: 'commit'; from: MemberId; seq: number; sentAt: number; value: number }
  | { t: number; node: MemberId; ev: 'phase'; phase: Phase }
  | { t: number; node: MemberId; ev: 'result'; count: number; checksum: string; complete: boolean }
  | { t: number; node: MemberId; ev: 'stop' }
  | { t: number; node: MemberId; ev: 'link'; peer: MemberId; state: string }
  | { t: number; node: MemberId; ev: 'batch'; to: MemberId; frames: number }
  | { t: number; node: MemberId; ev: 'drop'; to: MemberId; frame: Frame; reason: string }
  | { t: number; node: MemberId; ev: 'crash' }
  | { t: number; node: MemberId; ev: 'restart' }
  | { t: number; node: MemberId; ev: 'clock'; offsetUs: number; rttUs: number | null; via: MemberId };

export type TraceEvent = TraceRecord['ev'];

/** One JSON line per record (no trailing newline). Keys in a fixed order so output is byte-stable. */
export function traceLine(record: TraceRecord): string {
  return JSON.stringify(record);
}

/** A frame that reached `node` from `from` at `t` (any kind: control frames are recorded too). */
export function recvRecord(node: MemberId, t: number, from: MemberId, frame: Frame): TraceRecord {
  return { t, node, ev: 'recv', from, frame };
}

/** A frame `node` sent to `to` at `t` (any kind). */
export function sendRecord(node: MemberId, t: number, to: MemberId, frame: Frame): TraceRecord {
  return { t, node, ev: 'send', to, frame };
}

/** The record of a reducer input of `node`; `runId` names the run in a start record. */
export function inputRecord(node: MemberId, event: ProtocolEvent, runId: string): TraceRecord {
  switch (event.type) {
    case 'start':
      return { t: event.now, node, ev: 'start', run: event.run, runId, members: [...event.members], params: event.params };
    case 'frame':
      return recvRecord(node, event.now, event.frame.from, event.frame);
    case 'timer':
      return { t: event.now, node, ev: 'timer', name: event.name };
    case 'stop':
      return { t: event.now, node, ev: 'stop' };
  }
}

/** The record of a reducer effect of `node` at `t`; a log line has none. */
export function effectRecord(node: MemberId, t: number, effect: Effect): TraceRecord | null {
  switch (effect.type) {
    case 'send':
      return sendRecord(node, t, effect.to, effect.frame);
    case 'commit':
      return { t, node, ev: 'commit', from: effect.entry.from, seq: effect.entry.seq, sentAt: effect.entry.sentAt, value: effect.entry.value };
    case 'phase':
      return { t, node, ev: 'phase', phase: effect.phase };
    case 'result':
      return { t, node, ev: 'result', count: effect.result.count, checksum: formatFixed(effect.result.checksum), complete: effect.result.complete };
    case 'log':
      return null;
  }
}

/**
 * The reducer input a record stands for (start, recv of DATA/ACK/FIN, timer, stop), or null. In a
 * cluster trace `t` is on the reference clock: the node's own clock, which its reducer saw, is
 * `t + offsetUs` (its `clock` record; docs/TRACE.md).
 */
export function inputOf(record: TraceRecord, offsetUs = 0): ProtocolEvent | null {
  const now = record.t + offsetUs;
  switch (record.ev) {
    case 'start':
      return { type: 'start', now, run: record.run, members: record.members, params: record.params };
    case 'recv':
      return isProtocolFrame(record.frame) ? { type: 'frame', now, frame: record.frame } : null;
    case 'timer':
      return { type: 'timer', now, name: record.name };
    case 'stop':
      return { type: 'stop', now };
    default:
      return null;
  }
}
