// Child process of the raw round-trip bench: one simple-peer + wrtc data channel, signals over stdin/stdout.
//
// Usage: node --import tsx src/bench/pingpong-peer.ts <pinger|echoer> <seconds>
// Every stdout line is JSON: { signal } for the other peer, then (pinger only) { roundTrips, seconds, sendCallUs }.

import { createInterface } from 'node:readline';
import Peer from 'simple-peer';
import type SimplePeer from 'simple-peer';
import { loadWrtc } from '../net/node-transport';

/** About the size of an encoded DATA frame. */
const PAYLOAD_BYTES = 32;

const [role, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
if ((role !== 'pinger' && role !== 'echoer') || !(seconds > 0)) {
  process.stderr.write('usage: pingpong-peer.ts <pinger|echoer> <seconds>\n');
  process.exit(2);
}

const peer = new Peer({ initiator: role === 'pinger', trickle: true, wrtc: loadWrtc() as unknown as SimplePeer.Options['wrtc'] });
const emit = (message: unknown): void => void process.stdout.write(JSON.stringify(message) + '\n');

peer.on('signal', (signal) => emit({ signal }));
peer.on('error', (error: Error) => finish(`peer error: ${error.message}`));
createInterface({ input: process.stdin }).on('line', (line) => peer.signal(JSON.parse(line).signal as SimplePeer.SignalData));
if (role === 'pinger') peer.on('connect', () => ping(peer));
else peer.on('data', (data: Uint8Array) => peer.send(data));
process.stdin.on('end', () => finish());

/** Sequential ping-pong: send, wait for the echo, repeat until the time is up; also times send() itself. */
function ping(channel: SimplePeer.Instance): void {
  const payload = new Uint8Array(PAYLOAD_BYTES);
  let roundTrips = 0;
  let sendTime = 0;
  const started = performance.now();
  const endsAt = started + seconds * 1000;
  const send = (): void => {
    const before = performance.now();
    channel.send(payload);
    sendTime += performance.now() - before;
  };
  channel.on('data', () => {
    roundTrips += 1;
    if (performance.now() < endsAt) {
      send();
      return;
    }
    const elapsed = (performance.now() - started) / 1000;
    emit({ roundTrips, seconds: elapsed, sendCallUs: (sendTime * 1000) / roundTrips });
    finish();
  });
  send();
}

/** Destroys the peer before exiting (wrtc can crash at exit otherwise). */
function finish(error?: string): void {
  if (error) process.stderr.write(error + '\n');
  peer.destroy();
  setTimeout(() => process.exit(error ? 1 : 0), 100);
}
