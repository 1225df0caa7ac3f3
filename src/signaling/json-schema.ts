// A small JSON Schema (draft 2020-12) validator for the keywords our published schemas use, and no others.

/** A schema document or subschema. */
export type Schema = boolean | { readonly [keyword: string]: unknown };

/** Where a value failed (property names and array indexes from the root) and why. */
export interface SchemaError {
  path: ReadonlyArray<string | number>;
  message: string;
}

/** Keywords that only describe; they never reject a value. */
const ANNOTATIONS = new Set(['$schema', '$id', '$defs', '$comment', 'title', 'description', 'examples']);
/** Keywords this validator checks. A schema using any other keyword is refused when loaded. */
const ASSERTIONS = new Set([
  '$ref', 'type', 'const', 'enum', 'oneOf', 'allOf',
  'properties', 'required', 'additionalProperties', 'propertyNames', 'maxProperties',
  'items', 'minItems', 'maxItems', 'uniqueItems',
  'minLength', 'maxLength', 'pattern',
  'minimum', 'maximum', 'exclusiveMaximum',
]);

type SchemaObject = { readonly [keyword: string]: unknown };

/** The error of a `oneOf` form that was not walked: its `type` const differs from the value's. */
const EXCLUDED: SchemaError = { path: [], message: 'is another type of message' };

/**
 * A set of schema documents that refer to each other by `$id` (relative `$ref`s such as
 * `common.json#/$defs/memberId` resolve against the referring document's `$id`).
 */
export class SchemaSet {
  private readonly documents = new Map<string, SchemaObject>();
  private readonly patterns = new Map<string, RegExp>();
  private readonly entries = new WeakMap<SchemaObject, ReadonlyArray<[string, unknown]>>();
  private readonly targets = new WeakMap<SchemaObject, { schema: Schema; base: string }>();
  /** Resolved references by base and reference: resolving parses URLs, and every message needs dozens. */
  private readonly resolved = new Map<string, { schema: Schema; base: string }>();

  constructor(documents: readonly object[]) {
    for (const document of documents) {
      const id = (document as SchemaObject).$id;
      if (typeof id !== 'string') throw new Error('a schema document needs an $id');
      this.documents.set(id, document as SchemaObject);
    }
    for (const [id, document] of this.documents) this.check(document, id, id);
  }

  /** The first reason `value` does not match the schema at `ref` (an absolute `$id`, with an optional `#/pointer`), or null. */
  validate(ref: string, value: unknown): SchemaError | null {
    const { schema, base } = this.resolve(ref, ref);
    return this.walk(schema, value, base, []);
  }

  /** The schema at an absolute reference (to read a limit it states, say). */
  schemaAt(ref: string): Schema {
    return this.resolve(ref, ref).schema;
  }

