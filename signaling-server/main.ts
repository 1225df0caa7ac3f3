// Runnable signaling server: configuration from the environment, a startup banner, graceful shutdown.

import { existsSync, realpathSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IceServer } from './protocol';
import { createSignalingServer, type SignalingServer } from './server';

export interface RunSignalingOptions {
  /** Default 8787. */
  port?: number;
  /** Default 0.0.0.0 (reachable from the LAN). */
  host?: string;
  /** Built web app to serve; default <repo>/dist when it exists. */
  staticDir?: string;
  /** Browser origins allowed to connect; default any. */
  allowedOrigins?: string[];
  iceServers?: IceServer[];
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '0.0.0.0';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Starts the server, prints where to open it, and closes it gracefully on SIGINT/SIGTERM. */
export async function runSignalingServer(options: RunSignalingOptions = {}): Promise<SignalingServer> {
  const host = options.host ?? DEFAULT_HOST;
  const staticDir = options.staticDir ?? defaultStaticDir();
  const server = await createSignalingServer({
    ...options,
    port: options.port ?? DEFAULT_PORT,
    host,
    staticDir,
    log: (line) => console.log(`[signaling] ${line}`),
  });
  printBanner(host, server.port, staticDir);
  return closingOnSignals(server);
}

/** Reads PORT, HOST, STATIC_DIR, ALLOWED_ORIGINS (comma list) and ICE_SERVERS (JSON array). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunSignalingOptions {
  const options: RunSignalingOptions = {};
  if (env.PORT) options.port = parsePort(env.PORT);
  if (env.HOST) options.host = env.HOST;
  if (env.STATIC_DIR) options.staticDir = path.resolve(env.STATIC_DIR);
  const origins = (env.ALLOWED_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  if (origins.length > 0) options.allowedOrigins = origins;
  if (env.ICE_SERVERS) options.iceServers = parseIceServers(env.ICE_SERVERS);
  return options;
}

function defaultStaticDir(): string | undefined {
  const dist = path.join(REPO_ROOT, 'dist');
  return existsSync(dist) ? dist : undefined;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0..65535, got ${text}`);
  return port;
}

function parseIceServers(text: string): IceServer[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('ICE_SERVERS must be a JSON array');
  }
  if (!Array.isArray(value) || !value.every(isIceServer)) {
    throw new Error('ICE_SERVERS must be a JSON array of {"urls", "username"?, "credential"?} objects');
  }
  return value;
}

function isIceServer(value: unknown): value is IceServer {
  if (typeof value !== 'object' || value === null) return false;
  const { urls, username, credential } = value as Record<string, unknown>;
  const urlsValid = typeof urls === 'string' || (Array.isArray(urls) && urls.every((url) => typeof url === 'string'));
  return urlsValid && isOptionalString(username) && isOptionalString(credential);
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
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
  runSignalingServer(optionsFromEnv()).catch((error: unknown) => {
    console.error(`chatterbox signaling: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
