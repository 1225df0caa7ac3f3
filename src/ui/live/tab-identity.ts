// A tab's key pair, kept for the tab's session (sessionStorage): a reload keeps its id's key.

import { createIdentity, identityFromJwk, identityToJwk, type Identity } from '../../signaling';

const STORAGE_KEY = 'chatterbox-key';

/** The key saved in this tab's sessionStorage, or a new one saved there (kept in memory only if storage is unavailable). */
export async function tabIdentity(): Promise<Identity> {
  const storage = sessionStorageOrNull();
  const saved = storage?.getItem(STORAGE_KEY);
  if (saved) {
    try {
      return await identityFromJwk(JSON.parse(saved) as JsonWebKey);
    } catch (error) {
      console.warn(`ignored the saved key of this tab (${String(error)}); making a new one`);
    }
  }
  const identity = await createIdentity();
  storage?.setItem(STORAGE_KEY, JSON.stringify(await identityToJwk(identity)));
  return identity;
}

function sessionStorageOrNull(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage blocked (sandboxed frame, privacy settings)
  }
}
