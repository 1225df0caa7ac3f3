// Signaling server behaviour over real sockets: rooms, relays, validation, limits, runs, shaping, HTTP.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { type ClientOptions } from 'ws';
import { createIdentity, type Identity, type RosterMessage, type ServerMessage } from '../src/signaling';
import { signedJoin } from './support/signed-join';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from '../signaling-server/server';

type MessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

const PARAMS = { sendForMs: 1000, waitForMs: 500, seed: 7, tickMs: 50, window: 1 };
const WAIT_MS = 1000;

const servers: SignalingServer[] = [];
const sockets: WebSocket[] = [];

/**
 * A ws client that queues what it receives so tests can wait for specific messages. It joins as
 * a client must: a join without a key gets this client's key and its signature of the hello's nonce.
 */
class TestClient {
  private readonly inbox: ServerMessage[] = [];
  private wake: () => void = () => {};
  readonly closeCode: Promise<number>;
  /** The nonce of the server's hello. */
  readonly nonce: Promise<string>;
  /** Messages leave in order, each once its join (if it is one) is signed. */
  private outbox: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    public identity: Promise<Identity> = createIdentity(),
  ) {
    let helloSeen: (nonce: string) => void = () => {};
    this.nonce = new Promise((resolve) => (helloSeen = resolve));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (message.type === 'hello') helloSeen(message.nonce);
      this.inbox.push(message);
      this.wake();
    });
    this.closeCode = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  send(message: object): void {
    this.outbox = this.outbox.then(async () => {
      const join = message as { type?: string; key?: string; room: string; role: 'member' | 'observer'; id?: string };
      const frame = join.type === 'join' && join.key === undefined ? await signedJoin(join, await this.nonce, await this.identity) : message;
      this.socket.send(JSON.stringify(frame));
    });
  }

  /** Removes and returns the first message (queued or future) that matches. */
  async take<T extends ServerMessage>(matches: (message: ServerMessage) => message is T): Promise<T>;
  async take(matches: (message: ServerMessage) => boolean): Promise<ServerMessage>;
  async take(matches: (message: ServerMessage) => boolean): Promise<ServerMessage> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const index = this.inbox.findIndex(matches);
      if (index >= 0) return this.inbox.splice(index, 1)[0];
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching message; inbox: ${JSON.stringify(this.inbox)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  next<T extends ServerMessage['type']>(type: T): Promise<MessageOf<T>> {
    return this.take((message): message is MessageOf<T> => message.type === type);
  }

  /** Waits for a roster satisfying the predicate. */
  roster(predicate: (roster: RosterMessage) => boolean = () => true): Promise<RosterMessage> {
    return this.take((message): message is RosterMessage => message.type === 'roster' && predicate(message));
  }

  async error(): Promise<MessageOf<'error'>> {
    return this.next('error');
  }

  /** Round-trips a ping, so everything the server sent before it has arrived. */
  async sync(): Promise<void> {
    this.send({ type: 'ping' });
    await this.next('pong');
  }

  /** Messages of this type received so far (after a sync, everything sent before it). */
  received<T extends ServerMessage['type']>(type: T): MessageOf<T>[] {
    return this.inbox.filter((message): message is MessageOf<T> => message.type === type);
  }
}

async function serve(options: SignalingServerOptions = {}): Promise<SignalingServer> {
  const server = await createSignalingServer({ port: 0, ...options });
  servers.push(server);
  return server;
}

async function connect(server: SignalingServer, options?: ClientOptions): Promise<TestClient> {
  const socket = new WebSocket(`${server.url}/signal`, options);
  sockets.push(socket);
  const client = new TestClient(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return client;
}

async function join(server: SignalingServer, room: string, id?: string, role = 'member', identity?: Promise<Identity>): Promise<TestClient> {
  const client = await connect(server);
  if (identity) client.identity = identity;
  client.send({ type: 'join', room, role, ...(id === undefined ? {} : { id }) });
  await client.next('welcome');
  return client;
}

async function reportMesh(clients: Record<string, TestClient>, watcher: TestClient): Promise<void> {
  const ids = Object.keys(clients);
  for (const id of ids) clients[id].send({ type: 'peers', connected: ids.filter((other) => other !== id) });
  const reported = (r: RosterMessage, id: string): boolean =>
    r.members.find((m) => m.id === id)?.connected.length === ids.length - 1;
  await watcher.roster((r) => ids.every((id) => reported(r, id)));
}

/** Each of these members accepts the proposal it was sent; returns its run id. */
async function consent(...members: TestClient[]): Promise<string> {
  let runId = '';
  for (const member of members) {
    runId = (await member.next('propose')).runId;
    member.send({ type: 'accept', runId });
  }
  return runId;
}

/** Roster members without their fingerprints (for comparisons). */
const withoutKeys = (members: RosterMessage['members']): Array<{ id: string; connected: string[] }> => members.map(({ id, connected }) => ({ id, connected }));

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  for (const socket of sockets.splice(0)) socket.terminate();
});