  /** Refuses keywords this validator does not implement and references it cannot resolve. */
  private check(schema: unknown, base: string, where: string): void {
    if (typeof schema === 'boolean') return;
    if (!isObject(schema)) throw new Error(`${where}: a schema must be an object or a boolean`);
    for (const [keyword, argument] of Object.entries(schema)) {
      if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) throw new Error(`${where}: keyword ${keyword} is not supported`);
      if (keyword === '$ref') this.resolve(argument as string, base);
      if (keyword === 'pattern') this.regex(argument as string);
      for (const [key, sub] of subschemas(keyword, argument)) this.check(sub, base, `${where}/${keyword}${key}`);
    }
  }

  /** A schema's keywords and arguments, listed once per schema (rosters walk the same few schemas thousands of times). */
  private keywords(schema: SchemaObject): ReadonlyArray<[string, unknown]> {
    let entries = this.entries.get(schema);
    if (!entries) {
      entries = Object.entries(schema);
      this.entries.set(schema, entries);
    }
    return entries;
  }

  /** What `schema`'s own `$ref` points to (a schema object always sits in one document, so one base). */
  private target(schema: SchemaObject, ref: string, base: string): { schema: Schema; base: string } {
    let target = this.targets.get(schema);
    if (!target) {
      target = this.resolve(ref, base);
      this.targets.set(schema, target);
    }
    return target;
  }

  private resolve(ref: string, base: string): { schema: Schema; base: string } {
    const key = `${base} ${ref}`;
    let target = this.resolved.get(key);
    if (!target) {
      target = this.lookUp(ref, base);
      this.resolved.set(key, target);
    }
    return target;
  }

  private lookUp(ref: string, base: string): { schema: Schema; base: string } {
    const url = new URL(ref, base);
    const pointer = decodeURIComponent(url.hash.slice(1));
    url.hash = '';
    const document = this.documents.get(url.href);
    if (!document) throw new Error(`unknown schema ${url.href}`);
    let schema: unknown = document;
    for (const token of pointer.split('/').slice(1)) {
      const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
      schema = isObject(schema) ? schema[key] : undefined;
    }
    if (typeof schema !== 'boolean' && !isObject(schema)) throw new Error(`no schema at ${ref} (from ${base})`);
    return { schema, base: url.href };
  }

  private walk(schema: Schema, value: unknown, base: string, path: Array<string | number>): SchemaError | null {
    if (schema === true) return null;
    if (schema === false) return { path, message: 'is not allowed' };
    for (const [keyword, argument] of this.keywords(schema)) {
      const message = this.assertion(keyword, argument, schema, value, base, path);
      if (message === null) continue;
      return typeof message === 'string' ? { path, message } : message;
    }
    return null;
  }

  /** One keyword's verdict: null when it holds, else a message about `value` or a deeper error. */
  private assertion(keyword: string, argument: unknown, schema: SchemaObject, value: unknown, base: string, path: Array<string | number>): string | SchemaError | null {
    switch (keyword) {
      case '$ref': {
        const target = this.target(schema, argument as string, base);
        return this.walk(target.schema, value, target.base, path);
      }
      case 'type':
        return typeError(argument as string | string[], value);
      case 'const':
        return deepEqual(argument, value) ? null : `must be ${JSON.stringify(argument)}`;
      case 'enum':
        return (argument as unknown[]).some((option) => deepEqual(option, value)) ? null : `must be one of ${(argument as unknown[]).map((o) => JSON.stringify(o)).join(', ')}`;
      case 'allOf':
        return firstError((argument as Schema[]).map((sub) => () => this.walk(sub, value, base, path)));
      case 'oneOf':
        return this.oneOf(argument as Schema[], value, base, path);
      case 'properties':
      case 'required':
      case 'additionalProperties':
      case 'propertyNames':
      case 'maxProperties':
        return isObject(value) ? this.objectAssertion(keyword, argument, schema, value, base, path) : null;
      case 'items':
      case 'minItems':
      case 'maxItems':
      case 'uniqueItems':
        return Array.isArray(value) ? this.arrayAssertion(keyword, argument, value, base, path) : null;
      case 'minLength':
      case 'maxLength':
      case 'pattern':
        return typeof value === 'string' ? this.stringAssertion(keyword, argument, value) : null;
      case 'minimum':
        return typeof value === 'number' && value < (argument as number) ? `must be at least ${argument}` : null;
      case 'maximum':
        return typeof value === 'number' && value > (argument as number) ? `must be at most ${argument}` : null;
      case 'exclusiveMaximum':
        return typeof value === 'number' && value >= (argument as number) ? `must be below ${argument}` : null;
      default:
        return null; // an annotation
    }
  }

  /**
   * Exactly one form must match. When none does, the error of the form meant is reported: the
   * one whose `type` const equals the value's `type`, or else the only form of the value's JSON type.
   */
  private oneOf(forms: readonly Schema[], value: unknown, base: string, path: Array<string | number>): string | SchemaError | null {
    const errors = forms.map((form) => (this.excludedByType(form, value, base) ? EXCLUDED : this.walk(form, value, base, path)));
    const matching = errors.filter((error) => error === null).length;
    if (matching === 1) return null;
    if (matching > 1) return 'matches more than one of its forms';
    const meant = forms.findIndex((form) => this.formMeant(form, value, base));
    if (meant >= 0) return errors[meant];
    const kinds = new Set(forms.map((form) => this.describeForm(form, base)));
    return `must be ${[...kinds].join(' or ')}`;
  }

  /** Whether a form's `type` const differs from the value's `type`: it cannot match, so it is not walked. */
  private excludedByType(form: Schema, value: unknown, base: string): boolean {
    if (!isObject(value) || !Object.hasOwn(value, 'type')) return false;
    const { schema } = this.dereference(form, base);
    if (typeof schema === 'boolean') return false;
    const properties = schema.properties;
    const typeConst = isObject(properties) && isObject(properties.type) ? properties.type.const : undefined;
    return typeConst !== undefined && !deepEqual(typeConst, value.type);
  }

  private formMeant(form: Schema, value: unknown, base: string): boolean {
    const { schema } = this.dereference(form, base);
    if (typeof schema === 'boolean') return false;
    const properties = schema.properties;
    const typeConst = isObject(properties) && isObject(properties.type) ? properties.type.const : undefined;
    if (typeConst !== undefined) return isObject(value) && value.type === typeConst;
    return typeof schema.type === 'string' && typeError(schema.type, value) === null && schema.type !== 'null';
  }

  private describeForm(form: Schema, base: string): string {
    const { schema } = this.dereference(form, base);
    if (typeof schema === 'boolean') return String(schema);
    return typeof schema.type === 'string' ? withArticle(schema.type) : 'another form';
  }

  private dereference(form: Schema, base: string): { schema: Schema; base: string } {
    if (typeof form !== 'boolean' && typeof form.$ref === 'string') return this.resolve(form.$ref, base);
    return { schema: form, base };
  }

  private objectAssertion(keyword: string, argument: unknown, schema: SchemaObject, value: { [key: string]: unknown }, base: string, path: Array<string | number>): string | SchemaError | null {
    const keys = Object.keys(value);
    switch (keyword) {
      case 'properties': {
        const properties = argument as { [name: string]: Schema };
        return firstError(keys.filter((key) => Object.hasOwn(properties, key)).map((key) => () => this.walk(properties[key], value[key], base, [...path, key])));
      }
      case 'required': {
        const missing = (argument as string[]).find((name) => !Object.hasOwn(value, name));
        return missing === undefined ? null : { path: [...path, missing], message: 'is missing' };
      }
      case 'additionalProperties': {
        const declared = isObject(schema.properties) ? schema.properties : {};
        const extra = keys.filter((key) => !Object.hasOwn(declared, key));
        if (argument === false) return extra.length === 0 ? null : { path: [...path, extra[0]], message: 'is not a known field' };
        return firstError(extra.map((key) => () => this.walk(argument as Schema, value[key], base, [...path, key])));
      }
      case 'propertyNames':
        return firstError(keys.map((key) => () => this.walk(argument as Schema, key, base, [...path, key])));
      default:
        return keys.length > (argument as number) ? `must have at most ${argument} fields` : null;
    }
  }

  private arrayAssertion(keyword: string, argument: unknown, value: unknown[], base: string, path: Array<string | number>): string | SchemaError | null {
    switch (keyword) {
      case 'items':
        for (let index = 0; index < value.length; index += 1) {
          const error = this.walk(argument as Schema, value[index], base, [...path, index]);
          if (error) return error;
        }
        return null;
      case 'minItems':
        return value.length < (argument as number) ? `must hold at least ${argument} item${argument === 1 ? '' : 's'}` : null;
      case 'maxItems':
        return value.length > (argument as number) ? `must hold at most ${argument} items` : null;
      default: {
        if (argument !== true) return null;
        const repeated = firstRepeated(value);
        return repeated < 0 ? null : `must not repeat an item (${JSON.stringify(value[repeated])})`;
      }
    }
  }

  private stringAssertion(keyword: string, argument: unknown, value: string): string | null {
    const length = [...value].length; // JSON Schema counts code points
    if (keyword === 'minLength') return length < (argument as number) ? `must be at least ${argument} character${argument === 1 ? '' : 's'} long` : null;
    if (keyword === 'maxLength') return length > (argument as number) ? `must be at most ${argument} characters long` : null;
    return this.regex(argument as string).test(value) ? null : `must match ${argument}`;
  }

  private regex(pattern: string): RegExp {
    let regex = this.patterns.get(pattern);
    if (!regex) {
      regex = new RegExp(pattern, 'u');
      this.patterns.set(pattern, regex);
    }
    return regex;
  }
}

