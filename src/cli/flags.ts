// Typed command-line flags on node:util parseArgs: every flag is declared once, typed and range-checked,
// and a command reads its values by name from an object whose keys are the declared flags only.

import { parseArgs } from 'node:util';

export class UsageError extends Error {}

type FlagType = 'boolean' | 'number' | 'integer' | 'string' | 'strings';

export interface FlagSpec {
  type: FlagType;
  /** Shown in --help. */
  help: string;
  /** One letter, e.g. 'v' for -v. */
  short?: string;
  min?: number;
  max?: number;
  /** Allowed values of a string flag; they also narrow its type. */
  choices?: readonly string[];
  /** Placeholder for the value in --help, e.g. SECONDS. */
  value?: string;
  /** The value when the flag is absent, shown in --help as "(default X)". */
  default?: number | string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The value one flag parses to: a choice flag gives one of its choices, a repeatable flag an array. */
type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['type'] extends 'number' | 'integer'
    ? number
    : S extends { choices: readonly (infer Choice)[] }
      ? S['type'] extends 'strings' ? Choice[] : Choice
      : S['type'] extends 'strings' ? string[] : string;

/** Booleans, repeatable flags and flags with a default always have a value; the others may be absent. */
type AlwaysSet<S extends FlagSpec> = S['type'] extends 'boolean' | 'strings' ? true : S extends { default: number | string } ? true : false;

/** What parseFlags returns: one field per declared flag, so a misspelt name does not compile. */
export type FlagValues<S extends FlagSpecs> = {
  readonly [K in keyof S as AlwaysSet<S[K]> extends true ? K : never]: FlagValue<S[K]>;
} & {
  readonly [K in keyof S as AlwaysSet<S[K]> extends true ? never : K]?: FlagValue<S[K]>;
};

/** Declares a command's flags, keeping each one's type, choices and default for FlagValues. */
export function defineFlags<const S extends FlagSpecs>(specs: S): S {
  return specs;
}

/**
 * Parses `--name value`, `--name=value`, boolean `--name` and short forms like `-v`. Throws a
 * UsageError with one line for an unknown flag, a stray argument, a missing or bad value, or a
 * single-valued flag given twice.
 */
export function parseFlags<const S extends FlagSpecs>(args: readonly string[], specs: S): FlagValues<S> {
  return readFlags(args, specs).values;
}

/** parseFlags, and which flags the command line names (the others took their defaults). */
export function readFlags<const S extends FlagSpecs>(args: readonly string[], specs: S): { values: FlagValues<S>; given: ReadonlySet<keyof S> } {
  const { tokens } = parseArgs({ args: [...args], options: parseArgsOptions(specs), strict: false, allowPositionals: true, tokens: true });
  const given = new Map<string, unknown>();
  for (const token of tokens) {
    if (token.kind === 'positional') throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}`);
    if (token.kind === 'option-terminator') throw new UsageError('unexpected argument "--"');
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    if (!spec) throw new UsageError(`unknown option ${token.rawName}`);
    given.set(token.name, flagValue(token.name, spec, token.value, given.get(token.name)));
  }
  return { values: withDefaults(specs, given) as FlagValues<S>, given: new Set(given.keys()) };
}

/** The options parseArgs needs to recognise short forms and which flags take a value. */
function parseArgsOptions(specs: FlagSpecs): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const entries = Object.entries(specs).map(([name, spec]) => {
    const type = spec.type === 'boolean' ? ('boolean' as const) : ('string' as const);
    return [name, spec.short ? { type, short: spec.short } : { type }] as const;
  });
  return Object.fromEntries(entries);
}

function flagValue(name: string, spec: FlagSpec, raw: string | undefined, earlier: unknown): unknown {
  if (spec.type === 'boolean') {
    if (raw !== undefined) throw new UsageError(`--${name} takes no value`);
    return true;
  }
  if (raw === undefined) throw new UsageError(`--${name} needs a value${spec.value ? ` (${spec.value})` : ''}`);
  const value = convertValue(`--${name}`, raw, spec);
  if (spec.type === 'strings') return [...((earlier as string[] | undefined) ?? []), value];
  if (earlier !== undefined) throw new UsageError(`--${name} is given more than once`);
  return value;
}

function withDefaults(specs: FlagSpecs, given: Map<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = given.get(name) ?? absentValue(spec);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

function absentValue(spec: FlagSpec): unknown {
  if (spec.type === 'boolean') return false;
  if (spec.type === 'strings') return [];
  return spec.default;
}

/**
 * Checks and converts one value of a flag (or of an environment variable standing for one):
 * `label` names it in the message, e.g. "--port" or "PORT".
 */
export function convertValue<S extends FlagSpec>(label: string, raw: string, spec: S): OneValue<S> {
  if (spec.type === 'integer') return convertInteger(label, raw, spec) as OneValue<S>;
  if (spec.type === 'number') return convertNumber(label, raw, spec) as OneValue<S>;
  if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`${label} must be one of ${spec.choices.join(', ')}`);
  if (raw.trim().length === 0) throw new UsageError(`${label} must not be empty`);
  return raw as OneValue<S>;
}

/** One value of a flag: a number for number flags, else a string (one of a repeatable flag's values). */
type OneValue<S extends FlagSpec> = S['type'] extends 'number' | 'integer' ? number : string;

/** Plain decimal digits with an optional minus sign: no hex, exponent, blanks or fraction. */
const DECIMAL_INTEGER = /^-?[0-9]+$/;
/** A decimal number as a person writes it: 2, 0.5, .5, -1.25 (no exponent, no blanks). */
const DECIMAL_NUMBER = /^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/;

/** An integer: decimal digits only, within [min, max] (by default the safe integers). */
function convertInteger(label: string, raw: string, spec: FlagSpec): number {
  const min = spec.min ?? Number.MIN_SAFE_INTEGER;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  const range = `${min} to ${max}`;
  if (!DECIMAL_INTEGER.test(raw)) throw new UsageError(`${label} must be a decimal integer from ${range}, got ${JSON.stringify(raw)}`);
  const value = BigInt(raw);
  if (value < BigInt(min) || value > BigInt(max)) throw new UsageError(`${label} ${raw} is out of range: must be from ${range}`);
  return Number(value);
}

function convertNumber(label: string, raw: string, spec: FlagSpec): number {
  if (!DECIMAL_NUMBER.test(raw)) throw new UsageError(`${label} must be a decimal number, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`${label} is out of range, got ${raw}`);
  if (spec.min !== undefined && value < spec.min) throw new UsageError(`${label} must be at least ${spec.min}, got ${raw}`);
  if (spec.max !== undefined && value > spec.max) throw new UsageError(`${label} must be at most ${spec.max}, got ${raw}`);
  return value;
}

/** The options part of a command's --help, one row a flag, from the specs. */
export function describeFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '';
    const value = spec.type === 'boolean' ? '' : ` ${spec.value ?? spec.type.toUpperCase()}`;
    const fallback = spec.default === undefined ? '' : ` (default ${spec.default})`;
    return [`  ${short}--${name}${value}`, spec.help + fallback] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, help]) => `${left.padEnd(width)}${help}`).join('\n');
}
