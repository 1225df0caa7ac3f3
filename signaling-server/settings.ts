// A signaling server process's settings, from flags and environment alike: the one parser behind
// `npm start`, `chatterbox signal` and `signaling-server/main.ts`.

import path from 'node:path';
import { convertValue, defineFlags, readFlags, UsageError, type FlagValues } from '../src/cli/flags';
import { iceServersFromFlag } from '../src/cli/run-flags';
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

const PORT_NOTE = '0 picks a free one';

/** The server's flags, declared and checked as the CLI's are (src/cli/flags.ts). */
const SETTING_FLAGS = defineFlags({
  port: { type: 'integer', value: 'PORT', min: 0, max: 65535, help: `port for signaling and the UI (default 8787; ${PORT_NOTE})` },
  host: { type: 'string', value: 'HOST', help: 'interface to listen on (default 0.0.0.0, every interface)' },
  'static-dir': { type: 'string', value: 'DIR', help: 'built UI to serve (default dist/ when it exists)' },
  origin: { type: 'strings', value: 'ORIGIN', help: 'browser Origin allowed to connect, repeatable (default: any);\nALLOWED_ORIGINS is a comma list' },
  ice: {
    type: 'strings',
    value: 'URL',
    help: 'STUN/TURN server announced to clients, repeatable (turn:USER:PASS@host:port for credentials);\n' +
      'ICE_SERVERS is a JSON array of {"urls", "username"?, "credential"?}',
  },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
});

type SettingFlags = FlagValues<typeof SETTING_FLAGS>;
type SettingName = Exclude<keyof typeof SETTING_FLAGS, 'help'>;

interface Setting {
  flag: SettingName;
  /** The environment variable read when the flag is absent. */
  env: string;
  /** The settings the flag gives; asked only when the command line names the flag. */
  fromFlag(flags: SettingFlags): ServerSettings;
  /** The settings the variable's text gives. */
  fromEnv(text: string): ServerSettings;
}

const SETTINGS: readonly Setting[] = [
  {
    flag: 'port',
    env: 'PORT',
    fromFlag: (flags) => ({ port: flags.port }),
    fromEnv: (text) => ({ port: convertValue('PORT', text, SETTING_FLAGS.port) }),
  },
  {
    flag: 'host',
    env: 'HOST',
    fromFlag: (flags) => ({ host: flags.host }),
    fromEnv: (text) => ({ host: convertValue('HOST', text, SETTING_FLAGS.host) }),
  },
  {
    flag: 'static-dir',
    env: 'STATIC_DIR',
    fromFlag: (flags) => ({ staticDir: flags['static-dir'] && path.resolve(flags['static-dir']) }),
    fromEnv: (text) => ({ staticDir: path.resolve(convertValue('STATIC_DIR', text, SETTING_FLAGS['static-dir'])) }),
  },
  {
    flag: 'origin',
    env: 'ALLOWED_ORIGINS',
    fromFlag: (flags) => ({ allowedOrigins: flags.origin.map((origin) => parseOrigin(origin, '--origin')) }),
    fromEnv: (text) => ({ allowedOrigins: parseOriginList(text) }),
  },
  {
    flag: 'ice',
    env: 'ICE_SERVERS',
    fromFlag: (flags) => ({ iceServers: iceServersFromFlag(flags.ice) }),
    fromEnv: (text) => ({ iceServers: parseIceServers(text) }),
  },
];

/**
 * Reads the settings: each flag, else its environment variable, else the server's default.
 * `--help` (or -h) asks for the help instead. Throws SettingsError naming the bad flag or variable.
 */
export function readSettings(args: readonly string[], env: NodeJS.ProcessEnv): { help: boolean; settings: ServerSettings } {
  try {
    const { values: flags, given } = readFlags(args, SETTING_FLAGS);
    const settings: ServerSettings = {};
    for (const setting of SETTINGS) {
      const text = env[setting.env];
      if (given.has(setting.flag)) Object.assign(settings, setting.fromFlag(flags));
      else if (text !== undefined && text !== '') Object.assign(settings, setting.fromEnv(text));
    }
    return { help: flags.help, settings };
  } catch (error) {
    if (error instanceof UsageError) throw new SettingsError(error.message);
    throw error;
  }
}

/** The options part of a help text: each flag with its variable. */
export function describeSettings(): string {
  const rows: Array<[string, string]> = SETTINGS.map((setting) => [`  --${setting.flag} ${SETTING_FLAGS[setting.flag].value}`, `$${setting.env}`]);
  rows.push(['  -h, --help', '']);
  const flagWidth = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const envWidth = Math.max(...rows.map(([, env]) => env.length)) + 2;
  const helps = [...SETTINGS.map((setting) => SETTING_FLAGS[setting.flag].help), SETTING_FLAGS.help.help];
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
