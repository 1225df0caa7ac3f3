// Flags the commands share: the run flags (as the original's: --send-for, --wait-for, ...), --room and --ice.

import { isRoomName, type IceServer } from '../signaling';
import { DEFAULT_PARAMS, LIMITS, MAX_SEED, type RunParams } from '../core';
import { parseIceUrl } from '../net/ice';
import { flagNumber, flagString, flagStrings, UsageError, type FlagSpecs, type ParsedFlags } from './flags';

const MAX_SECONDS = LIMITS.maxDurationMs / 1000;

export const RUN_FLAGS: FlagSpecs = {
  'send-for': { type: 'number', value: 'SECONDS', min: 0, max: MAX_SECONDS, help: `length of the send phase (default ${DEFAULT_PARAMS.sendForMs / 1000})` },
  'wait-for': { type: 'number', value: 'SECONDS', min: 0, max: MAX_SECONDS, help: `length of the wait phase (default ${DEFAULT_PARAMS.waitForMs / 1000})` },
  'with-seed': { type: 'integer', value: 'SEED', min: 0, max: MAX_SEED, help: `seed of the random values (default ${DEFAULT_PARAMS.seed})` },
  'tick-duration': { type: 'number', value: 'MS', min: LIMITS.minTickMs, max: LIMITS.maxTickMs, help: `resend period in milliseconds (default ${DEFAULT_PARAMS.tickMs})` },
  window: { type: 'integer', value: 'W', min: 1, max: LIMITS.maxWindow, help: 'messages in flight per sender; 1 = the original protocol (default 1)' },
};

/** The flags that set run params, as `runParamsToArgs` writes them. */
export const RUN_PARAM_FLAGS = ['send-for', 'wait-for', 'with-seed', 'tick-duration', 'window'] as const;

export function runParamsFromFlags(flags: ParsedFlags): RunParams {
  return {
    sendForMs: Math.round(flagNumber(flags, 'send-for', DEFAULT_PARAMS.sendForMs / 1000) * 1000),
    waitForMs: Math.round(flagNumber(flags, 'wait-for', DEFAULT_PARAMS.waitForMs / 1000) * 1000),
    seed: flagNumber(flags, 'with-seed', DEFAULT_PARAMS.seed),
    tickMs: flagNumber(flags, 'tick-duration', DEFAULT_PARAMS.tickMs),
    window: flagNumber(flags, 'window', DEFAULT_PARAMS.window),
  };
}

/** The run flags that reproduce these params on a command line. */
export function runParamsToArgs(params: RunParams): string[] {
  return [
    '--send-for', String(params.sendForMs / 1000),
    '--wait-for', String(params.waitForMs / 1000),
    '--with-seed', String(params.seed),
    '--tick-duration', String(params.tickMs),
    '--window', String(params.window),
  ];
}

/** `--room NAME`, checked with the signaling server's own rule. */
export function roomFromFlags(flags: ParsedFlags, fallback: string): string {
  const room = flagString(flags, 'room') ?? fallback;
  if (!isRoomName(room)) throw new UsageError('--room must be 1-64 letters, digits, _ or -');
  return room;
}

/** The repeatable `--ice URL` flag as ICE servers (docs: README, "Nodes on different machines"). */
export function iceServersFromFlags(flags: ParsedFlags): IceServer[] {
  return flagStrings(flags, 'ice').map((url) => {
    const server = parseIceUrl(url);
    if (!server) throw new UsageError(`--ice must be a stun:, turn: or turns: URL, got ${JSON.stringify(url)}`);
    return server;
  });
}
