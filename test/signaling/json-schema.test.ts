// The schema validator behind the signaling contract: each keyword it implements, and refusing the ones it does not.

import { describe, expect, it } from 'vitest';
import { describeSchemaError, SchemaSet } from '../../src/signaling/json-schema';

const ID = 'https://test.example/s.json';

function verdict(schema: object, value: unknown): string | null {
  const set = new SchemaSet([{ $id: ID, ...schema }]);
  const error = set.validate(ID, value);
  return error ? describeSchemaError('v', error) : null;
}

describe('JSON Schema subset', () => {
  it.each([
    [{ type: 'integer' }, 5, null],
    [{ type: 'integer' }, 5.5, 'v must be an integer'],
    [{ type: ['string', 'null'] }, null, null],
    [{ type: ['string', 'null'] }, 1, 'v must be a string or null'],
    [{ type: 'object' }, [], 'v must be an object'],
    [{ const: 'join' }, 'joint', 'v must be "join"'],
    [{ enum: ['a', 'b'] }, 'c', 'v must be one of "a", "b"'],
    [{ minimum: 1, maximum: 3 }, 0, 'v must be at least 1'],
    [{ minimum: 1, maximum: 3 }, 4, 'v must be at most 3'],
    [{ exclusiveMaximum: 3 }, 3, 'v must be below 3'],
    [{ minimum: 1 }, 'not a number', null],
    [{ pattern: '^[a-z]{1,3}$' }, 'abcd', 'v must match ^[a-z]{1,3}$'],
    [{ minLength: 2 }, '😀', 'v must be at least 2 characters long'],
    [{ maxLength: 1 }, '😀', null],
    [{ items: { type: 'string' }, maxItems: 2 }, ['a', 1], 'v[1] must be a string'],
    [{ minItems: 1 }, [], 'v must hold at least 1 item'],
    [{ uniqueItems: true }, ['a', 'b', 'a'], 'v must not repeat an item ("a")'],
    [{ uniqueItems: true }, [{ x: 1 }, { x: 1 }], 'v must not repeat an item ({"x":1})'],
    [{ properties: { a: { type: 'boolean' } }, required: ['a'] }, {}, 'v.a is missing'],
    [{ properties: { a: { type: 'boolean' } }, additionalProperties: false }, { a: true, b: 1 }, 'v.b is not a known field'],
    [{ additionalProperties: { type: 'number' } }, { a: 1, b: 'x' }, 'v.b must be a number'],
    [{ propertyNames: { pattern: '^[a-z]+$' } }, { A: 1 }, 'v.A must match ^[a-z]+$'],
    [{ maxProperties: 1 }, { a: 1, b: 2 }, 'v must have at most 1 fields'],
    [{ allOf: [{ type: 'array' }], minItems: 1 }, [], 'v must hold at least 1 item'],
    [{ oneOf: [{ type: 'string' }, { type: 'null' }] }, 3, 'v must be a string or null'],
    [{ oneOf: [{ type: 'number' }, { type: 'integer' }] }, 3, 'v matches more than one of its forms'],
    [{ oneOf: [{ type: 'number' }, { type: 'integer' }] }, 3.5, null],
  ])('%j on %j', (schema, value, expected) => {
    expect(verdict(schema, value)).toBe(expected);
  });

  it('reports the error of the oneOf form whose type const the value names', () => {
    const schema = {
      oneOf: [{ $ref: '#/$defs/a' }, { $ref: '#/$defs/b' }],
      $defs: {
        a: { type: 'object', properties: { type: { const: 'a' }, n: { type: 'integer' } }, required: ['type', 'n'] },
        b: { type: 'object', properties: { type: { const: 'b' } }, required: ['type'] },
      },
    };
    expect(verdict(schema, { type: 'a', n: 'x' })).toBe('v.n must be an integer');
    expect(verdict(schema, { type: 'b' })).toBe(null);
  });

  it('resolves references across documents relative to the referring $id', () => {
    const set = new SchemaSet([
      { $id: 'https://test.example/dir/common.json', $defs: { id: { type: 'string', pattern: '^x' } } },
      { $id: 'https://test.example/dir/msg.json', properties: { to: { $ref: 'common.json#/$defs/id' } } },
    ]);
    expect(set.validate('https://test.example/dir/msg.json', { to: 'xy' })).toBeNull();
    expect(set.validate('https://test.example/dir/msg.json', { to: 'y' })).toEqual({ path: ['to'], message: 'must match ^x' });
  });

  it('refuses a schema with a keyword it does not implement, or a reference it cannot resolve', () => {
    expect(() => new SchemaSet([{ $id: ID, properties: { a: { format: 'email' } } }])).toThrow('keyword format is not supported');
    expect(() => new SchemaSet([{ $id: ID, $ref: 'other.json#/$defs/x' }])).toThrow('unknown schema https://test.example/other.json');
  });
});
