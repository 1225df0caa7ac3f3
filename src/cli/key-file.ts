// `--key FILE`: a CLI node's key pair kept in a JWK file (created with mode 0600 when missing).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createIdentity, identityFromJwk, identityToJwk, type Identity } from '../signaling';
import { UsageError } from './flags';

/** Reads the node's key from `path`, or creates it there (readable by its owner only) if the file does not exist. */
export async function identityFromKeyFile(path: string): Promise<Identity> {
  if (!existsSync(path)) {
    const identity = await createIdentity();
    try {
      writeFileSync(path, JSON.stringify(await identityToJwk(identity)) + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      throw new UsageError(`--key ${path}: cannot create the key file (${error instanceof Error ? error.message : String(error)})`);
    }
    return identity;
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--key ${path}: ${error instanceof SyntaxError ? 'not valid JSON (a JWK private key)' : 'cannot be read'}`);
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new UsageError(`--key ${path}: not a JWK object`);
  try {
    return await identityFromJwk(jwk as JsonWebKey);
  } catch (error) {
    throw new UsageError(`--key ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