describe('joining', () => {
  it('welcomes each client and announces the roster to everyone in the room', async () => {
    const server = await serve();
    const a = await connect(server);
    a.send({ type: 'join', room: 'lobby', role: 'member', id: 'a' });
    const { fingerprint } = await a.identity;
    expect(await a.next('welcome')).toEqual({ type: 'welcome', id: 'a', room: 'lobby', role: 'member', fingerprint });
    expect(await a.next('roster')).toEqual({
      type: 'roster',
      room: 'lobby',
      members: [{ id: 'a', connected: [], fingerprint }],
      observers: [],
      links: [],
      run: null,
    });
    await join(server, 'lobby', 'obs', 'observer');
    const roster = await a.roster((r) => r.observers.length === 1);
    expect(roster.observers).toEqual(['obs']);
    expect(roster.members.map((m) => m.id)).toEqual(['a']);
  });

  it('assigns distinct random ids when none is given', async () => {
    const server = await serve();
    const first = await connect(server);
    const second = await connect(server);
    first.send({ type: 'join', room: 'r', role: 'member' });
    second.send({ type: 'join', room: 'r', role: 'member' });
    const [one, two] = await Promise.all([first.next('welcome'), second.next('welcome')]);
    expect(one.id).toMatch(/^n-[a-z0-9]{6}$/);
    expect(two.id).toMatch(/^n-[a-z0-9]{6}$/);
    expect(one.id).not.toBe(two.id);
  });

  it('hands out the configured ICE servers in the welcome', async () => {
    const iceServers = [{ urls: 'stun:stun.example.org:3478' }];
    const server = await serve({ iceServers });
    const client = await connect(server);
    client.send({ type: 'join', room: 'r', role: 'member' });
    expect((await client.next('welcome')).iceServers).toEqual(iceServers);
  });

  it('greets every socket with a hello whose nonce a join must sign; a join that does not prove its key is bad-proof', async () => {
    const server = await serve();
    const client = await connect(server);
    expect(await client.nonce).toMatch(/^[0-9a-f]{64}$/);
    const other = await connect(server);
    expect(await other.nonce).not.toBe(await client.nonce);
    const key = await createIdentity();
    const replayed = await signedJoin({ room: 'r', role: 'member', id: 'a' }, await other.nonce, key); // signed for another socket
    client.send(replayed);
    expect(await client.error()).toMatchObject({ code: 'bad-proof', message: expect.stringContaining('join.sig does not verify') });
    client.send({ ...(await signedJoin({ room: 'r', role: 'member', id: 'a' }, await client.nonce, key)), room: 's' }); // signed for another room
    expect((await client.error()).code).toBe('bad-proof');
    client.send(await signedJoin({ room: 'r', role: 'member', id: 'a' }, await client.nonce, key));
    expect(await client.next('welcome')).toMatchObject({ id: 'a', fingerprint: key.fingerprint });
  });

  it('an id belongs to the key that proved it: another key is refused, the same key takes it back from a half-open socket', async () => {
    const server = await serve();
    const first = await join(server, 'r', 'a');
    const key = await first.identity;
    const b = await join(server, 'r', 'b');
    first.send({ type: 'peers', connected: ['b'] });
    await b.roster((r) => r.members.some((m) => m.id === 'a' && m.connected.includes('b')));
    const firstClosed = new Promise<void>((resolve) => first.socket.once('close', () => resolve()));
    const impostor = await connect(server);
    impostor.send({ type: 'join', room: 'r', role: 'member', id: 'a' });
    expect(await impostor.error()).toMatchObject({ code: 'duplicate-id', message: expect.stringMatching(/^a is bound to another key in room r \(fingerprint [0-9a-f]{16}…, this join proved [0-9a-f]{16}…\)$/) });
    const asObserver = await connect(server);
    asObserver.identity = Promise.resolve(key);
    asObserver.send({ type: 'join', room: 'r', role: 'observer', id: 'a' });
    expect(await asObserver.error()).toMatchObject({ code: 'duplicate-id', message: expect.stringContaining('held as member') }); // the key takes back the same role only
    // the same node on a new socket (its old one went half-open): it proves the same key
    const again = await connect(server);
    again.identity = Promise.resolve(key);
    again.send({ type: 'join', room: 'r', role: 'member', id: 'a' });
    expect(await again.next('welcome')).toMatchObject({ id: 'a', fingerprint: key.fingerprint });
    await firstClosed; // the server closed the socket that held the id
    const roster = await b.roster((r) => r.members.length === 2);
    expect(roster.members.map(({ id, connected }) => ({ id, connected }))).toEqual([{ id: 'a', connected: ['b'] }, { id: 'b', connected: [] }]); // a keeps its reported peers
    expect(roster.members[0].fingerprint).toBe(key.fingerprint);
    again.send({ type: 'signal', to: 'b', data: { attempt: 1, signal: { type: 'offer', sdp: 'v=0' } } });
    expect(await b.next('signal')).toMatchObject({ from: 'a' });
  });

  it('during a run, an id that left stays bound to its key: another key cannot claim it, its own key rejoins', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const key = await a.identity;
    const b = await join(server, 'r', 'b');
    await reportMesh({ a, b }, a);
    a.send({ type: 'start', params: { ...PARAMS, sendForMs: 60_000 } });
    const { runId } = await b.next('propose');
    b.send({ type: 'accept', runId });
    expect(await b.next('start')).toMatchObject({ runId, keys: [{ id: 'a', fingerprint: key.fingerprint }, { id: 'b', fingerprint: (await b.identity).fingerprint }] });
    a.socket.close(); // a's signaling drops (a server restart, a network blip)
    await b.roster((r) => r.members.length === 1);
    const impostor = await connect(server);
    impostor.send({ type: 'join', room: 'r', role: 'member', id: 'a' });
    expect(await impostor.error()).toMatchObject({ code: 'duplicate-id', message: expect.stringContaining(`a is bound to another key for run ${runId} in room r, until the run ends`) });
    const back = await join(server, 'r', 'a', 'member', Promise.resolve(key));
    expect((await back.roster((r) => r.members.length === 2)).members.map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('a room created with a secret admits only joins that present it; a secret for an open room is refused too', async () => {
    const server = await serve();
    await join(server, 'private', 'a').then((c) => c.socket.close()); // an open room of another name is unaffected
    const owner = await connect(server);
    owner.send({ type: 'join', room: 'vault', role: 'member', id: 'a', secret: 's3cret' });
    await owner.next('welcome');
    const stranger = await connect(server);
    stranger.send({ type: 'join', room: 'vault', role: 'member', id: 'b' });
    expect(await stranger.error()).toEqual({ type: 'error', code: 'forbidden', message: 'room vault needs its secret: join.secret is missing' });
    stranger.send({ type: 'join', room: 'vault', role: 'observer', secret: 'guess' });
    expect(await stranger.error()).toMatchObject({ code: 'forbidden', message: 'room vault needs its secret: join.secret is wrong' });
    stranger.send({ type: 'join', room: 'vault', role: 'member', id: 'b', secret: 's3cret' });
    expect((await stranger.next('welcome')).id).toBe('b');
    const open = await join(server, 'lobby', 'x');
    const late = await connect(server);
    late.send({ type: 'join', room: 'lobby', role: 'member', secret: 's3cret' });
    expect(await late.error()).toMatchObject({ code: 'forbidden', message: 'room lobby has no secret; join it without one' });
    await open.sync();
  });

  it('refuses a taken id, a second join, bad rooms and bad ids', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const intruder = await connect(server);
    intruder.send({ type: 'join', room: 'r', role: 'observer', id: 'a' });
    expect((await intruder.error()).code).toBe('duplicate-id');
    a.send({ type: 'join', room: 'other', role: 'member' });
    expect((await a.error()).code).toBe('already-joined');
    intruder.send({ type: 'join', room: '../etc', role: 'member' });
    expect((await intruder.error()).code).toBe('bad-room');
    intruder.send({ type: 'join', room: 'r', role: 'member', id: 'has space' });
    expect((await intruder.error()).code).toBe('bad-id');
  });

  it('requires a join before anything but ping', async () => {
    const server = await serve();
    const client = await connect(server);
    client.send({ type: 'signal', to: 'x', data: {} });
    expect((await client.error()).code).toBe('not-joined');
    await client.sync();
  });

  it('limits members per room and the number of rooms', async () => {
    const server = await serve({ maxMembersPerRoom: 2, maxRooms: 1 });
    await join(server, 'r', 'a');
    await join(server, 'r', 'b');
    const third = await connect(server);
    third.send({ type: 'join', room: 'r', role: 'member', id: 'c' });
    expect((await third.error()).code).toBe('room-full');
    third.send({ type: 'join', room: 'elsewhere', role: 'member', id: 'c' });
    expect((await third.error()).code).toBe('too-many-rooms');
    third.send({ type: 'join', room: 'r', role: 'observer', id: 'c' });
    expect((await third.next('welcome')).role).toBe('observer');
  });

  it('closes every socket with 1001 when the server shuts down', async () => {
    const server = await createSignalingServer({ port: 0 });
    const a = await join(server, 'r', 'a');
    await server.close();
    expect(await a.closeCode).toBe(1001);
  });

  it('removes leavers from the roster and forgets empty rooms', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const b = await join(server, 'r', 'b');
    await join(server, 'solo', 's').then((s) => s.socket.close());
    b.socket.close();
    const roster = await a.roster((r) => r.members.length === 1);
    expect(withoutKeys(roster.members)).toEqual([{ id: 'a', connected: [] }]);
    await eventually(async () => expect(await health(server)).toEqual({ ok: true, rooms: 1, clients: 1 }));
  });
});

