// fast-check arbitraries built from the published schemas: values a schema accepts, and near misses of them.

import fc from 'fast-check';
import { SCHEMAS } from '../../src/signaling';

type SchemaObject = { readonly [keyword: string]: unknown };

/** How many items or fields a generated array or open object usually gets at most (the schemas allow up to 4096). */
const MAX_GENERATED = 6;
/** Arrays and open objects are also generated full, at their limit, when it is at most this. */
const MAX_FULL = 64;

/** Values the schema at `ref` (an absolute `$id`, with an optional `#/$defs/name`) accepts, made from the schema itself. */
export function validValue(ref: string): fc.Arbitrary<unknown> {
  return fromSchema(schemaAt(ref), false);
}

/**
 * Values shaped by the schema with, now and then, a number, a string length, an item or field count just past
 * a limit (one over a maximum, on an exclusive maximum, half under a minimum): many are refused, some not.
 */
export function edgeValue(ref: string): fc.Arbitrary<unknown> {
  return fromSchema(schemaAt(ref), true);
}

/**
 * A value the schema accepts with one change somewhere in it: a field dropped or added, a number nudged past a
 * limit, a string lengthened, an item repeated, or a part replaced by any JSON value. Many are refused, some not.
 */
export function nearMiss(ref: string): fc.Arbitrary<unknown> {
  return fc.tuple(validValue(ref), fc.nat(), MUTATION).map(([value, pick, mutation]) => mutateAt(value, pick, mutation));
}

/** The schema at an absolute reference, with every `$ref` inside it made absolute too. */
function schemaAt(ref: string): SchemaObject | boolean {
  const schema = SCHEMAS.schemaAt(ref);
  return absoluteRefs(schema, ref.split('#')[0]) as SchemaObject | boolean;
}

function absoluteRefs(schema: unknown, base: string): unknown {
  if (Array.isArray(schema)) return schema.map((sub) => absoluteRefs(sub, base));
  if (!isObject(schema)) return schema;
  const entries = Object.entries(schema).map(([key, sub]) => [key, key === '$ref' ? new URL(sub as string, base).href : absoluteRefs(sub, base)]);
  return Object.fromEntries(entries);
}

/** One schema object for a schema whose `$ref` and `allOf` parts are merged in (limits combined, the tighter wins). */
function flatten(schema: SchemaObject): SchemaObject {
  let flat: SchemaObject = schema;
  if (typeof flat.$ref === 'string') {
    const { $ref, ...rest } = flat;
    flat = merge(flatten(schemaAt($ref as string) as SchemaObject), rest);
  }
  if (Array.isArray(flat.allOf)) {
    const { allOf, ...rest } = flat;
    flat = (allOf as SchemaObject[]).reduce((merged, part) => merge(merged, flatten(part)), rest as SchemaObject);
  }
  return flat;
}

function merge(a: SchemaObject, b: SchemaObject): SchemaObject {
  const merged: { [keyword: string]: unknown } = { ...a, ...b };
  for (const keyword of ['minItems', 'minimum', 'minLength'] as const) {
    if (typeof a[keyword] === 'number' && typeof b[keyword] === 'number') merged[keyword] = Math.max(a[keyword], b[keyword]);
  }
  for (const keyword of ['maxItems', 'maximum', 'maxLength'] as const) {
    if (typeof a[keyword] === 'number' && typeof b[keyword] === 'number') merged[keyword] = Math.min(a[keyword], b[keyword]);
  }
  return merged;
}

/**
 * `edges`: now and then, a part is just past one of its limits (its own parts are then valid), so that a value
 * usually breaks one limit or none.
 */
function fromSchema(schema: SchemaObject | boolean, edges: boolean): fc.Arbitrary<unknown> {
  if (schema === true) return fc.jsonValue();
  if (schema === false) throw new Error('no value matches the schema false');
  const flat = flatten(schema);
  if (Object.hasOwn(flat, 'const')) return fc.constant(flat.const);
  if (Array.isArray(flat.enum)) return fc.constantFrom(...flat.enum);
  if (Array.isArray(flat.oneOf)) return fc.oneof(...flat.oneOf.map((form) => fromSchema(form as SchemaObject, edges)));
  const types = flat.type === undefined ? [] : [flat.type as string | string[]].flat();
  if (types.length === 0) return fc.jsonValue();
  const usual = fc.oneof(...types.map((type) => ofType(type, flat, edges)));
  const past = types.flatMap((type) => pastLimits(type, flat));
  if (!edges || past.length === 0) return usual;
  return fc.oneof({ arbitrary: usual, weight: 12 }, ...past.map((arbitrary) => ({ arbitrary, weight: 1 })));
}

