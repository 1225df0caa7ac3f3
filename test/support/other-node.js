// A second Chatterbox node, written from docs/PROTOCOL.md, docs/SIGNALING.md and the README alone: the conformance harness's foreign node.
//
// Plain JavaScript on what any third party has (`ws`, `@roamhq/wrtc`); nothing from src/. It takes the
// documented node flags, joins a room, forms the mesh (offer rule, attempts, trickle ICE, the
// pre-negotiated frame channel), runs the protocol with plain frames (it receives batches but never
// sends them, and resends every tick: enough up to W = 64), prints `(count, checksum)` and exits with
// the documented codes. `--fault checksum|value` is a test aid that makes it misbehave on purpose.

import { WebSocket } from 'ws';
import wrtc from '@roamhq/wrtc';

const { RTCPeerConnection } = wrtc;

const USAGE = `node test/support/other-node.js [flags]

  --signal URL  --room NAME  --id ID  --expect N
  --send-for S  --wait-for S  --with-seed X  --tick-duration MS  --window W
  --connect-timeout S  -v/--verbose
  --fault checksum|value   test aid: print a wrong checksum on stdout (its RESULT frames stay
                           right), or send DATA whose values are not value(seed, id, seq)`;

// ---------------------------------------------------------------------------------------------
// Flags (README "chatterbox node" and `chatterbox node --help`)

class UsageError extends Error {}

const VALUE_FLAGS = new Set(['signal', 'room', 'id', 'expect', 'send-for', 'wait-for', 'with-seed', 'tick-duration', 'window', 'connect-timeout', 'fault']);
const ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_SEED = 2 ** 53 - 1;

function readFlags(argv) {
  const raw = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-v' || arg === '--verbose') raw.set('verbose', true);
    else if (arg === '-h' || arg === '--help') raw.set('help', true);
    else i = readValueFlag(argv, i, raw);
  }
  return raw;
}

/** Reads `--name value` or `--name=value` at argv[i]; returns the index of the last argument used. */
function readValueFlag(argv, i, raw) {
  const arg = argv[i];
  if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
  const eq = arg.indexOf('=');
  const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
  if (!VALUE_FLAGS.has(name)) throw new UsageError(`unknown or unsupported flag --${name}`);
  const value = eq === -1 ? argv[i + 1] : arg.slice(eq + 1);
  if (value === undefined) throw new UsageError(`--${name} needs a value`);
  raw.set(name, value);
  return eq === -1 ? i + 1 : i;
}