describe('relaying', () => {
  it('relays signals with the sender id stamped by the server, and refuses a from sent by a client', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const b = await join(server, 'r', 'b');
    a.send({ type: 'signal', to: 'b', from: 'mallory', data: { sdp: 'spoofed' } });
    expect(await a.error()).toEqual({ type: 'error', code: 'bad-message', message: 'signal.from is not a known field' });
    a.send({ type: 'signal', to: 'b', data: { sdp: 'offer', from: 'inner' } });
    expect(await b.next('signal')).toEqual({ type: 'signal', from: 'a', data: { sdp: 'offer', from: 'inner' } });
    await b.sync();
    expect(b.received('signal')).toEqual([]);
  });

  it('refuses signals to peers of another room, which receive nothing', async () => {
    const server = await serve();
    const a = await join(server, 'red', 'a');
    const b = await join(server, 'blue', 'b');
    a.send({ type: 'signal', to: 'b', data: { candidate: 'x' } });
    expect((await a.error()).code).toBe('unknown-peer');
    await b.sync();
    expect(b.received('signal')).toEqual([]);
  });

  it('relays telemetry to everyone else in the room', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const obs = await join(server, 'r', 'obs', 'observer');
    a.send({ type: 'telemetry', data: { delivered: 3 } });
    expect(await obs.next('telemetry')).toEqual({ type: 'telemetry', from: 'a', data: { delivered: 3 } });
    await a.sync();
    expect(a.received('telemetry')).toEqual([]);
  });

  it('does not relay telemetry to a member whose join said telemetry: false (a headless node), and does once it rejoins without', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const headless = await connect(server);
    const key = createIdentity();
    headless.identity = key;
    headless.send({ type: 'join', room: 'r', role: 'member', id: 'h', telemetry: false });
    await headless.next('welcome');
    const tab = await join(server, 'r', 'tab');
    a.send({ type: 'telemetry', data: { delivered: 1 } });
    expect(await tab.next('telemetry')).toMatchObject({ from: 'a', data: { delivered: 1 } });
    await headless.sync();
    expect(headless.received('telemetry')).toEqual([]);
    const again = await join(server, 'r', 'h', 'member', key); // the same key takes the id back, without the flag
    a.send({ type: 'telemetry', data: { delivered: 2 } });
    expect(await again.next('telemetry')).toMatchObject({ from: 'a', data: { delivered: 2 } });
  });

  it('refuses a join whose telemetry flag is not a boolean', async () => {
    const server = await serve();
    const client = await connect(server);
    client.send({ type: 'join', room: 'r', role: 'member', id: 'h', telemetry: 'no' });
    expect((await client.error()).code).toBe('bad-message');
  });
});

