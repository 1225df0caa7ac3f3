// `chatterbox signal`: runs the signaling server (and serves the built UI when there is one).

import { runSignalingServer } from '../../signaling-server/main';
import { describeFlags, flagBoolean, flagNumber, flagString, flagStrings, parseFlags, type FlagSpecs } from './flags';
import type { CommandOutput } from './output';
import { iceServersFromFlags } from './run-flags';

const SIGNAL_FLAGS: FlagSpecs = {
  port: { type: 'integer', value: 'PORT', min: 0, max: 65535, help: 'port for signaling and the UI (default $PORT or 8787)' },
  host: { type: 'string', value: 'HOST', help: 'interface to listen on (default 0.0.0.0)' },
  'static-dir': { type: 'string', value: 'DIR', help: 'built UI to serve (default dist/ when it exists)' },
  origin: { type: 'strings', value: 'ORIGIN', help: 'allowed browser Origin, repeatable (default: any)' },
  ice: { type: 'strings', value: 'URL', help: 'STUN/TURN server announced to clients, repeatable' },
  help: { type: 'boolean', alias: 'h', help: 'show this help' },
};

export const SIGNAL_HELP = `chatterbox signal [options]

Runs the signaling server: WebSocket rooms, SDP/ICE relay and run start, plus the built UI on the
same port (what npm start runs, without building). Stops gracefully on Ctrl-C.

${describeFlags(SIGNAL_FLAGS)}`;

export async function runSignal(args: readonly string[], out: CommandOutput): Promise<number> {
  const flags = parseFlags(args, SIGNAL_FLAGS);
  if (flagBoolean(flags, 'help')) {
    out.stdout(SIGNAL_HELP);
    return 0;
  }
  const iceServers = iceServersFromFlags(flags);
  const envPort = process.env.PORT ? Number(process.env.PORT) : 8787;
  // The server keeps the process alive until Ctrl-C or SIGTERM closes it gracefully.
  await runSignalingServer({
    port: flagNumber(flags, 'port', envPort),
    host: flagString(flags, 'host'),
    staticDir: flagString(flags, 'static-dir'),
    allowedOrigins: flags.has('origin') ? flagStrings(flags, 'origin') : undefined,
    iceServers: iceServers.length > 0 ? iceServers : undefined,
  });
  return 0;
}