function numberFlag(raw, name, fallback, min, max) {
  if (!raw.has(name)) return fallback;
  const text = raw.get(name);
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value < min || value > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

function integerFlag(raw, name, fallback, min, max) {
  if (!raw.has(name)) return fallback;
  const text = raw.get(name);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

function patternFlag(raw, name, fallback, pattern, rule) {
  const value = raw.get(name) ?? fallback;
  if (value !== undefined && !pattern.test(value)) throw new UsageError(`--${name} must be ${rule}, got ${JSON.stringify(value)}`);
  return value;
}

function optionsFrom(raw) {
  const fault = raw.get('fault');
  if (fault !== undefined && fault !== 'checksum' && fault !== 'value') throw new UsageError('--fault must be checksum or value');
  return {
    signal: raw.get('signal') ?? 'ws://127.0.0.1:8787',
    room: patternFlag(raw, 'room', 'chatterbox', ROOM_PATTERN, '1-64 letters, digits, _ or -'),
    id: patternFlag(raw, 'id', undefined, ID_PATTERN, '1-32 letters, digits, _ or -'),
    expect: integerFlag(raw, 'expect', undefined, 1, 32),
    connectTimeoutMs: numberFlag(raw, 'connect-timeout', 60, 0.001, 86_400) * 1000,
    verbose: raw.has('verbose'),
    fault,
    params: {
      sendForMs: Math.round(numberFlag(raw, 'send-for', 3, 0, 86_400) * 1e6) / 1000,
      waitForMs: Math.round(numberFlag(raw, 'wait-for', 1, 0, 86_400) * 1e6) / 1000,
      seed: integerFlag(raw, 'with-seed', 0, 0, MAX_SEED),
      tickMs: numberFlag(raw, 'tick-duration', 100, 1, 60_000),
      window: integerFlag(raw, 'window', 1, 1, 1024),
    },
    givenParams: new Set(['send-for', 'wait-for', 'with-seed', 'tick-duration', 'window'].filter((name) => raw.has(name))),
  };
}

// ---------------------------------------------------------------------------------------------
// Clock, values, result (PROTOCOL.md "Clocks", "Values", "Result")

/** Microseconds since the Unix epoch. */
const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

const MASK64 = (1n << 64n) - 1n;
const SCALE = 10n ** 10n;

function mix64(z) {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

function fnv1a64(text) {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & MASK64;
  return hash;
}

/** value(seed, member, seq): an integer in [1, 10^10]. */
function valueOf(seed, member, seq) {
  const key = mix64(BigInt(seed) ^ fnv1a64(member));
  return Number(mix64((key + BigInt(seq) * 0x9e3779b97f4a7c15n) & MASK64) % SCALE) + 1;
}

const compareIds = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function compareMessages(a, b) {
  return a.sentAt - b.sentAt || compareIds(a.from, b.from) || a.seq - b.seq;
}

/** (count, checksum) of committed messages: ordered by (sentAt, from, seq), checksum = Σ i · value_i / 10^10. */
function resultOf(committed) {
  const ordered = [...committed].sort(compareMessages);
  let sum = 0n;
  ordered.forEach((message, index) => (sum += BigInt(index + 1) * BigInt(message.value)));
  return { count: ordered.length, checksum: `${sum / SCALE}.${(sum % SCALE).toString().padStart(10, '0')}` };
}

// ---------------------------------------------------------------------------------------------
// Frames (PROTOCOL.md "Frames", "Batches")

const KIND_CODES = { data: 1, ack: 2, fin: 3, result: 4, ping: 5, pong: 6 };
const KIND_NAMES = ['', 'data', 'ack', 'fin', 'result', 'ping', 'pong'];
const BATCH_KIND = 7;
const CHECKSUM_PATTERN = /^[0-9]{1,40}\.[0-9]{10}$/;

function encodeFrame(frame) {
  const from = Buffer.from(frame.from, 'ascii');
  const body = encodeBody(frame);
  const bytes = Buffer.alloc(7 + from.length + body.length);
  bytes[0] = 1;
  bytes[1] = KIND_CODES[frame.kind];
  bytes.writeUInt32BE(frame.run, 2);
  bytes[6] = from.length;
  from.copy(bytes, 7);
  body.copy(bytes, 7 + from.length);
  return bytes;
}

function encodeBody(frame) {
  if (frame.kind === 'data') {
    const body = Buffer.alloc(20);
    body.writeUInt32BE(frame.seq, 0);
    body.writeBigUInt64BE(BigInt(frame.sentAt), 4);
    body.writeBigUInt64BE(BigInt(frame.value), 12);
    return body;
  }
  if (frame.kind === 'ack' || frame.kind === 'fin') {
    const body = Buffer.alloc(4);
    body.writeUInt32BE(frame.seq, 0);
    return body;
  }
  if (frame.kind === 'result') {
    const checksum = Buffer.from(frame.checksum, 'ascii');
    const body = Buffer.alloc(6 + checksum.length);
    body.writeUInt32BE(frame.count, 0);
    body[4] = frame.complete ? 1 : 0;
    body[5] = checksum.length;
    checksum.copy(body, 6);
    return body;
  }
  const body = Buffer.alloc(12);
  body.writeUInt32BE(frame.nonce, 0);
  body.writeBigUInt64BE(BigInt(frame.time), 4);
  return body;
}

/** One data-channel message: a frame or a batch of them; each entry is {frame} or {error}. */
function decodeMessage(bytes) {
  if (bytes.length >= 2 && bytes[0] === 1 && bytes[1] === BATCH_KIND) return decodeBatch(bytes);
  return [decodeFrame(bytes)];
}

function decodeBatch(bytes) {
  if (bytes.length > 16_000) return [{ error: 'too-large' }];
  if (bytes.length < 4) return [{ error: 'too-short' }];
  const count = bytes.readUInt16BE(2);
  if (count < 2) return [{ error: 'bad-field: batch count below 2' }];
  const entries = [];
  let offset = 4;
  for (let i = 0; i < count; i++) {
    if (offset + 2 > bytes.length) return [{ error: 'too-short' }];
    const length = bytes.readUInt16BE(offset);
    offset += 2;
    if (offset + length > bytes.length) return [{ error: 'too-short' }];
    entries.push(decodeFrame(bytes.subarray(offset, offset + length)));
    offset += length;
  }
  return offset === bytes.length ? entries : [{ error: 'trailing-bytes' }];
}

function decodeFrame(bytes) {
  if (bytes.length > 1024) return { error: 'too-large' };
  if (bytes.length < 8) return { error: 'too-short' };
  if (bytes[0] !== 1) return { error: `bad-version ${bytes[0]}` };
  const kind = KIND_NAMES[bytes[1]];
  if (!kind) return { error: `unknown-kind ${bytes[1]}` };
  const idLength = bytes[6];
  if (idLength < 1 || idLength > 32) return { error: 'bad-field: id length' };
  if (bytes.length < 7 + idLength) return { error: 'too-short' };
  const from = bytes.toString('ascii', 7, 7 + idLength);
  if (!ID_PATTERN.test(from)) return { error: 'bad-field: id' };
  return decodeBody(kind, bytes.readUInt32BE(2), from, bytes.subarray(7 + idLength));
}

const BODY_LENGTHS = { data: 20, ack: 4, fin: 4, ping: 12, pong: 12 };

function decodeBody(kind, run, from, body) {
  const expected = kind === 'result' ? 6 + (body.length >= 6 ? body[5] : 0) : BODY_LENGTHS[kind];
  if (body.length < expected) return { error: 'too-short' };
  if (body.length > expected) return { error: 'trailing-bytes' };
  const frame = { kind, run, from, ...bodyFields(kind, body) };
  const problem = fieldProblem(frame);
  return problem ? { error: `bad-field: ${problem}` } : { frame };
}

function bodyFields(kind, body) {
  if (kind === 'data') return { seq: body.readUInt32BE(0), sentAt: Number(body.readBigUInt64BE(4)), value: Number(body.readBigUInt64BE(12)) };
  if (kind === 'ack' || kind === 'fin') return { seq: body.readUInt32BE(0) };
  if (kind === 'result') return { count: body.readUInt32BE(0), complete: body[4], checksum: body.toString('ascii', 6) };
  return { nonce: body.readUInt32BE(0), time: Number(body.readBigUInt64BE(4)) };
}

function fieldProblem(frame) {
  if (frame.kind === 'data') {
    if (frame.seq < 1) return 'seq 0';
    if (frame.sentAt > MAX_SEED) return 'sentAt';
    if (frame.value < 1 || frame.value > 1e10) return 'value';
  }
  if (frame.kind === 'fin' && frame.seq < 1) return 'seq 0';
  if (frame.kind === 'result') {
    if (frame.complete > 1) return 'complete';
    if (frame.checksum.length > 64 || !CHECKSUM_PATTERN.test(frame.checksum)) return 'checksum';
  }
  if ((frame.kind === 'ping' || frame.kind === 'pong') && frame.time > MAX_SEED) return 'time';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Logging

let logPrefix = 'other-node';
let verbose = false;
const log = (line) => process.stderr.write(`${logPrefix}: ${line}\n`);
const debug = (line) => verbose && log(line);

// ---------------------------------------------------------------------------------------------
// Keys and proofs (SIGNALING.md "Keys and proofs": ECDSA P-256 / SHA-256, base64url, signed texts)

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' };
const subtle = globalThis.crypto.subtle;
const base64url = (bytes) => Buffer.from(bytes).toString('base64url');

/** A fresh key pair: `key` is the raw public point in base64url, `fingerprint` the hex SHA-256 of its 65 bytes. */
async function createIdentity() {
  const pair = await subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const raw = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, key: base64url(raw), fingerprint: await fingerprintOf(raw) };
}

async function fingerprintOf(rawKey) {
  return Buffer.from(await subtle.digest('SHA-256', rawKey)).toString('hex');
}

async function sign(identity, text) {
  return base64url(new Uint8Array(await subtle.sign(SIGNING, identity.privateKey, new TextEncoder().encode(text))));
}

/** Whether `sig` over `text` verifies with `key`, and the key's fingerprint is `fingerprint`. */
async function verifiedBy(fingerprint, key, sig, text) {
  if (typeof key !== 'string' || typeof sig !== 'string') return false;
  const raw = Buffer.from(key, 'base64url');
  if (raw.length !== 65 || (await fingerprintOf(raw)) !== fingerprint) return false;
  try {
    const publicKey = await subtle.importKey('raw', raw, ECDSA, false, ['verify']);
    return await subtle.verify(SIGNING, publicKey, Buffer.from(sig, 'base64url'), new TextEncoder().encode(text));
  } catch {
    return false;
  }
}

const joinText = (nonce, room) => `chatterbox-join\n${nonce}\n${room}`;
const sdpText = (room, from, to, attempt, type, sdp) => `chatterbox-sdp\n${room}\n${from}\n${to}\n${attempt}\n${type}\n${sdp}`;

// ---------------------------------------------------------------------------------------------
// Signaling (SIGNALING.md "Client → server", "Server → client")

/**
 * Opens the signaling socket, waits for the server's `hello` and joins `room` as a member (with
 * `id`, or one the server assigns), proving `identity`'s key by signing the hello's nonce.
 * Resolves with the socket and the welcome; every later server message goes to `onMessage`.
 */
function joinSignaling(url, room, id, identity, onMessage) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let welcomed = false;
    const join = async (nonce) => {
      const sig = await sign(identity, joinText(nonce, room));
      socket.send(JSON.stringify({ type: 'join', room, role: 'member', ...(id ? { id } : {}), key: identity.key, sig }));
    };
    socket.on('error', (error) => (welcomed ? log(`signaling: ${error.message}`) : reject(error)));
    socket.on('message', (data) => {
      const message = parseServerMessage(data);
      if (!message) return;
      if (welcomed) return onMessage(message);
      if (message.type === 'hello' && typeof message.nonce === 'string') {
        join(message.nonce).catch(reject);
      } else if (message.type === 'welcome') {
        welcomed = true;
        resolve({ socket, welcome: message });
      } else if (message.type === 'error') {
        reject(new Error(`join refused: ${message.code}: ${message.message}`));
      }
    });
    socket.on('close', () => !welcomed && reject(new Error('the signaling server closed the socket before welcoming us')));
  });
}

