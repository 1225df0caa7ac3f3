// A signaling server process's settings, from flags and environment alike: the one parser behind
// `npm start`, `chatterbox signal` and `signaling-server/main.ts`.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseIceUrl } from '../src/net/ice';
import { checkIceServer, type IceServer } from '../src/signaling';

/** A setting that cannot be used: a bad flag or variable, or a port that is taken. One line, for exit code 2. */
export class SettingsError extends Error {}

/** What a server process is started with; absent fields take the server's defaults. */
export interface ServerSettings {
  port?: number;
  host?: string;
  staticDir?: string;
  allowedOrigins?: string[];
  iceServers?: IceServer[];
}

interface Setting {
  /** The flag without its dashes. */
  flag: string;
  /** The environment variable read when the flag is absent. */
  env: string;
  /** Placeholder for the value in the help. */
  value: string;
  help: string;
  /** The flag may be repeated; the variable then holds the whole list in its own format. */
  repeatable?: boolean;
  /** Reads the flag's values (one unless repeatable) into the settings. */
  fromFlag(values: string[], into: ServerSettings): void;
  /** Reads the variable's text into the settings. */
  fromEnv(text: string, into: ServerSettings): void;
}

const PORT_NOTE = '0 picks a free one';

const SETTINGS: readonly Setting[] = [
  {
    flag: 'port',
    env: 'PORT',
    value: 'PORT',
    help: `port for signaling and the UI (default 8787; ${PORT_NOTE})`,
    fromFlag: ([text], into) => (into.port = parsePort(text, '--port')),
    fromEnv: (text, into) => (into.port = parsePort(text, 'PORT')),
  },
  {
    flag: 'host',
    env: 'HOST',
    value: 'HOST',
    help: 'interface to listen on (default 0.0.0.0, every interface)',
    fromFlag: ([text], into) => (into.host = nonEmpty(text, '--host')),
    fromEnv: (text, into) => (into.host = nonEmpty(text, 'HOST')),
  },
  {
    flag: 'static-dir',
    env: 'STATIC_DIR',
    value: 'DIR',
    help: 'built UI to serve (default dist/ when it exists)',
    fromFlag: ([text], into) => (into.staticDir = path.resolve(nonEmpty(text, '--static-dir'))),
    fromEnv: (text, into) => (into.staticDir = path.resolve(nonEmpty(text, 'STATIC_DIR'))),
  },
  {
    flag: 'origin',
    env: 'ALLOWED_ORIGINS',
    value: 'ORIGIN',
    repeatable: true,
    help: 'browser Origin allowed to connect, repeatable (default: any);\nALLOWED_ORIGINS is a comma list',
    fromFlag: (values, into) => (into.allowedOrigins = values.map((origin) => parseOrigin(origin, '--origin'))),
    fromEnv: (text, into) => (into.allowedOrigins = parseOriginList(text)),
  },
  {
    flag: 'ice',
    env: 'ICE_SERVERS',
    value: 'URL',
    repeatable: true,
    help: 'STUN/TURN server announced to clients, repeatable (turn:USER:PASS@host:port for credentials);\n' +
      'ICE_SERVERS is a JSON array of {"urls", "username"?, "credential"?}',
    fromFlag: (values, into) => (into.iceServers = values.map(parseIceFlag)),
    fromEnv: (text, into) => (into.iceServers = parseIceServers(text)),
  },
];

/**
 * Reads the settings: each flag, else its environment variable, else the server's default.
 * `--help` (or -h) asks for the help instead. Throws SettingsError naming the bad flag or variable.
 */
export function readSettings(args: readonly string[], env: NodeJS.ProcessEnv): { help: boolean; settings: ServerSettings } {
  const flags = parseSettingFlags(args);
  const settings: ServerSettings = {};
  for (const setting of SETTINGS) {
    const values = flags[setting.flag];
    if (Array.isArray(values)) setting.fromFlag(values, settings);
    else if (env[setting.env] !== undefined && env[setting.env] !== '') setting.fromEnv(env[setting.env]!, settings);
  }
  return { help: flags.help === true, settings };
}

