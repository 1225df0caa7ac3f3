// The sandbox's shareable link: a compact, versioned text for (nodes, params, seed, network, actions)
// in the URL's fragment, e.g. `#sandbox=v1;n=5;seed=7;a=500@crash:2,900@restart:2` (docs/SANDBOX.md).
// Parsing never throws: bad input gives one clear message.

import type { DelayDistribution } from '../sim/network';
import type { LinkSettings } from '../net/link-shaper';
import { MAX_NODES, USER_NODES, sandboxMembers, setupError, type FrameKindToLose, type SandboxAction, type SandboxSetup } from './setup';

export const SANDBOX_URL_VERSION = 'v1';
const PREFIX = 'sandbox=';
/** Longer links are refused before parsing (browsers keep far longer URLs; nobody types this much). */
export const MAX_LINK_LENGTH = 16_000;
export const MAX_ACTIONS = 1000;

/** What a v1 link means by a key it leaves out. Frozen: a v1 link must mean the same forever. */
const V1_DEFAULTS = {
  send: 3000,
  wait: 1000,
  tick: 100,
  w: 1,
  lat: 10,
  dist: 'u',
  loss: 0,
  dup: 0,
  skew: 0,
  batch: 0,
} as const;

const DISTRIBUTIONS: Record<string, DelayDistribution> = { c: 'constant', u: 'uniform', e: 'exponential' };
const KEYS = ['n', 'seed', 'net', 'send', 'wait', 'tick', 'w', 'lat', 'dist', 'loss', 'dup', 'skew', 'batch', 'a'] as const;
type Key = (typeof KEYS)[number];

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Whether a URL fragment (with or without '#') is a sandbox link at all. */
export function isSandboxLink(fragment: string): boolean {
  return stripHash(fragment).startsWith(PREFIX);
}

// ---- encoding -------------------------------------------------------------------------------

/** The link text for a setup, without the '#': n and seed always, other keys when not the v1 default. */
export function encodeSandboxLink(setup: SandboxSetup): string {
  const p = setup.params;
  const net = setup.network;
  const distCode = Object.keys(DISTRIBUTIONS).find((code) => DISTRIBUTIONS[code] === net.delay)!;
  const parts = [`${PREFIX}${SANDBOX_URL_VERSION}`, `n=${setup.nodes}`, `seed=${p.seed}`];
  const optional: [Key, string | number, string | number][] = [
    ['net', setup.netSeed, p.seed],
    ['send', p.sendForMs, V1_DEFAULTS.send],
    ['wait', p.waitForMs, V1_DEFAULTS.wait],
    ['tick', p.tickMs, V1_DEFAULTS.tick],
    ['w', p.window, V1_DEFAULTS.w],
    ['lat', net.latencyMs, V1_DEFAULTS.lat],
    ['dist', distCode, V1_DEFAULTS.dist],
    ['loss', net.lossPercent, V1_DEFAULTS.loss],
    ['dup', net.dupPercent, V1_DEFAULTS.dup],
    ['skew', net.skewMs, V1_DEFAULTS.skew],
    ['batch', setup.batching ? 1 : 0, V1_DEFAULTS.batch],
  ];
  for (const [key, value, fallback] of optional) if (value !== fallback) parts.push(`${key}=${value}`);
  if (setup.actions.length > 0) {
    const members = sandboxMembers(setup);
    parts.push(`a=${setup.actions.map((action) => encodeAction(action, members)).join(',')}`);
  }
  return parts.join(';');
}

function encodeAction(action: SandboxAction, members: readonly string[]): string {
  const node = (id: string): number => members.indexOf(id) + 1;
  const head = `${encodeTime(action.at)}@`;
  switch (action.type) {
    case 'link':
      return head + ['link', node(action.a), node(action.b), ...encodeLinkSettings(action.settings)].join(':');
    case 'latency':
      return `${head}lat:${action.ms}`;
    case 'loss':
    case 'dup':
    case 'reorder':
      return `${head}${action.type}:${action.percent}`;
    case 'partition':
      return `${head}part:${action.side.map(node).join('.')}`;
    case 'lose-next':
      return `${head}lose:${node(action.from)}:${node(action.to)}:${action.kind}`;
    case 'crash':
    case 'restart':
      return `${head}${action.type}:${node(action.node)}`;
    case 'heal':
    case 'stop':
      return head + action.type;
  }
}

function encodeLinkSettings(settings: LinkSettings): string[] {
  const tokens: string[] = [];
  if (settings.cut) tokens.push('x');
  if (settings.lossPercent > 0) tokens.push(`l${settings.lossPercent}`);
  if (settings.delayMs > 0) tokens.push(`d${settings.delayMs}`);
  return tokens;
}

/** Virtual µs as milliseconds with up to three decimals (exact). */
function encodeTime(us: number): string {
  const ms = Math.floor(us / 1000);
  const rest = us % 1000;
  return rest === 0 ? String(ms) : `${ms}.${String(rest).padStart(3, '0').replace(/0+$/, '')}`;
}