function parseServerMessage(data) {
  try {
    const message = JSON.parse(String(data));
    if (message && typeof message === 'object' && typeof message.type === 'string') return message;
  } catch {
    // fall through to the log below
  }
  log(`signaling: ignored a message that is not a JSON object with a type: ${String(data).slice(0, 80)}`);
  return null;
}

/** The fields this node reads from a server message (docs/schemas/server-message.json), checked; null when usable. */
function serverMessageProblem(message) {
  const isId = (value) => typeof value === 'string' && ID_PATTERN.test(value);
  const isIdList = (value) => Array.isArray(value) && value.every(isId);
  if (message.type === 'roster') {
    if (!Array.isArray(message.members) || !message.members.every((m) => isId(m?.id) && isIdList(m.connected))) return 'bad members';
    if (!Array.isArray(message.links) || !message.links.every(isShape)) return 'bad links';
  }
  if (message.type === 'signal' && !isId(message.from)) return 'bad from';
  if (message.type === 'shape' && !isShape(message)) return 'bad link settings';
  if (message.type === 'start') {
    if (!isIdList(message.members) || !Number.isInteger(message.run) || typeof message.runId !== 'string') return 'bad members, run or runId';
    const { sendForMs, waitForMs, seed, tickMs, window } = message.params ?? {};
    if (![sendForMs, waitForMs, tickMs].every((n) => typeof n === 'number' && n >= 0) || !Number.isSafeInteger(seed) || !Number.isInteger(window) || window < 1) return 'bad params';
  }
  return null;
}

function isShape(shape) {
  return Array.isArray(shape?.link) && shape.link.length === 2 && typeof shape.cut === 'boolean' && typeof shape.lossPercent === 'number' && typeof shape.delayMs === 'number';
}

// ---------------------------------------------------------------------------------------------
// The mesh (SIGNALING.md "Connecting: the mesh", PROTOCOL.md "Data channels")

const FRAME_CHANNEL = { label: 'chatterbox-frames', options: { negotiated: true, id: 64, ordered: true } };
const ANSWER_TIMEOUT_MS = 20_000;
const DISCONNECTED_GRACE_MS = 4000;
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 5000];

class Mesh {
  /** `fingerprintOf(peer)`: the fingerprint held for a peer (its run's start, else the roster's). */
  constructor(self, room, identity, fingerprintOf, sendSignaling, onFrameBytes, onOpenChange) {
    this.self = self;
    this.room = room;
    this.identity = identity;
    this.fingerprintOf = fingerprintOf;
    /** Signals go out in order (signing an offer or answer takes a moment); incoming ones are handled in order per peer. */
    this.outgoing = Promise.resolve();
    this.incoming = new Map();
    this.refusedKeys = new Set();
    this.sendSignaling = sendSignaling;
    this.onFrameBytes = onFrameBytes;
    this.onOpenChange = onOpenChange;
    this.links = new Map();
    this.iceServers = [];
  }

  openPeers() {
    return [...this.links.values()].filter((link) => link.open).map((link) => link.peer).sort(compareIds);
  }

  isOfferer(peer) {
    return compareIds(this.self, peer) < 0;
  }

  /** Connects to every member of the roster; drops links to members that left and never opened. */
  followRoster(memberIds) {
    for (const peer of memberIds) {
      if (peer === this.self || this.links.has(peer)) continue;
      this.links.set(peer, newLink(peer));
      if (this.isOfferer(peer)) this.offer(this.links.get(peer));
    }
    for (const link of [...this.links.values()]) {
      if (memberIds.includes(link.peer) || link.open) continue;
      this.closeConnection(link);
      clearTimeout(link.retryTimer);
      this.links.delete(link.peer);
    }
  }

  receiveSignal(from, data) {
    const previous = this.incoming.get(from) ?? Promise.resolve();
    const next = previous.then(() => this.handleSignal(from, data)).catch((error) => log(`signaling: a signal from ${from} failed: ${error.message}`));
    this.incoming.set(from, next);
  }

