// Member keys and proofs (docs/SIGNALING.md, "Keys and proofs"): ECDSA P-256 with SHA-256 through
// WebCrypto, the exact bytes a join and a session description sign, and key fingerprints.

import type { MemberId } from './ids';

/** A node's key pair, with its public key as sent on the wire and its fingerprint. */
export interface Identity {
  readonly privateKey: CryptoKey;
  /** base64url (no padding) of the 65-byte uncompressed P-256 point 0x04 || X || Y. */
  readonly key: string;
  /** Lowercase hex of SHA-256 over those 65 bytes. */
  readonly fingerprint: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNATURE = { name: 'ECDSA', hash: 'SHA-256' } as const;
const RAW_KEY_BYTES = 65;
const SIGNATURE_BYTES = 64;

function subtle(): SubtleCrypto {
  return globalThis.crypto.subtle;
}

/** A fresh key pair (an ephemeral identity, or one to save with `identityToJwk`). */
export async function createIdentity(): Promise<Identity> {
  const pair = await subtle().generateKey(ALGORITHM, true, ['sign', 'verify']);
  return identityOf(pair.privateKey, pair.publicKey);
}

/** The private key as a JWK (with its public x and y), for a key file or sessionStorage. */
export async function identityToJwk(identity: Identity): Promise<JsonWebKey> {
  return subtle().exportKey('jwk', identity.privateKey);
}

/** Reads back a private JWK written by `identityToJwk`; throws if it is not a P-256 private key. */
export async function identityFromJwk(jwk: JsonWebKey): Promise<Identity> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') throw new Error('not an EC P-256 private key (JWK with kty "EC", crv "P-256" and d)');
  const privateKey = await subtle().importKey('jwk', jwk, ALGORITHM, true, ['sign']);
  const { d: _private, key_ops: _ops, ...publicJwk } = jwk;
  const publicKey = await subtle().importKey('jwk', { ...publicJwk, key_ops: ['verify'] }, ALGORITHM, true, ['verify']);
  return identityOf(privateKey, publicKey);
}

async function identityOf(privateKey: CryptoKey, publicKey: CryptoKey): Promise<Identity> {
  const raw = new Uint8Array(await subtle().exportKey('raw', publicKey));
  return { privateKey, key: base64url(raw), fingerprint: await fingerprintOfRaw(raw) };
}

/** The fingerprint of a wire key (base64url of the raw point), or null if it is not one. */
export async function fingerprintOf(key: string): Promise<string | null> {
  const raw = fromBase64url(key);
  return raw && raw.length === RAW_KEY_BYTES ? fingerprintOfRaw(raw) : null;
}

async function fingerprintOfRaw(raw: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await subtle().digest('SHA-256', raw));
  return [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Signs `text` (its UTF-8 bytes); the signature is base64url of r || s (64 bytes). */
export async function signText(identity: Identity, text: string): Promise<string> {
  const signature = await subtle().sign(SIGNATURE, identity.privateKey, new TextEncoder().encode(text));
  return base64url(new Uint8Array(signature));
}

/** Whether `sig` is `key`'s signature of `text`; false for a malformed key or signature, never a throw. */
export async function verifyText(key: string, sig: string, text: string): Promise<boolean> {
  const raw = fromBase64url(key);
  const signature = fromBase64url(sig);
  if (!raw || raw.length !== RAW_KEY_BYTES || !signature || signature.length !== SIGNATURE_BYTES) return false;
  try {
    const publicKey = await subtle().importKey('raw', raw, ALGORITHM, false, ['verify']);
    return await subtle().verify(SIGNATURE, publicKey, signature, new TextEncoder().encode(text));
  } catch {
    return false; // not a point on the curve
  }
}

/** What a join signs: the server's challenge for this socket and the room. */
export function joinProofText(nonce: string, room: string): string {
  return `chatterbox-join\n${nonce}\n${room}`;
}

/** What a member signs for an offer or answer it sends to `to` (the SDP carries its DTLS fingerprint). */
export function descriptionProofText(room: string, from: MemberId, to: MemberId, attempt: number, type: 'offer' | 'answer', sdp: string): string {
  return `chatterbox-sdp\n${room}\n${from}\n${to}\n${attempt}\n${type}\n${sdp}`;
}

/** A short form of a fingerprint for messages (its first 16 hex digits). */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, 16);
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '='));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
