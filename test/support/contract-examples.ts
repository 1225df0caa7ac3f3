// Client messages at the edges of docs/schemas/client-message.json, each with whether the contract accepts it.

const PARAMS = { sendForMs: 1000, waitForMs: 500, seed: 7, tickMs: 50, window: 1 };
const withParams = (change: Record<string, unknown>): object => ({ type: 'start', params: { ...PARAMS, ...change }, members: ['a', 'b'] });
const shape = (change: Record<string, unknown>): object => ({ type: 'shape', link: ['a', 'b'], cut: false, lossPercent: 0, delayMs: 0, ...change });

/** [what, message, whether the contract accepts it] for a member `a` of a room that also holds `b`. */
export const EXAMPLES: Array<[string, unknown, boolean]> = [
  ['ping', { type: 'ping' }, true],
  ['ping with a field', { type: 'ping', at: 1 }, false],
  ['no type', { to: 'b' }, false],
  ['an array', [1, 2], false],
  ['unknown type', { type: 'teleport' }, false],
  ['signal', { type: 'signal', to: 'b', data: { attempt: 1, signal: { type: 'offer', sdp: 'v=0' } } }, true],
  ['signal with any data object', { type: 'signal', to: 'b', data: {} }, true],
  ['signal with data as an array', { type: 'signal', to: 'b', data: [] }, false],
  ['signal with a from', { type: 'signal', to: 'b', from: 'a', data: {} }, false],
  ['signal to a bad id', { type: 'signal', to: 'b c', data: {} }, false],
  ['peers', { type: 'peers', connected: ['b'] }, true],
  ['peers, none', { type: 'peers', connected: [] }, true],
  ['peers repeating an id', { type: 'peers', connected: ['b', 'b'] }, false],
  ['peers as a boolean', { type: 'peers', connected: true }, false],
  ['peers, 256 ids', { type: 'peers', connected: Array.from({ length: 256 }, (_, i) => `p${i}`) }, true],
  ['peers, 257 ids', { type: 'peers', connected: Array.from({ length: 257 }, (_, i) => `p${i}`) }, false],
  ['start', withParams({}), true],
  ['start without members', { type: 'start', params: PARAMS }, true],
  ['start with no members', { type: 'start', params: PARAMS, members: [] }, false],
  ['start with a repeated member', { type: 'start', params: PARAMS, members: ['a', 'a'] }, false],
  ['start, window 1024', withParams({ window: 1024 }), true],
  ['start, window 1025', withParams({ window: 1025 }), false],
  ['start, window 0', withParams({ window: 0 }), false],
  ['start, window 1.5', withParams({ window: 1.5 }), false],
  ['start, tick 1', withParams({ tickMs: 1 }), true],
  ['start, tick 0.5', withParams({ tickMs: 0.5 }), false],
  ['start, tick 60000', withParams({ tickMs: 60_000 }), true],
  ['start, tick 60001', withParams({ tickMs: 60_001 }), false],
  ['start, tick 2.5', withParams({ tickMs: 2.5 }), true],
  ['start, seed 0', withParams({ seed: 0 }), true],
  ['start, seed 2^53 - 1', withParams({ seed: 2 ** 53 - 1 }), true],
  ['start, seed 2^53', withParams({ seed: 2 ** 53 }), false],
  ['start, seed -1', withParams({ seed: -1 }), false],
  ['start, seed 1.5', withParams({ seed: 1.5 }), false],
  ['start, seed "5"', withParams({ seed: '5' }), false],
  ['start, send-for 0', withParams({ sendForMs: 0 }), true],
  ['start, send-for 1.5 ms', withParams({ sendForMs: 1.5 }), true],
  ['start, send-for 24 h', withParams({ sendForMs: 86_400_000 }), true],
  ['start, send-for 24 h + 1 ms', withParams({ sendForMs: 86_400_001 }), false],
  ['start, wait-for -1', withParams({ waitForMs: -1 }), false],
  ['start, wait-for missing', { type: 'start', params: { sendForMs: 1, seed: 1, tickMs: 1, window: 1 } }, false],
  ['start, an unknown param', withParams({ batching: true }), false],
  ['shape', shape({ cut: true }), true],
  ['shape, loss 100 %, delay 10 s', shape({ lossPercent: 100, delayMs: 10_000 }), true],
  ['shape, loss 100.5 %', shape({ lossPercent: 100.5 }), false],
  ['shape, delay 10001 ms', shape({ delayMs: 10_001 }), false],
  ['shape, cut as 1', shape({ cut: 1 }), false],
  ['shape of a link to itself', shape({ link: ['a', 'a'] }), false],
  ['shape of three ids', shape({ link: ['a', 'b', 'c'] }), false],
  ['telemetry', { type: 'telemetry', data: { snapshot: {} } }, true],
  ['telemetry with data as a string', { type: 'telemetry', data: 'x' }, false],
  ['finished', { type: 'finished', runId: 'r1' }, true],
  ['finished, empty run id', { type: 'finished', runId: '' }, false],
  ['finished, 65-character run id', { type: 'finished', runId: 'x'.repeat(65) }, false],
  ['trace-get', { type: 'trace-get', to: 'n1', runId: 'r1', part: 0 }, true],
  ['trace-get, part 1.5', { type: 'trace-get', to: 'n1', runId: 'r1', part: 1.5 }, false],
  ['trace-get, part 65536', { type: 'trace-get', to: 'n1', runId: 'r1', part: 65536 }, false],
  ['trace-get without a part', { type: 'trace-get', to: 'n1', runId: 'r1' }, false],
  ['trace-part', { type: 'trace-part', to: 'w', runId: 'r1', part: 2, lines: '{"t":1}\n', more: true }, true],
  ['trace-part refusing', { type: 'trace-part', to: 'w', runId: 'r1', part: 0, lines: '', more: false, reason: 'n1 keeps no trace' }, true],
  ['trace-part with an empty reason', { type: 'trace-part', to: 'w', runId: 'r1', part: 0, lines: '', more: false, reason: '' }, false],
  ['trace-part with lines as records', { type: 'trace-part', to: 'w', runId: 'r1', part: 0, lines: [{ t: 1 }], more: false }, false],
  ['trace-part without more', { type: 'trace-part', to: 'w', runId: 'r1', part: 0, lines: '' }, false],
  ['accept', { type: 'accept', runId: 'r1' }, true],
  ['accept without a run id', { type: 'accept' }, false],
  ['decline', { type: 'decline', runId: 'r1', reason: '--with-seed 5 contradicts seed 6' }, true],
  ['decline without a reason', { type: 'decline', runId: 'r1' }, false],
  ['decline with an empty reason', { type: 'decline', runId: 'r1', reason: '' }, false],
  ['decline with a 500-character reason', { type: 'decline', runId: 'r1', reason: 'x'.repeat(500) }, true],
  ['decline with a 501-character reason', { type: 'decline', runId: 'r1', reason: 'x'.repeat(501) }, false],
  ['join once joined', { type: 'join', room: 'r', role: 'member' }, true],
];