  async handleSignal(from, data) {
    if (!isSignalData(data)) return log(`signaling: ignored a malformed signal from ${from}: ${JSON.stringify(data).slice(0, 120)}`);
    if (data.signal.type !== 'candidate' && !(await this.signedByPeer(from, data))) return;
    const link = this.links.get(from) ?? this.adopt(from);
    const { attempt, signal } = data;
    if (this.isOfferer(from)) return this.receiveAsOfferer(link, attempt, signal);
    return this.receiveAsAnswerer(link, attempt, signal);
  }

  /** An offer or answer counts only when signed by the key held for its sender (SIGNALING.md "Keys and proofs"). */
  async signedByPeer(from, data) {
    const fingerprint = this.fingerprintOf(from);
    const text = sdpText(this.room, from, this.self, data.attempt, data.signal.type, data.signal.sdp);
    if (fingerprint && (await verifiedBy(fingerprint, data.key, data.sig, text))) return true;
    const refusal = `${from} ${String(data.key)}`;
    if (!this.refusedKeys.has(refusal)) log(`refused a connection from ${from}: its ${data.signal.type} is not signed by the key held for it (${fingerprint ?? 'none yet'})`);
    this.refusedKeys.add(refusal);
    return false;
  }

  /** A signal from a member the roster has not shown us yet. */
  adopt(peer) {
    const link = newLink(peer);
    this.links.set(peer, link);
    return link;
  }

  receiveAsOfferer(link, attempt, signal) {
    if (signal.type === 'offer') return log(`glare: ignored an offer from ${link.peer}, whose id sorts after ours (the lower id offers)`);
    if (attempt !== link.attempt || !link.pc) return debug(`stale ${signal.type} from ${link.peer} (attempt ${attempt})`);
    if (signal.type === 'answer') return this.acceptAnswer(link, signal.sdp);
    return this.addCandidate(link, signal.candidate);
  }

  receiveAsAnswerer(link, attempt, signal) {
    if (signal.type === 'answer') return log(`ignored an answer from ${link.peer}, whose id sorts first (it offers, we answer)`);
    if (attempt !== link.attempt) {
      debug(`new attempt ${attempt} from ${link.peer}`);
      this.connect(link, attempt);
    }
    if (signal.type === 'offer') return this.answer(link, signal.sdp);
    return this.addCandidate(link, signal.candidate);
  }

  /** A fresh peer connection for `attempt`, with the frame channel created right after it. */
  connect(link, attempt) {
    this.closeConnection(link);
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    const channel = pc.createDataChannel(FRAME_CHANNEL.label, FRAME_CHANNEL.options);
    channel.binaryType = 'arraybuffer';
    Object.assign(link, { pc, channel, attempt, remoteSet: false, pendingCandidates: [], outbox: [] });
    const current = () => link.pc === pc;
    pc.onicecandidate = (event) => current() && event.candidate && this.sendCandidate(link, attempt, event.candidate);
    pc.oniceconnectionstatechange = () => current() && this.iceStateChanged(link, pc.iceConnectionState);
    pc.onconnectionstatechange = () => current() && ['failed', 'closed'].includes(pc.connectionState) && this.lose(link, `connection ${pc.connectionState}`);
    pc.ondatachannel = (event) => this.ignoreInBandChannel(link, event.channel);
    channel.onopen = () => current() && this.opened(link);
    channel.onclose = () => current() && this.lose(link, 'frame channel closed');
    channel.onmessage = (event) => current() && this.onFrameBytes(link.peer, event.data);
  }

  async offer(link) {
    const attempt = randomU32();
    this.connect(link, attempt);
    const pc = link.pc;
    try {
      await pc.setLocalDescription(await pc.createOffer());
      if (link.pc !== pc) return;
      this.sendSignal(link.peer, attempt, { type: 'offer', sdp: pc.localDescription.sdp });
      link.answerTimer = setTimeout(() => link.pc === pc && !link.remoteSet && this.lose(link, 'no answer within 20 s'), ANSWER_TIMEOUT_MS);
    } catch (error) {
      if (link.pc === pc) this.lose(link, `offer failed: ${error.message}`);
    }
  }

