// Joins a room from a raw WebSocket as the docs say a client must: answer the server's hello with a
// join that carries a P-256 public key and its signature of the hello's nonce and the room.

import type WebSocket from 'ws';
import { createIdentity, joinProofText, signText, type Identity } from '../../src/signaling';

export interface JoinFields {
  room: string;
  role: 'member' | 'observer';
  id?: string;
  secret?: string;
}

/** Resolves with the nonce of the socket's hello (attach before the socket opens, or right after). */
export function helloNonce(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => {
    const listener = (data: unknown): void => {
      const message = JSON.parse(String(data)) as { type: string; nonce?: string };
      if (message.type !== 'hello') return;
      socket.off('message', listener);
      resolve(message.nonce!);
    };
    socket.on('message', listener);
  });
}

/** A join message for `fields`, proving `identity`'s key against `nonce`. */
export async function signedJoin(fields: JoinFields, nonce: string, identity: Identity): Promise<Record<string, unknown>> {
  return { type: 'join', ...fields, key: identity.key, sig: await signText(identity, joinProofText(nonce, fields.room)) };
}

/** Sends a signed join on a socket whose hello is `nonce`; returns the identity it proved. */
export async function sendSignedJoin(socket: WebSocket, nonce: Promise<string>, fields: JoinFields, identity?: Identity): Promise<Identity> {
  const key = identity ?? (await createIdentity());
  socket.send(JSON.stringify(await signedJoin(fields, await nonce, key)));
  return key;
}