function ofType(type: string, schema: SchemaObject, edges: boolean): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return integers(schema);
    case 'number':
      return numbers(schema);
    case 'string':
      return strings(schema);
    case 'array':
      return arrays(schema, edges);
    case 'object':
      return objects(schema, edges);
    default:
      throw new Error(`no generator for type ${type}`);
  }
}

/** Values of a type just past the schema's limits: a number over its maximum, a string or list one too long, ... */
function pastLimits(type: string, schema: SchemaObject): Array<fc.Arbitrary<unknown>> {
  const { minimum, maximum, exclusiveMaximum, minLength, maxLength, minItems, maxItems, maxProperties } = schema as { [keyword: string]: number | undefined };
  const past: Array<fc.Arbitrary<unknown>> = [];
  if (type === 'integer' || type === 'number') {
    const values = [
      ...(minimum === undefined ? [] : [minimum - 1, minimum - 0.5]),
      ...(maximum === undefined ? [] : [maximum + 1, maximum + 0.5]),
      ...(exclusiveMaximum === undefined ? [] : [exclusiveMaximum]),
      ...(type === 'integer' && minimum !== undefined ? [minimum + 0.5] : []),
    ];
    if (values.length > 0) past.push(fc.constantFrom(...values));
  }
  if (type === 'string' && schema.pattern === undefined) {
    if (maxLength !== undefined) past.push(strings({ ...schema, minLength: maxLength + 1, maxLength: maxLength + 1 }));
    if (minLength !== undefined && minLength > 0) past.push(strings({ ...schema, minLength: minLength - 1, maxLength: minLength - 1 }));
  }
  if (type === 'array') {
    if (maxItems !== undefined && maxItems <= MAX_FULL) past.push(arrayOf(schema, maxItems + 1, false));
    if (minItems !== undefined && minItems > 0) past.push(arrayOf(schema, minItems - 1, false));
  }
  if (type === 'object' && maxProperties !== undefined && maxProperties <= MAX_FULL) past.push(dictionaryOf(schema, maxProperties + 1, false));
  return past;
}

/** Integers in range, the limits themselves often. */
function integers(schema: SchemaObject): fc.Arbitrary<number> {
  const min = (schema.minimum as number | undefined) ?? Number.MIN_SAFE_INTEGER;
  const max = (schema.maximum as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  return fc.oneof(fc.constantFrom(min, max), fc.integer({ min: Math.max(min, 0), max: Math.min(max, 100) }), fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number));
}

function numbers(schema: SchemaObject): fc.Arbitrary<number> {
  const min = (schema.minimum as number | undefined) ?? -Number.MAX_VALUE;
  const exclusive = typeof schema.exclusiveMaximum === 'number';
  const max = ((exclusive ? schema.exclusiveMaximum : schema.maximum) as number | undefined) ?? Number.MAX_VALUE;
  const limits = exclusive ? [min, max - 1, max - 0.5] : [min, max];
  return fc.oneof(fc.constantFrom(...limits), fc.double({ min, max, maxExcluded: exclusive, noNaN: true, noDefaultInfinity: true }));
}