  async answer(link, sdp) {
    const pc = link.pc;
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp });
      this.remoteDescriptionSet(link);
      await pc.setLocalDescription(await pc.createAnswer());
      if (link.pc === pc) this.sendSignal(link.peer, link.attempt, { type: 'answer', sdp: pc.localDescription.sdp });
    } catch (error) {
      if (link.pc === pc) this.lose(link, `answer failed: ${error.message}`);
    }
  }

  async acceptAnswer(link, sdp) {
    const pc = link.pc;
    if (link.remoteSet) return debug(`a second answer from ${link.peer} ignored`);
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp });
      clearTimeout(link.answerTimer);
      this.remoteDescriptionSet(link);
    } catch (error) {
      if (link.pc === pc) this.lose(link, `bad answer: ${error.message}`);
    }
  }

  remoteDescriptionSet(link) {
    link.remoteSet = true;
    for (const candidate of link.pendingCandidates.splice(0)) this.addCandidate(link, candidate);
  }

  addCandidate(link, candidate) {
    if (!link.remoteSet) return link.pendingCandidates.push(candidate);
    link.pc.addIceCandidate(candidate).catch((error) => debug(`candidate from ${link.peer} refused: ${error.message}`));
  }

  sendCandidate(link, attempt, candidate) {
    const init = { candidate: candidate.candidate, sdpMLineIndex: candidate.sdpMLineIndex, sdpMid: candidate.sdpMid };
    this.sendSignal(link.peer, attempt, { type: 'candidate', candidate: init });
  }

  sendSignal(peer, attempt, signal) {
    this.outgoing = this.outgoing
      .then(async () => {
        if (signal.type === 'candidate') return this.sendSignaling({ type: 'signal', to: peer, data: { attempt, signal } });
        const sig = await sign(this.identity, sdpText(this.room, this.self, peer, attempt, signal.type, signal.sdp));
        this.sendSignaling({ type: 'signal', to: peer, data: { attempt, signal, key: this.identity.key, sig } });
      })
      .catch((error) => log(`signaling: could not send a signal to ${peer}: ${error.message}`));
  }

  iceStateChanged(link, state) {
    clearTimeout(link.disconnectTimer);
    if (state === 'failed' || state === 'closed') this.lose(link, `ICE ${state}`);
    if (state === 'disconnected') link.disconnectTimer = setTimeout(() => this.lose(link, 'ICE disconnected for 4 s'), DISCONNECTED_GRACE_MS);
  }

  ignoreInBandChannel(link, channel) {
    if (!link.toldInBand) debug(`${link.peer} opened an in-band channel "${channel.label}"; it carries nothing, ignored`);
    link.toldInBand = true;
    channel.onmessage = () => debug(`ignored a message on ${link.peer}'s in-band channel`);
  }

  opened(link) {
    link.open = true;
    link.failures = 0;
    debug(`frame channel to ${link.peer} open`);
    for (const bytes of link.outbox.splice(0)) link.channel.send(bytes);
    this.onOpenChange();
  }

  /** The link is lost: close it; the offerer tries again after 0.5, 1, 2, 4, 5, 5 … s. */
  lose(link, reason) {
    const wasOpen = link.open;
    log(`link to ${link.peer} lost: ${reason}`);
    this.closeConnection(link);
    if (wasOpen) this.onOpenChange();
    if (!this.isOfferer(link.peer) || !this.links.has(link.peer)) return;
    const delay = RETRY_DELAYS_MS[Math.min(link.failures, RETRY_DELAYS_MS.length - 1)];
    link.failures += 1;
    clearTimeout(link.retryTimer);
    link.retryTimer = setTimeout(() => this.links.get(link.peer) === link && this.offer(link), delay);
  }

  closeConnection(link) {
    clearTimeout(link.answerTimer);
    clearTimeout(link.disconnectTimer);
    const pc = link.pc;
    Object.assign(link, { pc: null, channel: null, attempt: null, open: false, remoteSet: false, pendingCandidates: [], outbox: [] });
    pc?.close();
  }

  /** Sends (or queues until the channel opens) one binary message. */
  send(peer, bytes) {
    const link = this.links.get(peer);
    if (!link?.channel) return;
    if (link.channel.readyState === 'open') link.channel.send(bytes);
    else link.outbox.push(bytes);
  }

  closeAll() {
    for (const link of this.links.values()) {
      clearTimeout(link.retryTimer);
      this.closeConnection(link);
    }
  }

  /**
   * Lets the last frames (our RESULT) leave before the connections close, which would discard them:
   * at least 200 ms, and until every open channel's bufferedAmount is 0, at most 750 ms.
   */
  async drained() {
    const deadline = Date.now() + 750;
    const busy = () => [...this.links.values()].some((link) => link.open && link.channel.bufferedAmount > 0);
    await sleep(200);
    while (busy() && Date.now() < deadline) await sleep(25);
  }
}

function newLink(peer) {
  return { peer, pc: null, channel: null, attempt: null, open: false, remoteSet: false, pendingCandidates: [], outbox: [], failures: 0 };
}

function isSignalData(data) {
  if (!data || typeof data !== 'object' || !Number.isInteger(data.attempt) || data.attempt < 0 || data.attempt > 0xffffffff) return false;
  const signal = data.signal;
  if (!signal || typeof signal !== 'object') return false;
  if (signal.type === 'offer' || signal.type === 'answer') return typeof signal.sdp === 'string' && signal.sdp.length > 0;
  return signal.type === 'candidate' && typeof signal.candidate?.candidate === 'string';
}

const randomU32 = () => Math.floor(Math.random() * 2 ** 32);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Link shapes (SIGNALING.md "Shaping links"): applied by both ends, each to what it sends and receives

class Shapes {
  constructor(self) {
    this.self = self;
    this.byPeer = new Map();
  }

  apply(shape) {
    const [a, b] = shape.link;
    if (a !== this.self && b !== this.self) return;
    const peer = a === this.self ? b : a;
    this.byPeer.set(peer, { cut: shape.cut, lossPercent: shape.lossPercent, delayMs: shape.delayMs });
    log(`link to ${peer}: ${shape.cut ? 'cut' : 'not cut'}, ${shape.lossPercent}% loss, ${shape.delayMs} ms delay`);
  }

  of(peer) {
    return this.byPeer.get(peer) ?? { cut: false, lossPercent: 0, delayMs: 0 };
  }

  /** Sends through the shape: a cut or a lost frame is dropped, a delayed one is held. */
  send(peer, bytes, deliver) {
    const shape = this.of(peer);
    if (shape.cut || Math.random() * 100 < shape.lossPercent) return;
    if (shape.delayMs > 0) setTimeout(deliver, shape.delayMs);
    else deliver();
  }
}

// ---------------------------------------------------------------------------------------------
// The protocol (PROTOCOL.md "Sender", "Receiver", "Phases", "Result")

class Run {
  constructor({ self, members, run, params, send, fault, onDone }) {
    Object.assign(this, { self, members, run, params, send, fault, onDone });
    this.others = members.filter((id) => id !== self);
    this.phase = 'sending';
    this.sent = 0;
    this.lastSentAt = 0;
    this.inFlight = new Map();
    this.acked = new Map(members.map((id) => [id, 0]));
    this.finSeq = null;
    this.buffers = new Map(members.map((id) => [id, newBuffer()]));
    this.committed = [];
    this.badValuesFrom = new Set();
    this.timers = [];
  }

  start() {
    const { sendForMs, waitForMs, tickMs } = this.params;
    this.timers.push(setInterval(() => this.tick(), tickMs));
    this.timers.push(setTimeout(() => this.finish('deadline'), sendForMs + waitForMs));
    if (sendForMs > 0) {
      this.timers.push(setTimeout(() => this.enterWaiting(), sendForMs));
      this.fillWindow();
    } else {
      this.enterWaiting();
    }
  }

  frame(kind, fields) {
    return { kind, run: this.run, from: this.self, ...fields };
  }

  minAcked() {
    return Math.min(...this.acked.values());
  }

  // Sender ----------------------------------------------------------------------------------

  /** Makes new messages current while the window has room (every member acked seq − window). */
  fillWindow() {
    while (this.phase === 'sending' && this.sent + 1 - this.params.window <= this.minAcked()) this.makeCurrent();
  }

