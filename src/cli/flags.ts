// A small, strict command-line flag parser: every flag is declared, typed and range-checked.

export class UsageError extends Error {}

type FlagType = 'boolean' | 'number' | 'integer' | 'string' | 'strings';

export interface FlagSpec {
  type: FlagType;
  /** Shown in --help. */
  help: string;
  alias?: string;
  min?: number;
  max?: number;
  /** Allowed values of a string flag. */
  choices?: readonly string[];
  /** Placeholder for the value in --help, e.g. SECONDS. */
  value?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;
export type FlagValue = boolean | number | string | string[];
export type ParsedFlags = Map<string, FlagValue>;

/** Parses `--name value`, `--name=value`, boolean `--name`, and aliases like `-v`. */
export function parseFlags(args: readonly string[], specs: FlagSpecs): ParsedFlags {
  const parsed: ParsedFlags = new Map();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const { name, inline } = splitFlag(arg, specs);
    const spec = specs[name];
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      parsed.set(name, true);
      continue;
    }
    const raw = inline ?? args[i + 1];
    if (inline === undefined) i += 1;
    if (raw === undefined) throw new UsageError(`--${name} needs a value${spec.value ? ` (${spec.value})` : ''}`);
    const value = convert(name, raw, spec);
    if (spec.type === 'strings') parsed.set(name, [...((parsed.get(name) as string[] | undefined) ?? []), value as string]);
    else parsed.set(name, value);
  }
  return parsed;
}

function splitFlag(arg: string, specs: FlagSpecs): { name: string; inline?: string } {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!Object.hasOwn(specs, name)) throw new UsageError(`unknown option --${name}`);
    return eq === -1 ? { name } : { name, inline: arg.slice(eq + 1) };
  }
  if (arg.startsWith('-') && arg.length > 1) {
    const entry = Object.entries(specs).find(([, spec]) => spec.alias === arg.slice(1));
    if (!entry) throw new UsageError(`unknown option ${arg}`);
    return { name: entry[0] };
  }
  throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
}

function convert(name: string, raw: string, spec: FlagSpec): FlagValue {
  if (spec.type === 'string' || spec.type === 'strings') {
    if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}`);
    if (raw.length === 0) throw new UsageError(`--${name} must not be empty`);
    return raw;
  }
  return spec.type === 'integer' ? convertInteger(name, raw, spec) : convertNumber(name, raw, spec);
}

/** Plain decimal digits with an optional minus sign: no hex, exponent, blanks or fraction. */
const DECIMAL_INTEGER = /^-?[0-9]+$/;
/** A decimal number as a person writes it: 2, 0.5, .5, -1.25 (no exponent, no blanks). */
const DECIMAL_NUMBER = /^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/;

/** An integer flag: decimal digits only, within [min, max] (by default the safe integers). */
function convertInteger(name: string, raw: string, spec: FlagSpec): number {
  const min = spec.min ?? Number.MIN_SAFE_INTEGER;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  const range = `${min} to ${max}`;
  if (!DECIMAL_INTEGER.test(raw)) throw new UsageError(`--${name} must be a decimal integer from ${range}, got ${JSON.stringify(raw)}`);
  const value = BigInt(raw);
  if (value < BigInt(min) || value > BigInt(max)) throw new UsageError(`--${name} ${raw} is out of range: must be from ${range}`);
  return Number(value);
}

function convertNumber(name: string, raw: string, spec: FlagSpec): number {
  if (!DECIMAL_NUMBER.test(raw)) throw new UsageError(`--${name} must be a decimal number, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} is out of range, got ${raw}`);
  if (spec.min !== undefined && value < spec.min) throw new UsageError(`--${name} must be at least ${spec.min}, got ${raw}`);
  if (spec.max !== undefined && value > spec.max) throw new UsageError(`--${name} must be at most ${spec.max}, got ${raw}`);
  return value;
}

export function flagNumber(flags: ParsedFlags, name: string, fallback: number): number {
  const value = flags.get(name);
  return typeof value === 'number' ? value : fallback;
}

export function flagString(flags: ParsedFlags, name: string): string | undefined {
  const value = flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

export function flagStrings(flags: ParsedFlags, name: string): string[] {
  const value = flags.get(name);
  return Array.isArray(value) ? value : [];
}

export function flagBoolean(flags: ParsedFlags, name: string): boolean {
  return flags.get(name) === true;
}

/** The options part of a command's --help. */
export function describeFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const alias = spec.alias ? `-${spec.alias}, ` : '';
    const value = spec.type === 'boolean' ? '' : ` ${spec.value ?? spec.type.toUpperCase()}`;
    return [`  ${alias}--${name}${value}`, spec.help] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, help]) => `${left.padEnd(width)}${help}`).join('\n');
}
