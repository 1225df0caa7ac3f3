// Node.js implementations of the transport's two pluggable parts: WebSocket (ws) and WebRTC (@roamhq/wrtc).

import { createRequire } from 'node:module';
import Peer from 'simple-peer';
import type SimplePeer from 'simple-peer';
import WebSocket from 'ws';
import type { PeerFactory } from './mesh';
import type { WebSocketFactory, WebSocketLike } from './signaling-client';

const require = createRequire(import.meta.url);

export const nodeWebSocket: WebSocketFactory = (url) => new WebSocket(url, { maxPayload: 1 << 20 }) as unknown as WebSocketLike;

/**
 * simple-peer with node-webrtc. The native module is loaded at the first connection, not before:
 * loading it takes longer than joining the room, so a node joins first.
 */
export function nodePeerFactory(): PeerFactory {
  let wrtc: unknown = null;
  return (options) => {
    wrtc ??= require('@roamhq/wrtc');
    return new Peer({ ...options, wrtc: wrtc as SimplePeer.Options['wrtc'] });
  };
}