  makeCurrent() {
    const seq = this.sent + 1;
    const sentAt = Math.max(nowMicros(), this.lastSentAt + 1);
    const honest = valueOf(this.params.seed, this.self, seq);
    const value = this.fault === 'value' && seq >= 2 ? (honest % 1e10) + 1 : honest;
    Object.assign(this, { sent: seq, lastSentAt: sentAt });
    this.inFlight.set(seq, { seq, sentAt, value });
    this.acked.set(this.self, seq);
    for (const peer of this.others) this.send(peer, this.frame('data', { seq, sentAt, value }));
    this.receiveData(this.self, { seq, sentAt, value: honest });
  }

  receiveAck(from, seq) {
    if (this.phase === 'done') return;
    if (seq > (this.finSeq ?? this.sent)) return debug(`ignored ACK ${seq} from ${from}: never sent`);
    if (seq <= this.acked.get(from)) return;
    this.acked.set(from, seq);
    for (const old of this.inFlight.keys()) if (old <= this.minAcked()) this.inFlight.delete(old);
    this.fillWindow();
    this.progressWaiting();
  }

  enterWaiting() {
    if (this.phase !== 'sending') return;
    this.phase = 'waiting';
    this.progressWaiting();
  }

  /** In the wait phase: send FIN once everything is acked; finish once settled. */
  progressWaiting() {
    if (this.phase !== 'waiting') return;
    if (this.finSeq === null && this.minAcked() >= this.sent) this.sendFin();
    if (this.settled()) this.finish('settled');
  }

  sendFin() {
    this.finSeq = this.sent + 1;
    this.acked.set(this.self, this.finSeq);
    for (const peer of this.others) this.send(peer, this.frame('fin', { seq: this.finSeq }));
    this.receiveFin(this.self, this.finSeq);
  }

  settled() {
    return this.finSeq !== null && this.minAcked() >= this.finSeq && [...this.buffers.values()].every((buffer) => buffer.finished);
  }

  /** Every tick: resend what a member has not acked (this node resends on every tick, fine up to W = 64). */
  tick() {
    for (const peer of this.others) {
      const acked = this.acked.get(peer);
      for (const message of this.inFlight.values()) {
        if (message.seq > acked) this.send(peer, this.frame('data', { seq: message.seq, sentAt: message.sentAt, value: message.value }));
      }
      if (this.finSeq !== null && acked < this.finSeq) this.send(peer, this.frame('fin', { seq: this.finSeq }));
    }
  }

  // Receiver --------------------------------------------------------------------------------

  /** Handles DATA from `from`; returns the ACK serial to answer with, or null for no answer. */
  receiveData(from, { seq, sentAt, value }) {
    const buffer = this.buffers.get(from);
    if (this.phase === 'done' || buffer.finished || seq <= buffer.committedUpTo || buffer.held.has(seq)) return buffer.contiguous;
    if (seq > buffer.contiguous + this.params.window) return buffer.contiguous;
    if (!sentAtFits(buffer, seq, sentAt)) {
      debug(`dropped DATA ${seq} from ${from}: its sentAt is out of order`);
      return null;
    }
    if (value !== valueOf(this.params.seed, from, seq)) return this.forged(from, seq);
    buffer.held.set(seq, { from, seq, sentAt, value });
    while (buffer.held.has(buffer.contiguous + 1)) buffer.contiguous += 1;
    this.commitUpTo(buffer, seq - this.params.window);
    return buffer.contiguous;
  }

  forged(from, seq) {
    if (!this.badValuesFrom.has(from)) log(`${from} sent DATA ${seq} whose value is not value(seed, ${from}, ${seq}); dropped, not acked`);
    this.badValuesFrom.add(from);
    return null;
  }

  /** Handles FIN `seq` from `from`; returns the ACK serial to answer with, or null for no answer. */
  receiveFin(from, seq) {
    const buffer = this.buffers.get(from);
    if (this.phase === 'done') return buffer.contiguous;
    if (buffer.finished) return buffer.contiguous;
    if (seq > buffer.contiguous + 1) return buffer.contiguous;
    if (seq < buffer.contiguous + 1) return null;
    this.commitUpTo(buffer, seq - 1);
    buffer.finished = true;
    buffer.contiguous = seq;
    if (this.phase === 'waiting') this.progressWaiting();
    return seq;
  }

  commitUpTo(buffer, last) {
    while (buffer.committedUpTo < last) {
      const message = buffer.held.get(buffer.committedUpTo + 1);
      buffer.held.delete(message.seq);
      buffer.committedUpTo = message.seq;
      buffer.lastCommittedSentAt = message.sentAt;
      this.committed.push(message);
    }
  }

  // Frames and the end ----------------------------------------------------------------------

  receiveFrame(frame) {
    if (frame.kind === 'ack') return this.receiveAck(frame.from, frame.seq);
    if (frame.kind === 'ping') return this.send(frame.from, this.frame('pong', { nonce: frame.nonce, time: frame.time }));
    if (frame.kind !== 'data' && frame.kind !== 'fin') return;
    const ack = frame.kind === 'data' ? this.receiveData(frame.from, frame) : this.receiveFin(frame.from, frame.seq);
    if (ack !== null) this.send(frame.from, this.frame('ack', { seq: ack }));
  }

  finish(reason) {
    if (this.phase === 'done') return;
    this.phase = 'done';
    for (const timer of this.timers) clearTimeout(timer);
    const result = { ...resultOf(this.committed), complete: reason === 'settled' };
    for (const peer of this.others) this.send(peer, this.frame('result', result));
    this.onDone(result, reason);
  }

  /** Who did not ack our FIN and whose FIN is missing, for the stall message. */
  missing() {
    const noAck = this.others.filter((id) => this.finSeq === null || this.acked.get(id) < this.finSeq);
    const noFin = this.members.filter((id) => !this.buffers.get(id).finished);
    return { noAck, noFin };
  }
}

function newBuffer() {
  return { contiguous: 0, committedUpTo: 0, lastCommittedSentAt: 0, held: new Map(), finished: false };
}

