// Node.js implementations of the transport's two pluggable parts: WebSocket (ws) and WebRTC (@roamhq/wrtc).

import { createRequire } from 'node:module';
import WebSocket from 'ws';
import type { PeerFactory } from './mesh';
import { NodePeer, type PeerConnectionConstructor } from './node-peer';
import type { WebSocketFactory, WebSocketLike } from './signaling-client';

const require = createRequire(import.meta.url);

export const nodeWebSocket: WebSocketFactory = (url) => new WebSocket(url, { maxPayload: 1 << 20 }) as unknown as WebSocketLike;

/** The wrtc module (native), loaded on first use: loading it takes longer than joining a room. */
export function loadWrtc(): { RTCPeerConnection: PeerConnectionConstructor } {
  return require('@roamhq/wrtc') as { RTCPeerConnection: PeerConnectionConstructor };
}

/** Ports a node's connections bind their sockets to (`chatterbox node --ice-ports MIN-MAX`). */
export interface PortRange {
  min: number;
  max: number;
}

/** Ports each connection gets from a --ice-ports range: a second one in case another program holds the first. */
export const PORTS_PER_CONNECTION = 2;

/**
 * Connections on wrtc (src/net/node-peer.ts). With `ports`, each new connection binds its sockets
 * to the next PORTS_PER_CONNECTION ports of the range, in turn (from the start again at its end).
 * Without a bound, wrtc gives every connection that is still gathering new sockets each time
 * another one starts: 40 connections opened at once in one process held 2,900 sockets, 8 each
 * with their own two ports.
 */
export function nodePeerFactory(ports?: PortRange): PeerFactory {
  let wrtc: { RTCPeerConnection: PeerConnectionConstructor } | null = null;
  let next = ports?.min ?? 0;
  const nextPorts = (): PortRange | undefined => {
    if (!ports) return undefined;
    if (next + PORTS_PER_CONNECTION - 1 > ports.max) next = ports.min;
    const slot = { min: next, max: next + PORTS_PER_CONNECTION - 1 };
    next += PORTS_PER_CONNECTION;
    return slot;
  };
  return (options) => {
    wrtc ??= loadWrtc();
    return new NodePeer(wrtc.RTCPeerConnection, { ...options, ports: nextPorts() });
  };
}