/** Renders an error as one line: `join.room must match …` for root name `join`. */
export function describeSchemaError(root: string, error: SchemaError): string {
  let where = root;
  for (const step of error.path) where += typeof step === 'number' ? `[${step}]` : `.${step}`;
  return `${where} ${error.message}`;
}

function typeError(expected: string | string[], value: unknown): string | null {
  const types = Array.isArray(expected) ? expected : [expected];
  return types.some((type) => hasType(type, value)) ? null : `must be ${types.map(withArticle).join(' or ')}`;
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function withArticle(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The subschemas under one keyword, with the pointer suffix naming each. */
function subschemas(keyword: string, argument: unknown): Array<[string, unknown]> {
  if (keyword === '$defs' || keyword === 'properties') return Object.entries(argument as object).map(([key, sub]) => [`/${key}`, sub]);
  if (keyword === 'oneOf' || keyword === 'allOf') return (argument as unknown[]).map((sub, index) => [`/${index}`, sub]);
  if (keyword === 'items' || keyword === 'propertyNames' || keyword === 'additionalProperties') return [['', argument]];
  return [];
}

/**
 * The index of the first item equal to an earlier one, or -1. Strings, numbers, booleans and null
 * (member lists, serials) are compared through a Set; objects and arrays pairwise.
 */
function firstRepeated(items: readonly unknown[]): number {
  const seen = new Set<unknown>();
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index];
    if (typeof item === 'object' && item !== null) {
      if (items.slice(0, index).some((earlier) => deepEqual(earlier, item))) return index;
    } else if (seen.has(item)) {
      return index;
    }
    seen.add(item);
  }
  return -1;
}

function firstError(checks: ReadonlyArray<() => SchemaError | null>): SchemaError | null {
  for (const check of checks) {
    const error = check();
    if (error) return error;
  }
  return null;
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
}
