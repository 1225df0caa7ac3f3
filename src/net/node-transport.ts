// Node.js implementations of the transport's two pluggable parts: WebSocket (ws) and WebRTC (@roamhq/wrtc).

import { createRequire } from 'node:module';
import Peer from 'simple-peer';
import WebSocket from 'ws';
import type { PeerFactory } from './mesh';
import type { WebSocketFactory, WebSocketLike } from './signaling-client';

const require = createRequire(import.meta.url);

export const nodeWebSocket: WebSocketFactory = (url) => new WebSocket(url, { maxPayload: 1 << 20 }) as unknown as WebSocketLike;

/** simple-peer with node-webrtc; loaded lazily so commands that need no WebRTC start fast. */
export function nodePeerFactory(): PeerFactory {
  const wrtc = require('@roamhq/wrtc');
  return (options) => new Peer({ ...options, wrtc });
}
