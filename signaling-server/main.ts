// Runnable signaling server: settings from flags and environment (settings.ts), a startup banner, graceful shutdown.

import { existsSync, realpathSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSignalingServer, type SignalingServer } from './server';
import { describeSettings, listenFailure, readSettings, SettingsError, type ServerSettings } from './settings';

const DEFAULT_PORT = 8787;
const DEFAULT_HOST = '0.0.0.0';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Starts the server, prints where to open it, and closes it gracefully on SIGINT/SIGTERM.
 * A port in use (or a host that is not this machine's) is a SettingsError with one line to print.
 */
export async function runSignalingServer(settings: ServerSettings = {}): Promise<SignalingServer> {
  const host = settings.host ?? DEFAULT_HOST;
  const port = settings.port ?? DEFAULT_PORT;
  const staticDir = settings.staticDir ?? defaultStaticDir();
  let server: SignalingServer;
  try {
    server = await createSignalingServer({
      ...settings,
      port,
      host,
      staticDir,
      log: (line) => console.log(`[signaling] ${line}`),
    });
  } catch (error) {
    throw listenFailure(error, port, host) ?? error;
  }
  printBanner(host, server.port, staticDir);
  return closingOnSignals(server);
}

/** Help for the scripts that start a server (`npm start`, `signaling-server/main.ts`). */
function scriptHelp(command: string): string {
  return `${command} [options]

Runs the signaling server and serves the built UI on the same port. Every option can also be set
with the environment variable next to it; a flag wins over its variable.

${describeSettings()}`;
}

/**
 * The settings of a script run with these arguments, or null once it printed the help or a one-line
 * reason (then process.exitCode is 2) and should stop.
 */
export function scriptSettings(command: string, args: readonly string[], env: NodeJS.ProcessEnv): ServerSettings | null {
  try {
    const { help, settings } = readSettings(args, env);
    if (!help) return settings;
    console.log(scriptHelp(command));
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(`${command}: ${error.message}`);
    process.exitCode = 2;
  }
  return null;
}

/** Runs the server for a script; a port in use and the like print one line and set exit code 2. */
export async function runScriptServer(command: string, options: ServerSettings): Promise<void> {
  try {
    await runSignalingServer(options);
  } catch (error) {
    console.error(`${command}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof SettingsError ? 2 : 1;
  }
}

function defaultStaticDir(): string | undefined {
  const dist = path.join(REPO_ROOT, 'dist');
  return existsSync(dist) ? dist : undefined;
}

function printBanner(host: string, port: number, staticDir: string | undefined): void {
  const what = staticDir ? 'signaling + UI' : 'signaling (no UI: no built web app found)';
  console.log(`Chatterbox ${what} on http://${browserHost(host)}:${port}/`);
  if (host === '0.0.0.0' || host === '::') {
    for (const address of lanAddresses()) console.log(`  on your network: http://${address}:${port}/`);
  }
}

/** A host a browser on this machine can open: wildcard binds become localhost. */
function browserHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => address.family === 'IPv4' && !address.internal)
    .map((address) => address.address);
}

/** Closes the server on the first SIGINT/SIGTERM; closing it otherwise removes the signal handlers. */
function closingOnSignals(server: SignalingServer): SignalingServer {
  const removeHandlers = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const close = async (): Promise<void> => {
    removeHandlers();
    await server.close();
  };
  function onSignal(signal: NodeJS.Signals): void {
    console.log(`[signaling] ${signal}: shutting down`);
    close().catch((error: unknown) => {
      console.error(`[signaling] shutdown failed: ${String(error)}`);
      process.exitCode = 1;
    });
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { ...server, close };
}

function isDirectRun(): boolean {
  const script = process.argv[1];
  if (script === undefined || !existsSync(script)) return false;
  return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
}

if (isDirectRun()) {
  const settings = scriptSettings('signaling-server/main.ts', process.argv.slice(2), process.env);
  if (settings) await runScriptServer('signaling-server/main.ts', settings);
}