/** The options part of a help text: each flag with its variable. */
export function describeSettings(): string {
  const rows: Array<[string, string]> = SETTINGS.map((setting) => [`  --${setting.flag} ${setting.value}`, `$${setting.env}`]);
  rows.push(['  -h, --help', '']);
  const flagWidth = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const envWidth = Math.max(...rows.map(([, env]) => env.length)) + 2;
  const helps = [...SETTINGS.map((setting) => setting.help), 'show this help'];
  return rows
    .map(([flag, env], index) => {
      const [first, ...rest] = helps[index].split('\n');
      const indent = ' '.repeat(flagWidth + envWidth);
      return [`${flag.padEnd(flagWidth)}${env.padEnd(envWidth)}${first}`, ...rest.map((line) => indent + line)].join('\n');
    })
    .join('\n');
}

/** The one line to print when the server cannot listen, or null for errors that are not about the settings. */
export function listenFailure(error: unknown, port: number, host: string): SettingsError | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') {
    return new SettingsError(`port ${port} is already in use; choose another with --port PORT or $PORT (${PORT_NOTE})`);
  }
  if (code === 'EACCES') {
    return new SettingsError(`no permission to listen on port ${port}; choose another with --port PORT or $PORT`);
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new SettingsError(`cannot listen on host ${host}: not an address of this machine; choose another with --host HOST or $HOST`);
  }
  return null;
}

function parseSettingFlags(args: readonly string[]): Record<string, string[] | boolean | undefined> {
  const options = Object.fromEntries(SETTINGS.map((setting) => [setting.flag, { type: 'string' as const, multiple: true }]));
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    const flags = values as Record<string, string[] | boolean | undefined>;
    for (const setting of SETTINGS) {
      const given = flags[setting.flag];
      if (!setting.repeatable && Array.isArray(given) && given.length > 1) throw new SettingsError(`--${setting.flag} is given more than once`);
    }
    return flags;
  } catch (error) {
    if (error instanceof SettingsError) throw error;
    throw new SettingsError(firstSentence(error instanceof Error ? error.message : String(error)));
  }
}

/** A port as decimal digits, 0 to 65535 (the same rule as the CLI's integer flags). */
function parsePort(text: string, name: string): number {
  if (!/^[0-9]+$/.test(text)) throw new SettingsError(`${name} must be a decimal integer from 0 to 65535, got ${JSON.stringify(text)}`);
  const port = Number(text);
  if (port > 65535) throw new SettingsError(`${name} ${text} is out of range: must be from 0 to 65535`);
  return port;
}

function nonEmpty(text: string, name: string): string {
  if (text.trim() === '') throw new SettingsError(`${name} must not be empty`);
  return text;
}

function parseOriginList(text: string): string[] {
  const origins = text.split(',').map((origin) => origin.trim()).filter(Boolean);
  if (origins.length === 0) throw new SettingsError('ALLOWED_ORIGINS must list at least one origin, e.g. http://localhost:8787');
  return origins.map((origin) => parseOrigin(origin, 'ALLOWED_ORIGINS'));
}

/** An origin as browsers send it: scheme://host[:port], nothing else. */
function parseOrigin(text: string, name: string): string {
  if (!/^https?:\/\/[^\s/?#]+\/?$/i.test(text.trim())) {
    throw new SettingsError(`${name} must hold origins like http://localhost:8787, got ${JSON.stringify(text)}`);
  }
  return text.trim();
}

function parseIceFlag(url: string): IceServer {
  const server = parseIceUrl(url);
  if (!server) throw new SettingsError(`--ice must be a stun:, turn: or turns: URL, got ${JSON.stringify(url)}`);
  return server;
}

function parseIceServers(text: string): IceServer[] {
  const shape = 'ICE_SERVERS must be a JSON array of {"urls", "username"?, "credential"?} objects';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SettingsError(`${shape}; it is not valid JSON`);
  }
  if (!Array.isArray(value)) throw new SettingsError(shape);
  const problem = value.map((server, index) => checkIceServer(server, `ICE_SERVERS[${index}]`)).find((reason) => reason !== null);
  if (problem) throw new SettingsError(`${shape}: ${problem}`);
  return value as IceServer[];
}

function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end === -1 ? message : message.slice(0, end);
}