/** A sender's clock only goes up: sentAt must lie strictly between its neighbours' (held or committed). */
function sentAtFits(buffer, seq, sentAt) {
  let below = buffer.lastCommittedSentAt;
  let above = Infinity;
  for (const message of buffer.held.values()) {
    if (message.seq < seq && message.sentAt > below) below = message.sentAt;
    if (message.seq > seq && message.sentAt < above) above = message.sentAt;
  }
  return sentAt > below && sentAt < above;
}

// ---------------------------------------------------------------------------------------------
// Who starts (SIGNALING.md "Starting a run": with --expect N, the lowest expected id starts)

/** The expected members: the first N in id order, each connected to N − 1 others, all connected to each other. */
function expectedMembers(roster, self, n) {
  if (n === 1) return [self];
  const reported = new Map(roster.members.map((member) => [member.id, new Set(member.connected)]));
  const mutual = (a, b) => reported.get(a)?.has(b) && reported.get(b)?.has(a);
  const ids = [...reported.keys()].sort(compareIds);
  const candidates = ids.filter((a) => ids.filter((b) => b !== a && mutual(a, b)).length >= n - 1);
  const chosen = [];
  for (const id of candidates) if (chosen.length < n && chosen.every((other) => mutual(id, other))) chosen.push(id);
  return chosen.length === n ? chosen : null;
}

// ---------------------------------------------------------------------------------------------
// The node

class Node {
  constructor(options) {
    this.options = options;
    this.roster = null;
    this.run = null;
    this.startAsked = false;
    this.results = new Map();
    this.rejected = new Set();
    this.lastPeersSent = null;
    this.peersTimer = null;
  }

  async main() {
    const { options } = this;
    const early = [];
    this.identity = await createIdentity();
    const joined = await joinSignaling(options.signal, options.room, options.id, this.identity, (message) => (this.mesh ? this.onServerMessage(message) : early.push(message)));
    this.socket = joined.socket;
    this.self = joined.welcome.id;
    logPrefix = `other-node ${this.self}`;
    this.shapes = new Shapes(this.self);
    this.mesh = new Mesh(this.self, options.room, this.identity, (peer) => this.fingerprintOf(peer), (message) => this.sendSignaling(message), (peer, data) => this.onChannelMessage(peer, data), () => this.peersChanged());
    this.mesh.iceServers = joined.welcome.iceServers ?? [];
    this.sendSignaling({ type: 'peers', connected: [] });
    for (const message of early) this.onServerMessage(message);
    this.socket.on('close', () => !this.run && this.exit(3, 'the signaling server closed the connection before the run started'));
    this.connectTimer = setTimeout(() => this.exit(3, `no run started within ${options.connectTimeoutMs / 1000} s`), options.connectTimeoutMs);
  }

