// docs/SIGNALING.md names every message, error code and schema that docs/schemas defines.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import clientSchema from '../../docs/schemas/client-message.json';
import serverSchema from '../../docs/schemas/server-message.json';

const doc = readFileSync(new URL('../../docs/SIGNALING.md', import.meta.url), 'utf8');
const typesOf = (schema: { oneOf: Array<{ $ref: string }> }): string[] => schema.oneOf.map((form) => form.$ref.replace('#/$defs/', ''));

describe('docs/SIGNALING.md', () => {
  it('shows every message type of both schemas', () => {
    const missing = [...typesOf(clientSchema), ...typesOf(serverSchema)].filter((type) => !doc.includes(`{type:"${type}"`));
    expect(missing).toEqual([]);
  });

  it('lists every error code the server can send', () => {
    const missing = serverSchema.$defs.error.properties.code.enum.filter((code) => !doc.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it('points at every schema file', () => {
    for (const file of ['client-message.json', 'server-message.json', 'signal-data.json', 'telemetry-data.json', 'common.json']) expect(doc).toContain(file);
  });
});