describe('sharing traces (an attacker in the room)', () => {
  const part = (to: string, extra: object = {}): object => ({ type: 'trace-part', to, runId: 'R', part: 0, lines: '{"t":0}\n', more: false, ...extra });

  it('relays a trace-get to the member asked only, and its trace-part to the asker only, each with from stamped', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const b = await join(server, 'r', 'b');
    const watcher = await join(server, 'r', 'w', 'observer');
    watcher.send({ type: 'trace-get', to: 'a', runId: 'R', part: 0 });
    expect(await a.next('trace-get')).toEqual({ type: 'trace-get', from: 'w', runId: 'R', part: 0 });
    a.send(part('w'));
    expect(await watcher.next('trace-part')).toEqual({ type: 'trace-part', from: 'a', runId: 'R', part: 0, lines: '{"t":0}\n', more: false });
    await b.sync();
    expect(b.received('trace-get')).toEqual([]);
    expect(b.received('trace-part')).toEqual([]);
  });

  it('refuses a trace-part that names a sender (from is the server\'s to stamp)', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    await join(server, 'r', 'b');
    a.send({ ...part('b'), from: 'b' });
    expect(await a.error()).toMatchObject({ code: 'bad-message', message: expect.stringContaining('from') });
  });

  it('lets only members send trace parts, and asks only members', async () => {
    const server = await serve();
    await join(server, 'r', 'a');
    const watcher = await join(server, 'r', 'w', 'observer');
    const other = await join(server, 'r', 'v', 'observer');
    watcher.send(part('a'));
    expect(await watcher.error()).toMatchObject({ code: 'forbidden', message: expect.stringContaining('only members') });
    watcher.send({ type: 'trace-get', to: 'v', runId: 'R', part: 0 });
    expect((await watcher.error()).code).toBe('unknown-peer');
    watcher.send({ type: 'trace-get', to: 'nobody', runId: 'R', part: 0 });
    expect((await watcher.error()).code).toBe('unknown-peer');
    await other.sync();
    expect(other.received('trace-get')).toEqual([]);
  });

  it('refuses a trace-part frame above 49664 bytes without relaying it, and a negative part', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const b = await join(server, 'r', 'b');
    a.send(part('b', { lines: 'x'.repeat(49 * 1024) }));
    expect(await a.error()).toMatchObject({ code: 'bad-message', message: expect.stringContaining('at most 49664 bytes') });
    b.send({ type: 'trace-get', to: 'a', runId: 'R', part: -1 });
    expect(await b.error()).toMatchObject({ code: 'bad-message', message: expect.stringContaining('part') });
    await b.sync();
    expect(b.received('trace-part')).toEqual([]);
  });
});

