// The server accepts exactly what docs/schemas/client-message.json accepts, and the documented limits hold.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import clientSchema from '../../docs/schemas/client-message.json';
import common from '../../docs/schemas/common.json';
import { createSignalingServer, type SignalingServer } from '../../signaling-server/server';
import { MEMBER_ID_PATTERN } from '../../src/core/ids';
import { paramsError } from '../../src/core/params';
import { createIdentity, MAX_FRAME_BYTES, ROOM_NAME_PATTERN, SCHEMA_IDS, SCHEMAS, type Identity } from '../../src/signaling';
import { helloNonce, signedJoin } from '../support/signed-join';
import { EXAMPLES, JOINS } from '../support/contract-examples';

/** Error codes that mean "this message does not match the schema" (others are about the room's state or a proof). */
const VALIDATION_CODES = new Set(['bad-json', 'bad-message', 'unknown-type', 'bad-room', 'bad-id']);


/** A join without a `key` field gets the client's key and its signature of the socket's nonce; others go as written. */
async function signedIfJoin(message: unknown, nonce: string, identity: Identity): Promise<unknown> {
  const join = message as { type?: unknown; room: string; role: 'member' | 'observer' } | null;
  if (join?.type !== 'join' || 'key' in join) return message;
  return signedJoin(join, nonce, identity);
}

let server: SignalingServer;
beforeAll(async () => {
  server = await createSignalingServer({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server.close();
});

/** A socket that collects what the server sends. */
async function open(): Promise<{ socket: WebSocket; inbox: Array<{ type: string; code?: string }>; nonce: string; identity: Identity }> {
  const socket = new WebSocket(server.url);
  const inbox: Array<{ type: string; code?: string }> = [];
  const nonce = helloNonce(socket);
  socket.on('message', (data) => inbox.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, inbox, nonce: await nonce, identity: await createIdentity() };
}

/** Sends one message, then a ping; returns the validation error code it drew before the pong, if any. */
async function validationErrorOf(client: Awaited<ReturnType<typeof open>>, message: unknown): Promise<string | null> {
  client.inbox.length = 0;
  client.socket.send(JSON.stringify(message));
  client.socket.send(JSON.stringify({ type: 'ping' }));
  // A ping-typed message is answered itself (pong or error) before the pong of the sync ping.
  const isPing = (message as { type?: string } | null)?.type === 'ping';
  const answers = (): number => client.inbox.filter((m) => m.type === 'pong' || (isPing && m.type === 'error')).length;
  const pongAfter = (): boolean => answers() >= (isPing ? 2 : 1);
  for (let waited = 0; !pongAfter(); waited += 5) {
    if (waited > 5000) throw new Error(`no pong after ${JSON.stringify(message).slice(0, 80)}: ${JSON.stringify(client.inbox)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const error = client.inbox.find((m) => m.type === 'error' && VALIDATION_CODES.has(m.code!));
  return error?.code ?? null;
}

const acceptedBySchema = (message: unknown): boolean => SCHEMAS.validate(SCHEMA_IDS.clientMessage, message) === null;

describe('the client-message schema and the server', () => {
  it('agree on every example, and both accept exactly what the docs say', async () => {
    const a = await open();
    a.socket.send(JSON.stringify(await signedJoin({ room: 'contract', role: 'member', id: 'a' }, a.nonce, a.identity)));
    const b = await open();
    b.socket.send(JSON.stringify(await signedJoin({ room: 'contract', role: 'member', id: 'b' }, b.nonce, b.identity)));
    const verdicts: Array<[string, boolean, boolean]> = [];
    for (const [what, example] of EXAMPLES) {
      const message = await signedIfJoin(example, a.nonce, a.identity);
      verdicts.push([what, acceptedBySchema(message), (await validationErrorOf(a, message)) === null]);
    }
    for (const [what, example] of JOINS) {
      const fresh = await open();
      const message = await signedIfJoin(example, fresh.nonce, fresh.identity);
      verdicts.push([what, acceptedBySchema(message), (await validationErrorOf(fresh, message)) === null]);
      fresh.socket.close();
    }
    a.socket.close();
    b.socket.close();
    const expected = [...EXAMPLES, ...JOINS].map(([what, , accepted]): [string, boolean, boolean] => [what, accepted, accepted]);
    expect(verdicts).toEqual(expected);
  });

  it('says which code a refused join gets: bad-room, bad-id, else bad-message', async () => {
    const codes: Array<string | null> = [];
    for (const example of [JOINS[3][1], JOINS[6][1], JOINS[8][1]]) {
      const fresh = await open();
      codes.push(await validationErrorOf(fresh, await signedIfJoin(example, fresh.nonce, fresh.identity)));
      fresh.socket.close();
    }
    expect(codes).toEqual(['bad-room', 'bad-id', 'bad-message']);
  });

  it('run params: the core (flags, traces) and the schema accept the same values', () => {
    const paramExamples = EXAMPLES.filter(([what]) => what.startsWith('start, ') && !what.includes('unknown')).map(([, message]) => (message as { params: unknown }).params);
    expect(paramExamples.length).toBeGreaterThan(15);
    for (const params of paramExamples) {
      expect([params, paramsError(params) === null]).toEqual([params, SCHEMAS.validate(`${SCHEMA_IDS.common}#/$defs/runParams`, params) === null]);
    }
  });

  it('ids and room names: the patterns in code are the ones in the schema', () => {
    expect(MEMBER_ID_PATTERN.source).toBe(common.$defs.memberId.pattern);
    expect(ROOM_NAME_PATTERN.source).toBe(common.$defs.roomName.pattern);
  });

  it('the schema states the frame limits the server enforces', () => {
    expect(clientSchema.description).toContain(`a signal frame may be at most ${MAX_FRAME_BYTES.signal} bytes and a telemetry frame at most ${MAX_FRAME_BYTES.telemetry} bytes`);
    expect(clientSchema.description).toContain('any frame above 65536 bytes closes the socket');
  });
});
