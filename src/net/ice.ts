// ICE server configuration from flags or URLs: STUN and TURN, with credentials embedded or separate.

import type { IceServer } from '../signaling';

/**
 * Parses `stun:host:port`, `turn:host:port?transport=udp`, or a TURN URL with credentials embedded
 * as `turn:USER:PASSWORD@host:port` (the form `--ice` and the page's `ice` parameter accept).
 * Returns null for anything that is not a stun:, turn: or turns: URL.
 */
export function parseIceUrl(text: string): IceServer | null {
  const withCredentials = /^(turns?):([^:@/]+):([^@/]+)@([^@\s]+)$/.exec(text);
  if (withCredentials) {
    const [, scheme, username, credential, rest] = withCredentials;
    return { urls: `${scheme}:${rest}`, username: decodeURIComponent(username), credential: decodeURIComponent(credential) };
  }
  if (/^(stun|turns?):[^\s@]+$/.test(text)) return { urls: text };
  return null;
}
