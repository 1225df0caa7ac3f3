// Our JSON Schema validator and ajv agree on what the published schemas accept: on the contract's examples,
// on values generated from the schemas, on values at and past their limits, and on near misses of valid values.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEMA_IDS } from '../../src/signaling';
import { ajvAccepts, oursAccepts, verdicts } from '../support/ajv';
import { EXAMPLES, JOINS, withProofFields } from '../support/contract-examples';
import { edgeValue, nearMiss, validValue } from '../support/schema-arbitrary';

const ROOTS = [
  SCHEMA_IDS.clientMessage,
  SCHEMA_IDS.serverMessage,
  SCHEMA_IDS.signalData,
  SCHEMA_IDS.telemetryData,
  `${SCHEMA_IDS.common}#/$defs/runParams`,
  `${SCHEMA_IDS.common}#/$defs/iceServer`,
];

const RUNS = 400;

describe('our validator and ajv', () => {
  it('accept and refuse the same contract examples, as the docs say', () => {
    const examples = [...EXAMPLES, ...JOINS].map(([what, message, accepted]): [string, unknown, boolean] => [what, withProofFields(message), accepted]);
    const seen = examples.map(([what, message]) => [what, oursAccepts(SCHEMA_IDS.clientMessage, message), ajvAccepts(SCHEMA_IDS.clientMessage, message)]);
    expect(seen).toEqual(examples.map(([what, , accepted]) => [what, accepted, accepted]));
  });

  it.each(ROOTS)('both accept every value generated from %s', (ref) => {
    fc.assert(
      fc.property(validValue(ref), (value) => {
        expect(verdicts(ref, value)).toEqual([ref, value, true, true]);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(ROOTS)('agree on near misses of %s', (ref) => {
    fc.assert(
      fc.property(nearMiss(ref), (value) => {
        // The value is in both sides so that a failure shows it.
        expect([value, oursAccepts(ref, value)]).toEqual([value, ajvAccepts(ref, value)]);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(ROOTS)('agree on values of %s at and just past its limits', (ref) => {
    fc.assert(
      fc.property(edgeValue(ref), (value) => {
        expect([value, oursAccepts(ref, value)]).toEqual([value, ajvAccepts(ref, value)]);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(ROOTS)('near misses and edge values of %s are refused often and accepted sometimes, so both answers are tested', (ref) => {
    for (const arbitrary of [nearMiss(ref), edgeValue(ref)]) {
      const samples = fc.sample(arbitrary, { numRuns: RUNS, seed: 1 });
      const refused = samples.filter((value) => !ajvAccepts(ref, value)).length;
      expect(refused).toBeGreaterThanOrEqual(10);
      expect(samples.length - refused).toBeGreaterThanOrEqual(10);
    }
  });

  it('agree on any JSON value at all', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROOTS), fc.jsonValue(), (ref, value) => {
        expect([value, oursAccepts(ref, value)]).toEqual([value, ajvAccepts(ref, value)]);
      }),
      { numRuns: RUNS },
    );
  });
});
