// The limit: sequential ping-pong round trips per second over one raw data channel between two processes.

import type { ChildProcess } from 'node:child_process';
import { collect, lastJsonLine, spawnScript } from './processes';

export interface PingPongResult {
  roundTripsPerSec: number;
  roundTrips: number;
  seconds: number;
  /** Mean wall time of one RTCDataChannel.send call in the pinger (a synchronous cross-thread call in wrtc). */
  sendCallUs: number;
}

/** Two peer processes; the parent relays their SDP and ICE signals (each stdout line to the other's stdin). */
export async function runPingPong(seconds: number, timeoutMs: number, nodeFlags: readonly string[] = []): Promise<PingPongResult> {
  const pinger = spawnScript('./pingpong-peer.ts', ['pinger', String(seconds)], nodeFlags);
  const echoer = spawnScript('./pingpong-peer.ts', ['echoer', String(seconds)], nodeFlags);
  relaySignals(pinger, echoer);
  relaySignals(echoer, pinger);
  const [outcome] = await Promise.all([collect(pinger, timeoutMs), collect(echoer, timeoutMs)]);
  const result = lastJsonLine(outcome, 'ping-pong pinger') as Omit<PingPongResult, 'roundTripsPerSec'>;
  return { ...result, roundTripsPerSec: Math.round(result.roundTrips / result.seconds), sendCallUs: Math.round(result.sendCallUs) };
}

/** Passes `{ signal }` lines on; any other line (the pinger's result), or an exit, ends the other peer. */
function relaySignals(from: ChildProcess, to: ChildProcess): void {
  let buffered = '';
  to.stdin!.on('error', () => undefined); // the other peer may exit first (EPIPE)
  from.on('exit', () => to.stdin!.end());
  from.stdout!.on('data', (chunk: Buffer | string) => {
    buffered += String(chunk);
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('{"signal"')) to.stdin!.write(line + '\n');
      else to.stdin!.end();
    }
  });
}
