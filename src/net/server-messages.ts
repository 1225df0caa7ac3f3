// Validation of what the signaling server sends: a client trusts no frame from the network.

import { isMemberId, paramsError, type MemberId } from '../core';
import { validateClientMessage, type RosterLink, type RosterMember, type ServerMessage } from '../../signaling-server/protocol';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIdList = (v: unknown): v is MemberId[] => Array.isArray(v) && v.every(isMemberId);
const isU32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

/** Parses a server frame; returns null for anything malformed (the caller logs it). */
export function parseServerMessage(text: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value.type !== 'string') return null;
  return isValid(value) ? (value as unknown as ServerMessage) : null;
}

function isValid(m: Json): boolean {
  switch (m.type) {
    case 'welcome':
      return isMemberId(m.id) && typeof m.room === 'string' && (m.role === 'member' || m.role === 'observer') && (m.iceServers === undefined || Array.isArray(m.iceServers));
    case 'roster':
      return typeof m.room === 'string' && Array.isArray(m.members) && m.members.every(isRosterMember) && isIdList(m.observers) && Array.isArray(m.links) && m.links.every(isLink);
    case 'signal':
    case 'telemetry':
      return isMemberId(m.from) && isObject(m.data);
    case 'start':
      return typeof m.runId === 'string' && isU32(m.run) && isIdList(m.members) && paramsError(m.params) === null && isMemberId(m.startedBy);
    case 'shape':
      return isLink(m);
    case 'pong':
      return true;
    case 'error':
      return typeof m.code === 'string' && typeof m.message === 'string';
    default:
      return false;
  }
}

function isRosterMember(v: unknown): v is RosterMember {
  return isObject(v) && isMemberId(v.id) && isIdList(v.connected);
}

/** A link setting as the server relays it: the same shape a client sends, plus who set it. */
function isLink(v: unknown): v is RosterLink {
  return isObject(v) && isMemberId(v.from) && validateClientMessage({ ...v, type: 'shape' }).ok;
}
