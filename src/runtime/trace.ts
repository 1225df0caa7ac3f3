// The trace format (JSON Lines, one event per line) written by nodes and the simulator; see docs/TRACE.md.

import type { Frame, MemberId, Phase, RunParams, TimerName } from '../core';

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

/** One JSON line per record (no trailing newline). Keys in a fixed order so output is byte-stable. */
export function traceLine(record: TraceRecord): string {
  return JSON.stringify(record);
}