/** Strings by pattern, else any code points, astral ones too (lengths count code points), often at a length limit. */
function strings(schema: SchemaObject): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = (schema.maxLength as number | undefined) ?? 40;
  if (typeof schema.pattern === 'string') {
    // The pattern bounds the length itself (a key is 87 characters): only a declared maxLength filters.
    const patternMax = (schema.maxLength as number | undefined) ?? Infinity;
    const length = (text: string): number => [...text].length;
    return fc.stringMatching(new RegExp(schema.pattern, 'u')).filter((text) => length(text) >= minLength && length(text) <= patternMax);
  }
  const unit = fc.oneof(fc.constant('a'), fc.constant('😀'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
  const lengths = [[minLength, maxLength], [maxLength, maxLength], [minLength, minLength]];
  return fc.oneof(...lengths.map(([min, max]) => fc.string({ unit, minLength: min, maxLength: max })));
}

/** Arrays of a usual length, and now and then exactly as long as allowed. */
function arrays(schema: SchemaObject, edges: boolean): fc.Arbitrary<unknown[]> {
  const minItems = (schema.minItems as number | undefined) ?? 0;
  const maxItems = schema.maxItems as number | undefined;
  const usual = arrayOf(schema, { min: minItems, max: Math.min(maxItems ?? MAX_GENERATED, Math.max(minItems, MAX_GENERATED)) }, edges);
  if (maxItems === undefined || maxItems > MAX_FULL) return usual;
  return fc.oneof({ arbitrary: usual, weight: 9 }, { arbitrary: arrayOf(schema, maxItems, false), weight: 1 });
}

function arrayOf(schema: SchemaObject, length: number | { min: number; max: number }, edges: boolean): fc.Arbitrary<unknown[]> {
  const items = schema.items === undefined ? fc.jsonValue() : fromSchema(schema.items as SchemaObject, edges);
  const { min, max } = typeof length === 'number' ? { min: length, max: length } : length;
  if (schema.uniqueItems === true) return fc.uniqueArray(items, { minLength: min, maxLength: max, selector: (item) => JSON.stringify(item) });
  return fc.array(items, { minLength: min, maxLength: max });
}

function objects(schema: SchemaObject, edges: boolean): fc.Arbitrary<unknown> {
  const properties = (schema.properties as { [name: string]: SchemaObject } | undefined) ?? {};
  if (Object.keys(properties).length > 0) {
    const model = Object.fromEntries(Object.entries(properties).map(([name, sub]) => [name, fromSchema(sub, edges)]));
    return fc.record(model, { requiredKeys: (schema.required as string[] | undefined) ?? [] });
  }
  const limit = schema.maxProperties as number | undefined;
  const usual = dictionaryOf(schema, { min: 0, max: Math.min(limit ?? MAX_GENERATED, MAX_GENERATED) }, edges);
  if (limit === undefined || limit > MAX_FULL) return usual;
  return fc.oneof({ arbitrary: usual, weight: 9 }, { arbitrary: dictionaryOf(schema, limit, false), weight: 1 });
}

/** An open object: its names from `propertyNames`, its values from `additionalProperties`. */
function dictionaryOf(schema: SchemaObject, size: number | { min: number; max: number }, edges: boolean): fc.Arbitrary<unknown> {
  const names = schema.propertyNames === undefined ? fc.string() : (fromSchema(schema.propertyNames as SchemaObject, false) as fc.Arbitrary<string>);
  const values = schema.additionalProperties === undefined ? fc.jsonValue() : fromSchema(schema.additionalProperties as SchemaObject, edges);
  const { min, max } = typeof size === 'number' ? { min: size, max: size } : size;
  return fc.dictionary(names, values, { minKeys: min, maxKeys: max });
}

/** One change to make to a part of a value. */
type Mutation =
  | { kind: 'replace'; with: unknown }
  | { kind: 'nudge'; by: number }
  | { kind: 'edit-string'; suffix: string }
  | { kind: 'drop-field' }
  | { kind: 'add-field'; name: string }
  | { kind: 'repeat-item' };

const MUTATION: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), with: fc.oneof(fc.jsonValue(), fc.constantFrom(null, '', 0, -1, 1.5, [], {}, '5')) }),
  fc.record({ kind: fc.constant('nudge' as const), by: fc.constantFrom(1, -1, 0.5, -0.5, 2 ** 53, -(2 ** 53)) }),
  fc.record({ kind: fc.constant('edit-string' as const), suffix: fc.constantFrom('x', ' ', '.', '😀', 'x'.repeat(64)) }),
  fc.constant({ kind: 'drop-field' as const }),
  fc.record({ kind: fc.constant('add-field' as const), name: fc.constantFrom('extra', 'type', '__proto__', '') }),
  fc.constant({ kind: 'repeat-item' as const }),
);

/** The value with the mutation applied at one of its parts (the pick-th, the value itself included). */
function mutateAt(value: unknown, pick: number, mutation: Mutation): unknown {
  const root = { value: structuredClone(value) };
  const parents = partsOf(root);
  const [parent, key] = parents[pick % parents.length];
  parent[key] = mutated(parent[key], pick, mutation);
  return root.value;
}

/** Every place in the value as [container, key], the value itself as [{ value }, 'value']. */
function partsOf(root: { value: unknown }): Array<[{ [key: string]: unknown }, string]> {
  const parts: Array<[{ [key: string]: unknown }, string]> = [];
  const visit = (container: { [key: string]: unknown }, key: string): void => {
    parts.push([container, key]);
    const part = container[key];
    if (isObject(part) || Array.isArray(part)) for (const inner of Object.keys(part)) visit(part as { [key: string]: unknown }, inner);
  };
  visit(root, 'value');
  return parts;
}

function mutated(part: unknown, pick: number, mutation: Mutation): unknown {
  if (mutation.kind === 'nudge' && typeof part === 'number') return part + mutation.by;
  if (mutation.kind === 'edit-string' && typeof part === 'string') return part + mutation.suffix;
  if (mutation.kind === 'drop-field' && isObject(part) && Object.keys(part).length > 0) {
    const copy = { ...part };
    delete copy[Object.keys(part)[pick % Object.keys(part).length]];
    return copy;
  }
  if (mutation.kind === 'add-field' && isObject(part)) return Object.defineProperty({ ...part }, mutation.name, { value: 1, enumerable: true, writable: true, configurable: true });
  if (mutation.kind === 'repeat-item' && Array.isArray(part) && part.length > 0) return [...part, part[pick % part.length]];
  return mutation.kind === 'replace' ? mutation.with : null;
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
