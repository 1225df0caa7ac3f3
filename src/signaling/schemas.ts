// The published signaling schemas (docs/schemas/*.json), loaded once: the code validates with the docs themselves.

import clientMessage from '../../docs/schemas/client-message.json';
import common from '../../docs/schemas/common.json';
import serverMessage from '../../docs/schemas/server-message.json';
import signalData from '../../docs/schemas/signal-data.json';
import telemetryData from '../../docs/schemas/telemetry-data.json';
import { SchemaSet } from './json-schema';

export const SCHEMA_IDS = {
  common: common.$id,
  clientMessage: clientMessage.$id,
  serverMessage: serverMessage.$id,
  signalData: signalData.$id,
  telemetryData: telemetryData.$id,
} as const;

export const SCHEMAS = new SchemaSet([common, clientMessage, serverMessage, signalData, telemetryData]);

/** A definition of common.json, such as `memberId` or `runParams`. */
export function commonDefinition(name: keyof typeof common.$defs): string {
  return `${common.$id}#/$defs/${name}`;
}

/** The message types a schema's top-level oneOf lists (its `$defs` of the same names). */
function messageTypes(schema: { oneOf: ReadonlyArray<{ $ref: string }> }): string[] {
  return schema.oneOf.map((form) => form.$ref.replace('#/$defs/', ''));
}

export const CLIENT_MESSAGE_TYPES = messageTypes(clientMessage);
export const SERVER_MESSAGE_TYPES = messageTypes(serverMessage);

export const LIMITS = {
  roomPattern: common.$defs.roomName.pattern,
  memberIdPattern: common.$defs.memberId.pattern,
  maxListedIds: common.$defs.memberList.maxItems,
  maxLossPercent: common.$defs.lossPercent.maximum,
  maxDelayMs: common.$defs.delayMs.maximum,
} as const;