describe('validation and limits', () => {
  it('answers malformed JSON with bad-json and keeps the socket usable', async () => {
    const server = await serve();
    const client = await connect(server);
    client.socket.send('{"type": "join", ');
    expect((await client.error()).code).toBe('bad-json');
    await client.sync();
  });

  it('names unknown types and invalid fields', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    a.send({ type: 'teleport' });
    expect((await a.error()).code).toBe('unknown-type');
    a.send({ type: 'signal', to: 'a' });
    expect(await a.error()).toMatchObject({ code: 'bad-message', message: expect.stringContaining('signal.data') });
    a.send({ type: 'signal', to: 'a', data: { blob: 'x'.repeat(17 * 1024) } });
    expect(await a.error()).toMatchObject({ code: 'bad-message', message: expect.stringContaining('signal.data') });
    a.send({ type: 'start', params: { ...PARAMS, tickMs: 0 } });
    expect(await a.error()).toMatchObject({ code: 'bad-message', message: expect.stringContaining('tickMs') });
    a.send([1, 2]);
    expect((await a.error()).code).toBe('bad-message');
  });

  it('closes only the socket that sends an oversized frame', async () => {
    const server = await serve({ maxPayload: 1024 });
    const a = await join(server, 'r', 'a');
    const b = await join(server, 'r', 'b');
    const big = await join(server, 'r', 'big');
    big.socket.send(JSON.stringify({ type: 'telemetry', data: { pad: 'x'.repeat(2000) } }));
    expect(await big.closeCode).toBe(1009);
    a.send({ type: 'signal', to: 'b', data: { ok: true } });
    expect((await b.next('signal')).from).toBe('a');
  });

  it('drops a flood with one rate-limited error while others are still relayed promptly', async () => {
    const server = await serve({ rateLimitPerSecond: 10 });
    const a = await join(server, 'r', 'a');
    const b = await join(server, 'r', 'b');
    const flooder = await connect(server);
    for (let i = 0; i < 35; i++) flooder.send({ type: 'ping' });
    expect((await flooder.error()).code).toBe('rate-limited');
    expect(flooder.received('pong')).toHaveLength(20);
    const sentAt = Date.now();
    a.send({ type: 'signal', to: 'b', data: { n: 1 } });
    await b.next('signal');
    expect(Date.now() - sentAt).toBeLessThan(200);
    expect(flooder.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a socket that keeps flooding with 1008', async () => {
    const server = await serve({ rateLimitPerSecond: 10 });
    const flooder = await connect(server);
    for (let i = 0; i < 80; i++) flooder.send({ type: 'ping' });
    expect(await flooder.closeCode).toBe(1008);
  });

  it('terminates sockets that stop answering pings', async () => {
    const server = await serve({ pingIntervalMs: 30 });
    const silent = await connect(server, { autoPong: false });
    const lively = await connect(server);
    await silent.closeCode;
    await lively.sync();
    expect(lively.socket.readyState).toBe(WebSocket.OPEN);
  });
});

describe('limits against one abusive address', () => {
  it('closes a socket that does not join in time (1008, join-timeout) and keeps joined ones', async () => {
    const server = await serve({ joinTimeoutMs: 100 });
    const idle = await connect(server);
    const member = await join(server, 'r', 'a');
    expect(await idle.error()).toMatchObject({ code: 'join-timeout', message: 'no room joined within 0.1 s of connecting' });
    expect(await idle.closeCode).toBe(1008);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await member.sync();
    expect(member.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses more sockets than the per-address cap with 429, and admits again once one closes', async () => {
    const server = await serve({ maxSocketsPerAddress: 3 });
    const first = await connect(server);
    await connect(server);
    await connect(server);
    await expect(connect(server)).rejects.toThrow(/429/);
    first.socket.close();
    await first.closeCode;
    await eventually(async () => {
      await connect(server).then((client) => client.sync());
    });
  });

  it('caps the rooms one address has created, while it may still join existing rooms', async () => {
    const server = await serve({ maxRoomsPerAddress: 2 });
    await join(server, 'one', 'a');
    const two = await join(server, 'two', 'b');
    const third = await connect(server);
    third.send({ type: 'join', room: 'three', role: 'member', id: 'c' });
    expect(await third.error()).toMatchObject({ code: 'too-many-rooms', message: expect.stringContaining('at most 2 open rooms') });
    two.socket.close();
    await eventually(async () => expect(await health(server)).toMatchObject({ rooms: 1 }));
    third.send({ type: 'join', room: 'three', role: 'member', id: 'c' });
    expect((await third.next('welcome')).room).toBe('three');
    const fourth = await connect(server);
    fourth.send({ type: 'join', room: 'one', role: 'member', id: 'd' });
    expect((await fourth.next('welcome')).room).toBe('one');
  });

  it('measures a relayed frame as received, not as re-serialised (padding counts)', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const b = await join(server, 'r', 'b');
    const padded = `{"type":"signal","to":"b","data":{"sdp":"x"}${' '.repeat(17 * 1024)}}`;
    a.socket.send(padded);
    expect(await a.error()).toMatchObject({ code: 'bad-message', message: expect.stringContaining('a signal frame must be at most 16896 bytes') });
    a.socket.send(`{"type":"signal","to":"b","data":{"sdp":"${'x'.repeat(16 * 1024)}"}}`);
    expect((await b.next('signal')).from).toBe('a');
    const telemetry = `{"type":"telemetry","data":{"pad":"${'x'.repeat(8 * 1024 + 512)}"}}`;
    a.socket.send(telemetry);
    expect(await a.error()).toMatchObject({ code: 'bad-message', message: expect.stringContaining('a telemetry frame must be at most 8704 bytes') });
  });

  it('coalesces roster broadcasts to the room\'s budget and still delivers the latest roster', async () => {
    const server = await serve({ rostersPerSecond: 2 });
    const a = await join(server, 'r', 'a');
    const watcher = await join(server, 'r', 'w', 'observer');
    await watcher.roster((r) => r.observers.length === 1);
    await watcher.sync();
    const before = watcher.received('roster').length;
    for (let i = 0; i < 20; i++) a.send({ type: 'peers', connected: [`p${i}`] });
    const latest = await watcher.roster((r) => r.members[0].connected[0] === 'p19');
    expect(withoutKeys(latest.members)).toEqual([{ id: 'a', connected: ['p19'] }]);
    await watcher.sync();
    // One roster at most per half second: the first change (now or at the end of the interval), then the rest together.
    expect(watcher.received('roster').length - before).toBeLessThanOrEqual(1);
  });

  it('relays telemetry within each member\'s budget and logs the count of the rest', async () => {
    const lines: string[] = [];
    const server = await serve({ telemetryPerSecond: 2, dropLogIntervalMs: 200, log: (line) => lines.push(line) });
    const a = await join(server, 'r', 'a');
    const obs = await join(server, 'r', 'obs', 'observer');
    for (let i = 0; i < 30; i++) a.send({ type: 'telemetry', data: { n: i } });
    await a.sync();
    let dropped = 0;
    await eventually(async () => {
      const line = lines.find((l) => l.startsWith('dropped '));
      expect(line).toMatch(/^dropped \d+ telemetry messages over the budget of 2\/s per member in the last 0.2 s \(latest: a in room r\)$/);
      dropped = Number(/^dropped (\d+)/.exec(line!)![1]);
    });
    await obs.sync();
    const relayed = obs.received('telemetry');
    expect(relayed.length + dropped).toBe(30);
    expect(relayed.length).toBeGreaterThanOrEqual(4);
    expect(relayed.length).toBeLessThanOrEqual(6);
    expect(relayed[0]).toEqual({ type: 'telemetry', from: 'a', data: { n: 0 } });
    expect(lines.filter((l) => l.startsWith('dropped '))).toHaveLength(1);
  });

  it('treats rooms and ids named like object properties as ordinary names', async () => {
    const server = await serve();
    const proto = await join(server, '__proto__', '__proto__');
    const ctor = await join(server, '__proto__', 'constructor');
    await join(server, 'constructor', 'hasOwnProperty');
    proto.send({ type: 'signal', to: 'constructor', data: { n: 1 } });
    expect(await ctor.next('signal')).toEqual({ type: 'signal', from: '__proto__', data: { n: 1 } });
    ctor.send({ type: 'signal', to: 'hasOwnProperty', data: {} });
    expect((await ctor.error()).code).toBe('unknown-peer');
    await reportMesh({ ['__proto__']: proto, constructor: ctor }, proto);
    proto.send({ type: 'start', params: PARAMS, members: ['constructor', '__proto__'] });
    await consent(ctor);
    expect((await ctor.next('start')).members).toEqual(['__proto__', 'constructor']);
    expect(await health(server)).toMatchObject({ rooms: 2, clients: 3 });
  });
});