// ---- parsing --------------------------------------------------------------------------------

/** Reads a link (the URL's fragment, with or without '#'); checks everything a setup must satisfy. */
export function parseSandboxLink(fragment: string): Parsed<SandboxSetup> {
  const text = decodeFragment(stripHash(fragment));
  if (text === null) return fail('it is not valid percent-encoding');
  if (text.length > MAX_LINK_LENGTH) return fail(`it is ${text.length} characters long; at most ${MAX_LINK_LENGTH} are read`);
  if (!text.startsWith(PREFIX)) return fail(`it must start with "${PREFIX}${SANDBOX_URL_VERSION}"`);
  const [version, ...fields] = text.slice(PREFIX.length).split(';');
  if (version !== SANDBOX_URL_VERSION) {
    return fail(`version "${version}" is not one this page reads (it reads ${SANDBOX_URL_VERSION}; a newer page may read it)`);
  }
  const values = readFields(fields);
  if (!values.ok) return values;
  const setup = buildSetup(values.value);
  if (!setup.ok) return setup;
  const error = setupError(setup.value);
  return error ? fail(error) : setup;
}

function readFields(fields: string[]): Parsed<Map<Key, string>> {
  const values = new Map<Key, string>();
  for (const field of fields) {
    if (field === '') continue;
    const equals = field.indexOf('=');
    const key = (equals === -1 ? field : field.slice(0, equals)) as Key;
    if (!KEYS.includes(key)) return fail(`unknown key "${key}" (known: ${KEYS.join(', ')})`);
    if (equals === -1) return fail(`"${key}" needs a value (${key}=...)`);
    if (values.has(key)) return fail(`"${key}" is given twice`);
    values.set(key, field.slice(equals + 1));
  }
  if (!values.has('n')) return fail('the number of nodes is missing (n=5, say)');
  if (!values.has('seed')) return fail('the seed is missing (seed=7, say)');
  return { ok: true, value: values };
}

function buildSetup(values: Map<Key, string>): Parsed<SandboxSetup> {
  const integer = (key: Key, fallback?: number): number | string => readNumber(key, values.get(key), fallback, true);
  const decimal = (key: Key, fallback: number): number | string => readNumber(key, values.get(key), fallback, false);
  const nodes = integer('n');
  const seed = integer('seed');
  if (typeof seed !== 'number') return fail(seed);
  const numbers = { nodes, seed, netSeed: integer('net', seed), send: decimal('send', V1_DEFAULTS.send), wait: decimal('wait', V1_DEFAULTS.wait), tick: decimal('tick', V1_DEFAULTS.tick), window: integer('w', V1_DEFAULTS.w), latency: decimal('lat', V1_DEFAULTS.lat), loss: decimal('loss', V1_DEFAULTS.loss), dup: decimal('dup', V1_DEFAULTS.dup), skew: decimal('skew', V1_DEFAULTS.skew), batch: integer('batch', V1_DEFAULTS.batch) };
  for (const value of Object.values(numbers)) if (typeof value === 'string') return fail(value);
  const n = numbers as Record<keyof typeof numbers, number>;
  const delay = DISTRIBUTIONS[values.get('dist') ?? V1_DEFAULTS.dist];
  if (!delay) return fail(`dist must be c (constant), u (uniform) or e (exponential), got "${values.get('dist')}"`);
  if (n.batch !== 0 && n.batch !== 1) return fail(`batch must be 0 or 1, got ${n.batch}`);
  if (n.nodes < USER_NODES.min || n.nodes > MAX_NODES) return fail(`n must be from ${USER_NODES.min} to ${MAX_NODES} nodes, got ${n.nodes}`);
  const setup: SandboxSetup = {
    nodes: n.nodes,
    params: { sendForMs: n.send, waitForMs: n.wait, seed: n.seed, tickMs: n.tick, window: n.window },
    netSeed: n.netSeed,
    network: { latencyMs: n.latency, delay, lossPercent: n.loss, dupPercent: n.dup, skewMs: n.skew },
    batching: n.batch === 1,
    actions: [],
  };
  const actions = parseActions(values.get('a') ?? '', sandboxMembers(setup));
  if (!actions.ok) return actions;
  return { ok: true, value: { ...setup, actions: actions.value } };
}

const INTEGER = /^\d{1,16}$/;
/** Decimal numbers as JavaScript writes them (String(x)), so every number round-trips exactly. */
const DECIMAL = /^\d{1,21}(\.\d{1,30})?(e-?\d{1,3})?$/i;

/** A number, or the message saying why the text is not one. */
function readNumber(key: string, text: string | undefined, fallback: number | undefined, integer: boolean): number | string {
  if (text === undefined) return fallback ?? `${key} is missing`;
  const ok = integer ? INTEGER.test(text) : DECIMAL.test(text);
  const value = Number(text);
  if (!ok || !Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) {
    return `${key} must be ${integer ? 'a whole number' : 'a number'} like ${integer ? '7' : '12.5'}, got "${text}"`;
  }
  return value;
}

