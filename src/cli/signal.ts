// `chatterbox signal`: runs the signaling server (and serves the built UI when there is one).

import { runSignalingServer } from '../../signaling-server/main';
import { describeSettings, readSettings, SettingsError } from '../../signaling-server/settings';
import { UsageError } from './flags';
import type { CommandOutput } from './output';

export const SIGNAL_HELP = `chatterbox signal [options]

Runs the signaling server: WebSocket rooms, SDP/ICE relay and run start, plus the built UI on the
same port (what npm start runs, without building). Stops gracefully on Ctrl-C. Every option can
also be set with the environment variable next to it; a flag wins over its variable.

${describeSettings()}

Exit codes: 0 stopped by Ctrl-C or SIGTERM, 2 bad options or the port is in use.`;

export async function runSignal(args: readonly string[], out: CommandOutput): Promise<number> {
  const { help, settings } = settingsOrUsageError(args);
  if (help) {
    out.stdout(SIGNAL_HELP);
    return 0;
  }
  try {
    // The server keeps the process alive until Ctrl-C or SIGTERM closes it gracefully.
    await runSignalingServer(settings);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    out.stderr(`chatterbox signal: ${error.message}`);
    return 2;
  }
  return 0;
}

function settingsOrUsageError(args: readonly string[]): ReturnType<typeof readSettings> {
  try {
    return readSettings(args, process.env);
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(error.message);
    throw error;
  }
}