describe('runs', () => {
  it('refuses to start until every member reports every other one, naming the gaps', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const b = await join(server, 'r', 'b');
    await join(server, 'r', 'c');
    a.send({ type: 'peers', connected: ['c', 'b'] });
    b.send({ type: 'peers', connected: ['a'] });
    await a.roster((r) => r.members.find((m) => m.id === 'b')?.connected.length === 1);
    a.send({ type: 'start', params: PARAMS });
    const error = await a.error();
    expect(error.code).toBe('mesh-incomplete');
    expect(error.message).toContain('b is not connected to c');
    expect(error.message).toContain('c is not connected to a');
    expect(error.message).not.toContain('a is not connected');
  });

  it('sends the same start to every member and observer once the mesh is complete', async () => {
    const server = await serve();
    const members = {
      a: await join(server, 'r', 'a'),
      b: await join(server, 'r', 'b'),
      c: await join(server, 'r', 'c'),
    };
    const obs = await join(server, 'r', 'obs', 'observer');
    await reportMesh(members, obs);
    members.b.send({ type: 'start', params: { ...PARAMS, batching: true } });
    expect(await members.b.error()).toMatchObject({ code: 'bad-message', message: 'start.params.batching is not a known field' });
    members.b.send({ type: 'start', params: PARAMS });
    await consent(members.a, members.c);
    const starts = await Promise.all([...Object.values(members), obs].map((client) => client.next('start')));
    const [first] = starts;
    for (const start of starts) expect(start).toEqual(first);
    expect(first).toMatchObject({ type: 'start', members: ['a', 'b', 'c'], params: PARAMS, startedBy: 'b' });
    expect(Number.isInteger(first.run) && first.run > 0 && first.run < 2 ** 32).toBe(true);
    const roster = await obs.roster((r) => r.run !== null);
    expect(roster.run).toMatchObject({ runId: first.runId, run: first.run, members: ['a', 'b', 'c'] });
    members.a.send({ type: 'start', params: PARAMS });
    expect((await members.a.error()).code).toBe('run-in-progress');
  });

  it('ends the run once every member reports finished, so the next run can start at once', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const b = await join(server, 'r', 'b');
    await reportMesh({ a, b }, a);
    a.send({ type: 'start', params: PARAMS });
    await consent(b);
    const { runId } = await b.next('start');
    a.send({ type: 'finished', runId: 'some-other-run' });
    a.send({ type: 'finished', runId });
    a.send({ type: 'start', params: PARAMS });
    expect((await a.error()).code).toBe('run-in-progress'); // b has not finished yet
    b.send({ type: 'finished', runId });
    await a.roster((r) => r.run === null);
    a.send({ type: 'start', params: PARAMS });
    await consent(b);
    expect((await b.next('start')).runId).not.toBe(runId);
  });

  it('starts a run among the listed members only', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const b = await join(server, 'r', 'b');
    const c = await join(server, 'r', 'c');
    a.send({ type: 'start', params: PARAMS, members: ['b', 'c'] });
    expect((await a.error()).code).toBe('bad-message');
    a.send({ type: 'start', params: PARAMS, members: ['a', 'zed'] });
    expect((await a.error()).code).toBe('unknown-peer');
    await reportMesh({ a, b }, a);
    a.send({ type: 'start', params: PARAMS, members: ['b', 'a'] });
    await consent(b);
    expect((await c.next('start')).members).toEqual(['a', 'b']);
  });

  it('lets a lone member start, refuses observers, and ends the run when its members leave', async () => {
    const server = await serve();
    const obs = await join(server, 'r', 'obs', 'observer');
    obs.send({ type: 'start', params: PARAMS });
    expect((await obs.error()).code).toBe('forbidden');
    const solo = await join(server, 'r', 'solo');
    solo.send({ type: 'start', params: PARAMS });
    expect((await obs.next('start')).members).toEqual(['solo']);
    await obs.roster((r) => r.run !== null);
    solo.socket.close();
    expect((await obs.roster((r) => r.members.length === 0)).run).toBeNull();
  });
});

