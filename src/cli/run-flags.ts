// Flags the commands share: the run flags (as the original's: --send-for, --wait-for, ...), --room and --ice.

import { isRoomName, type IceServer } from '../signaling';
import { DEFAULT_PARAMS, LIMITS, MAX_SEED, type RunParams } from '../core';
import { parseIceUrl } from '../net/ice';
import { defineFlags, UsageError, type FlagValues } from './flags';

const MAX_SECONDS = LIMITS.maxDurationMs / 1000;

export const RUN_FLAGS = defineFlags({
  'send-for': { type: 'number', value: 'SECONDS', min: 0, max: MAX_SECONDS, default: DEFAULT_PARAMS.sendForMs / 1000, help: 'length of the send phase' },
  'wait-for': { type: 'number', value: 'SECONDS', min: 0, max: MAX_SECONDS, default: DEFAULT_PARAMS.waitForMs / 1000, help: 'length of the wait phase' },
  'with-seed': { type: 'integer', value: 'SEED', min: 0, max: MAX_SEED, default: DEFAULT_PARAMS.seed, help: 'seed of the random values' },
  'tick-duration': { type: 'number', value: 'MS', min: LIMITS.minTickMs, max: LIMITS.maxTickMs, default: DEFAULT_PARAMS.tickMs, help: 'resend period in milliseconds' },
  window: { type: 'integer', value: 'W', min: 1, max: LIMITS.maxWindow, default: DEFAULT_PARAMS.window, help: 'messages in flight per sender; 1 = the original protocol' },
});

type RunFlagValues = FlagValues<typeof RUN_FLAGS>;

/** The run flags, in the order `runParamsToArgs` writes them. */
export const RUN_PARAM_FLAGS = ['send-for', 'wait-for', 'with-seed', 'tick-duration', 'window'] as const satisfies ReadonlyArray<keyof typeof RUN_FLAGS>;

export function runParamsFromFlags(flags: RunFlagValues): RunParams {
  return {
    sendForMs: Math.round(flags['send-for'] * 1000),
    waitForMs: Math.round(flags['wait-for'] * 1000),
    seed: flags['with-seed'],
    tickMs: flags['tick-duration'],
    window: flags.window,
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
export function checkedRoom(room: string): string {
  if (!isRoomName(room)) throw new UsageError('--room must be 1-64 letters, digits, _ or -');
  return room;
}

/** The repeatable `--ice URL` flag as ICE servers (docs: README, "Nodes on different machines"). */
export function iceServersFromFlag(urls: readonly string[]): IceServer[] {
  return urls.map((url) => {
    const server = parseIceUrl(url);
    if (!server) throw new UsageError(`--ice must be a stun:, turn: or turns: URL, got ${JSON.stringify(url)}`);
    return server;
  });
}
