// Ajv (a well-kept JSON Schema validator, test-only) loaded with the published schemas, to cross-check our own validator.

import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import clientMessage from '../../docs/schemas/client-message.json';
import common from '../../docs/schemas/common.json';
import serverMessage from '../../docs/schemas/server-message.json';
import signalData from '../../docs/schemas/signal-data.json';
import telemetryData from '../../docs/schemas/telemetry-data.json';
import { SCHEMAS } from '../../src/signaling';

// strictTypes is off: it asks for a `type` next to `minItems` in `{ allOf: [memberList], minItems: 1 }`, which
// is valid JSON Schema; every other strict check (unknown keywords, bad patterns, ...) stays on.
const ajv = new Ajv2020({ strict: true, strictTypes: false });
ajv.addSchema([common, clientMessage, serverMessage, signalData, telemetryData]);

const compiled = new Map<string, ValidateFunction>();

/** Whether ajv accepts `value` against the schema at `ref` (an `$id`, with an optional `#/$defs/name`). */
export function ajvAccepts(ref: string, value: unknown): boolean {
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`ajv has no schema at ${ref}`);
    compiled.set(ref, validate);
  }
  return validate(value) === true;
}

/** Whether our validator (src/signaling/json-schema.ts) accepts it. */
export function oursAccepts(ref: string, value: unknown): boolean {
  return SCHEMAS.validate(ref, value) === null;
}

/** Both verdicts, to compare in one assertion: [ref, value, ours, ajv's]. */
export function verdicts(ref: string, value: unknown): [string, unknown, boolean, boolean] {
  return [ref, value, oursAccepts(ref, value), ajvAccepts(ref, value)];
}