function parseActions(text: string, members: readonly string[]): Parsed<SandboxAction[]> {
  if (text === '') return { ok: true, value: [] };
  const items = text.split(',');
  if (items.length > MAX_ACTIONS) return fail(`it has ${items.length} actions; at most ${MAX_ACTIONS} are read`);
  const actions: SandboxAction[] = [];
  for (const [index, item] of items.entries()) {
    const action = parseAction(item, members);
    if (typeof action === 'string') return fail(`action ${index + 1} "${item}": ${action}`);
    actions.push(action);
  }
  return { ok: true, value: actions };
}

const TIME = /^(\d{1,9})(?:\.(\d{1,3}))?$/;
const ACTION_FORMS = 'link:I:J[:x][:lPCT][:dMS], lat:MS, loss:PCT, dup:PCT, reorder:PCT, part:I.J..., heal, lose:I:J:data|ack|fin, crash:I, restart:I, stop';

/** One action, or the message saying what is wrong with it. */
function parseAction(text: string, members: readonly string[]): SandboxAction | string {
  const at = text.indexOf('@');
  if (at === -1) return 'it needs a time: MS@what (e.g. 500@crash:2)';
  const time = TIME.exec(text.slice(0, at));
  if (!time) return `the time must be milliseconds with up to 3 decimals, got "${text.slice(0, at)}"`;
  const atUs = Number(time[1]) * 1000 + Number((time[2] ?? '').padEnd(3, '0'));
  const [verb, ...args] = text.slice(at + 1).split(':');
  const node = (arg: string | undefined): string | null => {
    if (arg === undefined || !INTEGER.test(arg)) return null;
    return members[Number(arg) - 1] ?? null;
  };
  const nodeError = (arg: string | undefined): string => `"${arg ?? ''}" is not a node number from 1 to ${members.length}`;
  const arity = (count: number): string | null => (args.length === count ? null : `${verb} takes ${count} argument${count === 1 ? '' : 's'}, got ${args.length}`);
  switch (verb) {
    case 'link': {
      const a = node(args[0]);
      const b = node(args[1]);
      if (!a) return nodeError(args[0]);
      if (!b) return nodeError(args[1]);
      const settings = parseLinkSettings(args.slice(2));
      return typeof settings === 'string' ? settings : { at: atUs, type: 'link', a, b, settings };
    }
    case 'lat':
    case 'loss':
    case 'dup':
    case 'reorder': {
      const error = arity(1);
      if (error) return error;
      const value = readNumber(verb, args[0], undefined, false);
      if (typeof value === 'string') return value;
      return verb === 'lat' ? { at: atUs, type: 'latency', ms: value } : { at: atUs, type: verb, percent: value };
    }
    case 'part': {
      const error = arity(1);
      if (error) return error;
      const side: string[] = [];
      for (const arg of args[0].split('.')) {
        const id = node(arg);
        if (!id) return nodeError(arg);
        side.push(id);
      }
      return { at: atUs, type: 'partition', side };
    }
    case 'lose': {
      const error = arity(3);
      if (error) return error;
      const from = node(args[0]);
      const to = node(args[1]);
      if (!from) return nodeError(args[0]);
      if (!to) return nodeError(args[1]);
      if (!['data', 'ack', 'fin'].includes(args[2])) return `the frame kind must be data, ack or fin, got "${args[2]}"`;
      return { at: atUs, type: 'lose-next', from, to, kind: args[2] as FrameKindToLose };
    }
    case 'crash':
    case 'restart': {
      const error = arity(1);
      if (error) return error;
      const id = node(args[0]);
      return id ? { at: atUs, type: verb, node: id } : nodeError(args[0]);
    }
    case 'heal':
    case 'stop':
      return arity(0) ?? { at: atUs, type: verb };
    default:
      return `unknown action "${verb}" (one of: ${ACTION_FORMS})`;
  }
}

function parseLinkSettings(tokens: string[]): LinkSettings | string {
  const settings: LinkSettings = { cut: false, lossPercent: 0, delayMs: 0 };
  for (const token of tokens) {
    if (token === 'x') settings.cut = true;
    else if (token.startsWith('l') || token.startsWith('d')) {
      const value = readNumber(token[0] === 'l' ? 'link loss' : 'link delay', token.slice(1), undefined, false);
      if (typeof value === 'string') return value;
      if (token[0] === 'l') settings.lossPercent = value;
      else settings.delayMs = value;
    } else return `"${token}" is not a link setting (x = cut, l20 = 20 % loss, d150 = 150 ms delay)`;
  }
  return settings;
}

function stripHash(fragment: string): string {
  return fragment.startsWith('#') ? fragment.slice(1) : fragment;
}

function decodeFragment(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function fail(reason: string): { ok: false; error: string } {
  return { ok: false, error: `This sandbox link cannot be read: ${reason}.` };
}