describe('consent', () => {
  it('a start is a proposal to the members it names; one decline cancels it for all of them, with the reason, and nothing starts', async () => {
    const server = await serve();
    const [a, b, c] = [await join(server, 'r', 'a'), await join(server, 'r', 'b'), await join(server, 'r', 'c')];
    const obs = await join(server, 'r', 'obs', 'observer');
    await reportMesh({ a, b, c }, obs);
    a.send({ type: 'start', params: { ...PARAMS, seed: 99 }, members: ['a', 'b'] });
    const proposal = await b.next('propose');
    expect(proposal).toEqual({
      type: 'propose',
      runId: expect.any(String),
      members: ['a', 'b'],
      keys: [{ id: 'a', fingerprint: (await a.identity).fingerprint }, { id: 'b', fingerprint: (await b.identity).fingerprint }],
      params: { ...PARAMS, seed: 99 },
      proposedBy: 'a',
      answerWithinMs: 5000,
    });
    expect(await a.next('propose')).toEqual(proposal); // the proposer sees it too
    c.send({ type: 'accept', runId: proposal.runId }); // not named: ignored
    b.send({ type: 'decline', runId: proposal.runId, reason: '--with-seed 5 contradicts seed 99' });
    const cancelled = { type: 'cancelled', runId: proposal.runId, cause: 'declined', by: 'b', reason: 'b declined: --with-seed 5 contradicts seed 99' };
    expect(await a.next('cancelled')).toEqual(cancelled);
    expect(await b.next('cancelled')).toEqual(cancelled);
    for (const client of [a, b, c, obs]) await client.sync();
    expect([a, b, c, obs].flatMap((client) => client.received('start'))).toEqual([]);
    expect(c.received('propose')).toEqual([]);
  });

  it('a proposal waits for its members within a bound: a silent member cancels it (no-answer), one that leaves too (left), and one at a time', async () => {
    const server = await serve({ proposalAnswerMs: 200 });
    const [a, b] = [await join(server, 'r', 'a'), await join(server, 'r', 'b')];
    await reportMesh({ a, b }, a);
    a.send({ type: 'start', params: PARAMS });
    const { runId } = await b.next('propose');
    b.send({ type: 'start', params: PARAMS });
    expect(await b.error()).toMatchObject({ code: 'run-in-progress', message: `run ${runId} proposed by a is waiting for its members' consent` });
    expect(await a.next('cancelled')).toMatchObject({ runId, cause: 'no-answer', by: 'b', reason: 'b did not answer within 0.2 s' });
    a.send({ type: 'start', params: PARAMS });
    const second = await b.next('propose');
    b.socket.close();
    expect(await a.next('cancelled')).toMatchObject({ runId: second.runId, cause: 'left', by: 'b', reason: 'b left the room' });
  });

  it('runs last at most 10 minutes: a 24 h run is refused with run-too-long, a 10 minute one starts', async () => {
    const server = await serve();
    const solo = await join(server, 'r', 'solo');
    solo.send({ type: 'start', params: { ...PARAMS, sendForMs: 86_400_000, waitForMs: 1000 } });
    expect(await solo.error()).toEqual({ type: 'error', code: 'run-too-long', message: 'a run may last at most 600 s (sendForMs + waitForMs), this one asks for 86401 s' });
    solo.send({ type: 'start', params: { ...PARAMS, sendForMs: 599_000, waitForMs: 1000 } });
    expect((await solo.next('start')).members).toEqual(['solo']);
  });
});