export const KEY = 'B' + 'A'.repeat(86);
export const SIG = 'A'.repeat(86);

/** [what, join message, whether the contract accepts it], each sent as the first message of a new socket. */
export const JOINS: Array<[string, unknown, boolean]> = [
  ['member with an id', { type: 'join', room: 'j', role: 'member', id: 'x1' }, true],
  ['observer without an id', { type: 'join', room: 'j', role: 'observer' }, true],
  ['64-character room', { type: 'join', room: 'r'.repeat(64), role: 'member' }, true],
  ['65-character room', { type: 'join', room: 'r'.repeat(65), role: 'member' }, false],
  ['room with a space', { type: 'join', room: 'a b', role: 'member' }, false],
  ['32-character id', { type: 'join', room: 'j', role: 'member', id: 'i'.repeat(32) }, true],
  ['33-character id', { type: 'join', room: 'j', role: 'member', id: 'i'.repeat(33) }, false],
  ['id with a dot', { type: 'join', room: 'j', role: 'member', id: 'a.b' }, false],
  ['no role', { type: 'join', room: 'j' }, false],
  ['role "admin"', { type: 'join', room: 'j', role: 'admin' }, false],
  // with key and sig as given (not signed by the test): the schema checks their form only
  ['no key and no sig', { type: 'join', room: 'j', role: 'member', key: undefined, sig: undefined }, false],
  ['a key of 86 characters', { type: 'join', room: 'j', role: 'member', key: KEY.slice(1), sig: SIG }, false],
  ['a key in base64 (+ and /)', { type: 'join', room: 'j', role: 'member', key: KEY.slice(1) + '+', sig: SIG }, false],
  ['a sig of 88 characters (DER or padded)', { type: 'join', room: 'j', role: 'member', key: KEY, sig: SIG + 'AA' }, false],
  ['a well-formed key and sig that do not verify (bad-proof, not a schema error)', { type: 'join', room: 'j', role: 'member', key: KEY, sig: SIG }, true],
  ['a room secret', { type: 'join', room: 'j2', role: 'member', secret: 'open sesame' }, true],
  ['an empty room secret', { type: 'join', room: 'j', role: 'member', secret: '' }, false],
  ['a 129-character room secret', { type: 'join', room: 'j', role: 'member', secret: 's'.repeat(129) }, false],
  ['a resume token (no longer part of join)', { type: 'join', room: 'j', role: 'member', resume: 'f'.repeat(32) }, false],
];

/** A join as the schema sees it once signed: one without a `key` field gets a well-formed key and sig (the form, not a proof). */
export function withProofFields(message: unknown): unknown {
  const join = message as Record<string, unknown> | null;
  if (typeof join !== 'object' || join === null || join.type !== 'join' || 'key' in join) return message;
  return { ...join, key: KEY, sig: SIG };
}