  sendSignaling(message) {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  onServerMessage(message) {
    const problem = serverMessageProblem(message);
    if (problem) return log(`signaling: ignored a ${message.type} message: ${problem}`);
    if (message.type === 'roster') return this.onRoster(message);
    if (message.type === 'signal') return this.mesh.receiveSignal(message.from, message.data);
    if (message.type === 'propose') return this.onPropose(message);
    if (message.type === 'cancelled') return this.onCancelled(message);
    if (message.type === 'start') return this.onStart(message);
    if (message.type === 'shape') return this.shapes.apply(message);
    if (message.type === 'error') return this.onServerError(message);
    if (message.type !== 'telemetry' && message.type !== 'pong') log(`signaling: ignored a ${message.type} message`);
  }

  onRoster(roster) {
    if (!this.roster) for (const shape of roster.links) this.shapes.apply(shape);
    this.roster = roster;
    this.mesh.followRoster(roster.members.map((member) => member.id));
    this.maybeStart();
  }

  onServerError(error) {
    log(`signaling: ${error.code}: ${error.message}`);
    if (error.code !== 'mesh-incomplete' || !this.startAsked) return;
    setTimeout(() => {
      this.startAsked = false;
      this.maybeStart();
    }, 500);
  }

  /** Coalesces `peers` reports: at most one per 50 ms, and only when the open set changed. */
  peersChanged() {
    if (this.peersTimer) return;
    this.peersTimer = setTimeout(() => {
      this.peersTimer = null;
      const connected = this.mesh.openPeers();
      if (JSON.stringify(connected) !== this.lastPeersSent) this.sendSignaling({ type: 'peers', connected });
      this.lastPeersSent = JSON.stringify(connected);
      this.maybeStart();
    }, 50);
  }

  /** With --expect N, the lowest expected member asks for the start once every expected pair is connected. */
  maybeStart() {
    const n = this.options.expect;
    if (n === undefined || this.run || this.startAsked || !this.roster) return;
    const expected = expectedMembers(this.roster, this.self, n);
    if (!expected || expected[0] !== this.self) return;
    const open = this.mesh.openPeers();
    if (!expected.every((id) => id === this.self || open.includes(id))) return;
    this.startAsked = true;
    debug(`asking to start with ${expected.join(', ')}`);
    this.sendSignaling({ type: 'start', params: this.options.params, members: expected });
  }

  /** The fingerprint held for a peer: the one in this node's run start, else the roster's. */
  fingerprintOf(peer) {
    const keys = this.runKeys ?? this.roster?.members ?? [];
    return keys.find((entry) => entry.id === peer)?.fingerprint;
  }

  /**
   * Consent (SIGNALING.md "Starting a run"): accept a proposal that names this node with its own
   * key; remember it, so that only the start of what was accepted (or proposed) is run.
   */
  onPropose(proposal) {
    if (this.run) return debug(`ignored a proposal during our run (${proposal.runId})`);
    const own = proposal.keys.find((entry) => entry.id === this.self);
    if (!own || own.fingerprint !== this.identity.fingerprint) {
      log(`declined ${proposal.proposedBy}'s run ${proposal.runId}: it does not list our key for ${this.self}`);
      return this.sendSignaling({ type: 'decline', runId: proposal.runId, reason: `the proposal does not list ${this.self}'s key` });
    }
    const contradicted = this.contradictedFlags(proposal.params);
    if (contradicted && proposal.proposedBy !== this.self) {
      log(`declined ${proposal.proposedBy}'s run ${proposal.runId}: its own flags ${contradicted}`);
      return this.sendSignaling({ type: 'decline', runId: proposal.runId, reason: `${this.self}'s own flags ${contradicted}` });
    }
    this.accepted = proposal;
    if (proposal.proposedBy === this.self) return debug(`our proposal ${proposal.runId} is out`);
    log(`accepted ${proposal.proposedBy}'s run ${proposal.runId}: members ${proposal.members.join(', ')}`);
    this.sendSignaling({ type: 'accept', runId: proposal.runId });
  }

  /** The run flags given on the command line that `params` contradict (defaults never do), or null. */
  contradictedFlags(params) {
    const flagOf = { sendForMs: 'send-for', waitForMs: 'wait-for', seed: 'with-seed', tickMs: 'tick-duration', window: 'window' };
    const differing = Object.entries(flagOf).filter(([field, flag]) => this.options.givenParams.has(flag) && params[field] !== this.options.params[field]);
    return differing.length === 0 ? null : differing.map(([field, flag]) => `--${flag} (the run asks for ${field}=${params[field]})`).join(', ');
  }

  /** A proposal that did not become a run: a proposer asks again 0.5 s later unless someone declined. */
  onCancelled(notice) {
    log(`run ${notice.runId} was not started: ${notice.cause}${notice.reason ? ` (${notice.reason})` : ''}`);
    if (this.accepted?.runId === notice.runId) this.accepted = null;
    if (!this.startAsked || notice.cause === 'declined') return;
    setTimeout(() => {
      this.startAsked = false;
      this.maybeStart();
    }, 500);
  }

  onStart(notice) {
    if (this.run) return debug(`ignored another start (${notice.runId})`);
    if (notice.members.includes(this.self) && !this.isAccepted(notice)) return log(`ignored start ${notice.runId}: not the run this node accepted`);
    if (!notice.members.includes(this.self)) return log(`run ${notice.runId} does not include us; watching`);
    clearTimeout(this.connectTimer);
    this.runKeys = notice.keys;
    this.runId = notice.runId;
    this.run = new Run({
      self: this.self,
      members: [...notice.members].sort(compareIds),
      run: notice.run,
      params: notice.params,
      fault: this.options.fault,
      send: (peer, frame) => this.sendFrame(peer, frame),
      onDone: (result, reason) => this.onRunDone(result, reason),
    });
    this.run.start();
  }

  /** The start is what this node accepted or proposed: same run id, members, keys and params. */
  isAccepted(notice) {
    const accepted = this.accepted;
    if (!accepted || accepted.runId !== notice.runId) return false;
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    return same(accepted.members, notice.members) && same(accepted.keys, notice.keys) && same(accepted.params, notice.params);
  }

  sendFrame(peer, frame) {
    const bytes = encodeFrame(frame);
    this.shapes.send(peer, bytes, () => this.mesh.send(peer, bytes));
  }

  onChannelMessage(peer, data) {
    if (this.shapes.of(peer).cut) return;
    if (typeof data === 'string') return this.reject(peer, 'a text message (frames are binary)');
    for (const entry of decodeMessage(Buffer.from(data))) {
      if (entry.error) this.reject(peer, entry.error);
      else if (entry.frame.from !== peer) this.reject(peer, `spoofed: from ${entry.frame.from}`);
      else this.onFrame(entry.frame);
    }
  }

  reject(peer, reason) {
    if (!this.rejected.has(peer)) log(`rejected a frame from ${peer}: ${reason}`);
    this.rejected.add(peer);
  }

  onFrame(frame) {
    if (!this.run || frame.run !== this.run.run || !this.run.members.includes(frame.from)) return;
    if (frame.kind === 'result') return this.onResult(frame);
    this.run.receiveFrame(frame);
  }

  onResult(frame) {
    this.results.set(frame.from, { count: frame.count, checksum: frame.checksum, complete: frame.complete === 1 });
    if (this.finalResult && this.results.size === this.run.others.length) this.report();
  }

  /** DONE: tell the server, then wait for every member's RESULT (at most max(2 s, wait-for + 1 s)). */
  onRunDone(result, reason) {
    this.finalResult = { ...result, reason };
    this.sendSignaling({ type: 'finished', runId: this.runId });
    if (this.results.size === this.run.others.length) return this.report();
    setTimeout(() => this.report(), Math.max(2000, this.run.params.waitForMs + 1000));
  }

  report() {
    if (this.reported) return;
    this.reported = true;
    const { count, checksum } = this.finalResult;
    const printed = this.options.fault === 'checksum' ? corrupted(checksum) : checksum;
    process.stdout.write(`(${count}, ${printed})\n`);
    this.exit(this.exitCode(), null);
  }

  exitCode() {
    const { count, checksum, complete } = this.finalResult;
    if (!complete) {
      const { noAck, noFin } = this.run.missing();
      log(`stalled: no ack from ${noAck.join(', ') || 'nobody'}; missing FIN from ${noFin.join(', ') || 'nobody'}`);
      return 4;
    }
    const missing = this.run.others.filter((id) => !this.results.has(id));
    if (missing.length > 0) log(`no result from ${missing.join(', ')}`);
    const differing = [...this.results].filter(([, other]) => other.count !== count || other.checksum !== checksum);
    for (const [id, other] of differing) log(`DISAGREE: ${id} has (${other.count}, ${other.checksum})`);
    if (differing.length > 0) return 5;
    log(`cluster agrees: ${this.results.size + 1} of ${this.run.members.length} results equal`);
    return 0;
  }

  async exit(code, message) {
    if (message) log(message);
    clearTimeout(this.connectTimer);
    await this.mesh?.drained();
    this.mesh?.closeAll();
    this.socket?.close();
    process.exit(code);
  }
}

/** The test aid `--fault checksum`: the last decimal changed. */
function corrupted(checksum) {
  const last = Number(checksum.at(-1));
  return `${checksum.slice(0, -1)}${(last + 1) % 10}`;
}

async function main() {
  let options;
  try {
    const raw = readFlags(process.argv.slice(2));
    if (raw.has('help')) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    options = optionsFrom(raw);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`other-node: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  verbose = options.verbose;
  const node = new Node(options);
  try {
    await node.main();
  } catch (error) {
    log(`could not join ${options.room} on ${options.signal}: ${error.message}`);
    process.exit(3);
  }
}

main().catch((error) => {
  log(`unexpected error: ${error.stack ?? error}`);
  process.exit(1);
});