describe('shaping', () => {
  it('relays link shapes to the whole room and keeps them in the roster for late joiners', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const obs = await join(server, 'r', 'obs', 'observer');
    const shape = { link: ['b', 'a'], cut: true, lossPercent: 12.5, delayMs: 40 };
    a.send({ type: 'shape', ...shape });
    const expected = { type: 'shape', from: 'a', link: ['a', 'b'], cut: true, lossPercent: 12.5, delayMs: 40 };
    expect(await a.next('shape')).toEqual(expected);
    expect(await obs.next('shape')).toEqual(expected);
    const late = await join(server, 'r', 'late');
    const { type: _type, ...remembered } = expected;
    expect((await late.roster()).links).toEqual([remembered]);
    a.send({ type: 'shape', link: ['a', 'b'], cut: false, lossPercent: 0, delayMs: 0 });
    expect((await late.roster((r) => r.links.length === 0)).links).toEqual([]);
    a.send({ type: 'shape', link: ['a', 'b'], cut: true, lossPercent: 101, delayMs: 0 });
    expect(await a.error()).toMatchObject({ code: 'bad-message', message: expect.stringContaining('lossPercent') });
  });

  it('refuses link faults from an observer, and from a member outside the run in progress (the attacker cannot stall a run)', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const obs = await join(server, 'r', 'obs', 'observer');
    obs.send({ type: 'shape', link: ['a', 'b'], cut: true, lossPercent: 0, delayMs: 0 });
    expect(await obs.error()).toMatchObject({ code: 'forbidden', message: 'observers cannot shape links; only members can' });
    a.send({ type: 'start', params: { sendForMs: 60_000, waitForMs: 1000, seed: 1, tickMs: 100, window: 1 } });
    const started = await a.next('start');
    const outsider = await join(server, 'r', 'outsider');
    outsider.send({ type: 'shape', link: ['a', 'outsider'], cut: true, lossPercent: 0, delayMs: 0 });
    expect(await outsider.error()).toMatchObject({ code: 'forbidden', message: `only members of run ${started.runId} can shape links while it is on` });
    expect((await a.roster()).links).toEqual([]);
    a.send({ type: 'shape', link: ['a', 'outsider'], cut: true, lossPercent: 0, delayMs: 0 });
    expect(await a.next('shape')).toMatchObject({ from: 'a', cut: true });
  });

  it('lets the program that embeds the server shape a link in the name of a member, with the same checks', async () => {
    const server = await serve();
    const a = await join(server, 'r', 'a');
    const obs = await join(server, 'r', 'obs', 'observer');
    const cut = { link: ['a', 'b'] as [string, string], cut: true, lossPercent: 0, delayMs: 0 };
    expect(server.shapeLinkAs('r', 'a', cut)).toBeNull();
    expect(await obs.next('shape')).toEqual({ type: 'shape', from: 'a', ...cut });
    expect((await a.roster((r) => r.links.length === 1)).links).toEqual([{ ...cut, from: 'a' }]);
    expect(server.shapeLinkAs('r', 'obs', cut)).toBe('observers cannot shape links; only members can');
    expect(server.shapeLinkAs('r', 'nobody', cut)).toBe('no member nobody in room r');
    expect(server.shapeLinkAs('elsewhere', 'a', cut)).toBe('no member a in room elsewhere');
  });
});

describe('HTTP', () => {
  let root: string;
  let appDir: string;

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'signaling-test-'));
    appDir = path.join(root, 'app');
    mkdirSync(path.join(appDir, 'assets'), { recursive: true });
    writeFileSync(path.join(appDir, 'index.html'), '<!doctype html><title>chatterbox</title>');
    writeFileSync(path.join(appDir, 'assets', 'app.js'), 'console.log(1);');
    writeFileSync(path.join(appDir, 'assets', 'app.css'), 'body{}');
    writeFileSync(path.join(root, 'secret.txt'), 'TOP SECRET');
    symlinkSync(path.join(root, 'secret.txt'), path.join(appDir, 'leak.txt'));
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves the app with content types and falls back to index.html for routes', async () => {
    const server = await serve({ staticDir: appDir });
    const index = await get(server, '/');
    expect(index).toMatchObject({ status: 200, body: expect.stringContaining('chatterbox') });
    expect(index.type).toMatch(/^text\/html/);
    expect((await get(server, '/assets/app.js')).type).toMatch(/^text\/javascript/);
    expect((await get(server, '/assets/app.css')).type).toMatch(/^text\/css/);
    expect(await get(server, '/runs/42')).toMatchObject({ status: 200, body: expect.stringContaining('chatterbox') });
    expect((await get(server, '/assets/missing.js')).status).toBe(404);
  });

  it('never serves files outside the app directory', async () => {
    const server = await serve({ staticDir: appDir });
    const attempts = ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt'];
    for (const attempt of [...attempts, '/leak.txt']) {
      const response = await get(server, attempt);
      expect([400, 404]).toContain(response.status);
      expect(response.body).not.toContain('TOP SECRET');
    }
  });

  it('reports health and answers 404 when no app is served', async () => {
    const server = await serve();
    await join(server, 'r', 'a');
    expect(await health(server)).toEqual({ ok: true, rooms: 1, clients: 1 });
    expect((await get(server, '/')).status).toBe(404);
  });

  it('accepts WebSockets only from allowed origins (or without an Origin)', async () => {
    const server = await serve({ allowedOrigins: ['http://good.example'] });
    await expect(connect(server, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await connect(server, { origin: 'http://good.example' }).then((client) => client.sync());
    await connect(server).then((client) => client.sync());
  });
});

/** A raw GET, so the path reaches the server exactly as written. */
function get(server: SignalingServer, requestPath: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port: server.port, path: requestPath, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] ?? '', body }),
      );
    });
    request.on('error', reject);
  });
}

/** Retries an assertion until it passes or a second has gone by (for effects of a client's close). */
async function eventually(assertion: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

async function health(server: SignalingServer): Promise<unknown> {
  return JSON.parse((await get(server, '/healthz')).body);
}
