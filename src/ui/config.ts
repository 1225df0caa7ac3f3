// The page's configuration from its URL (room, role, signaling server, ICE servers; or the
// sandbox and its run), validated.

import { MEMBER_ID_PATTERN, type MemberId } from '../core';
import type { NodeMode } from './live/node-port';
import { parseIceUrl } from '../net/ice';
import { defaultSetup, type SandboxSetup } from '../sandbox/setup';
import { isSandboxLink, parseSandboxLink } from '../sandbox/url';
import { ROOM_NAME_PATTERN, type IceServer, type Role } from '../signaling';

export interface PageConfig {
  room: string;
  role: Role;
  signalUrl: string;
  iceServers: IceServer[];
  /** A member id asked for with `id=`; otherwise the server assigns one. */
  id?: MemberId;
  /** The room's secret (`secret=`), if it has one; share links keep it. */
  secret?: string;
  /** The room was made up because the URL named none. */
  generatedRoom: boolean;
  /** `node=main` keeps the protocol on the main thread; otherwise a worker is used where possible. */
  nodeMode: NodeMode | null;
}

export type ConfigResult = { ok: true; config: PageConfig } | { ok: false; problem: string };

/** The signaling port the server listens on by default (used when the page runs on Vite's dev server). */
const DEFAULT_SIGNAL_PORT = 8787;

export function readPageConfig(location: Location, devServer: boolean): ConfigResult {
  const params = new URLSearchParams(location.search);
  const roomParam = params.get('room');
  if (roomParam !== null && !ROOM_NAME_PATTERN.test(roomParam)) {
    return { ok: false, problem: `The room name ${JSON.stringify(roomParam.slice(0, 80))} is not valid: use 1 to 64 letters, digits, "_" or "-".` };
  }
  const signalParam = params.get('signal');
  if (signalParam !== null && !isWebSocketUrl(signalParam)) {
    return { ok: false, problem: `The signal parameter ${JSON.stringify(signalParam.slice(0, 120))} is not a ws:// or wss:// URL.` };
  }
  const iceServers: IceServer[] = [];
  for (const text of params.getAll('ice')) {
    const server = parseIceUrl(text);
    if (!server) return { ok: false, problem: `The ice parameter ${JSON.stringify(text.slice(0, 120))} is not a stun:, turn: or turns: URL.` };
    iceServers.push(server);
  }
  const idParam = params.get('id');
  if (idParam !== null && !MEMBER_ID_PATTERN.test(idParam)) {
    return { ok: false, problem: `The id ${JSON.stringify(idParam.slice(0, 80))} is not valid: use 1 to 32 letters, digits, "_" or "-".` };
  }
  const secretParam = params.get('secret');
  if (secretParam !== null && (secretParam.length < 1 || secretParam.length > 128)) {
    return { ok: false, problem: 'The secret parameter must be 1 to 128 characters.' };
  }
  const nodeParam = params.get('node');
  if (nodeParam !== null && nodeParam !== 'main' && nodeParam !== 'worker') {
    return { ok: false, problem: `The node parameter ${JSON.stringify(nodeParam.slice(0, 40))} is not valid: use node=worker (the default where the browser allows it) or node=main.` };
  }
  const config: PageConfig = {
    room: roomParam ?? randomRoomName(),
    role: isObserver(params) ? 'observer' : 'member',
    signalUrl: signalParam ?? defaultSignalUrl(location, devServer),
    iceServers,
    generatedRoom: roomParam === null,
    nodeMode: nodeParam === 'main' ? 'main-thread' : nodeParam === 'worker' ? 'worker' : null,
  };
  if (idParam !== null) config.id = idParam;
  if (secretParam !== null) config.secret = secretParam;
  return { ok: true, config };
}

/** `observe` (with no value, or any value but 0/false) makes the tab an observer. */
function isObserver(params: URLSearchParams): boolean {
  const value = params.get('observe');
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

function isWebSocketUrl(text: string): boolean {
  if (!/^wss?:\/\/\S+$/.test(text)) return false;
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

/** Same origin as the page; on Vite's dev server, the signaling server's default port on the same host. */
function defaultSignalUrl(location: Location, devServer: boolean): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  if (devServer) return `${scheme}://${location.hostname}:${DEFAULT_SIGNAL_PORT}/signal`;
  return `${scheme}://${location.host}/signal`;
}

export function randomRoomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(5));
  return 'room-' + Array.from(bytes, (b) => (b % 36).toString(36)).join('');
}

/** The page's address for a room (what "share" and "open another node" use). */
export function roomUrl(location: Location, room: string, extra: Record<string, string> = {}): string {
  const url = new URL(location.href);
  url.search = '';
  url.hash = '';
  const params = new URLSearchParams(location.search);
  params.delete('room');
  params.delete('id');
  params.delete('observe');
  params.set('room', room);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  url.search = params.toString().replace(/=(?=&|$)/g, '');
  return url.toString();
}

/** What the URL asks of the sandbox: nothing (a room page), a run to load, or a link that cannot be read. */
export type SandboxRequest = { ok: true; setup: SandboxSetup } | { ok: false; problem: string } | null;

/**
 * The sandbox is asked for with a link in the fragment (`#sandbox=v1;…`, docs/SANDBOX.md: that exact
 * run) or with `?sandbox` (the default cluster: 5 nodes, `chatterbox sim`'s defaults).
 */
export function readSandboxRequest(location: Location): SandboxRequest {
  if (isSandboxLink(location.hash)) {
    const parsed = parseSandboxLink(location.hash);
    return parsed.ok ? { ok: true, setup: parsed.value } : { ok: false, problem: parsed.error };
  }
  const value = new URLSearchParams(location.search).get('sandbox');
  if (value === null || value === '0' || value.toLowerCase() === 'false') return null;
  return { ok: true, setup: defaultSetup() };
}

/** The page's address for the default sandbox. */
export function sandboxUrl(location: Location): string {
  const url = new URL(location.href);
  url.search = '?sandbox';
  url.hash = '';
  return url.toString();
}
