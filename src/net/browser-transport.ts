// Browser implementations of the transport's two pluggable parts: the page's WebSocket and simple-peer.
// (The browser build aliases `simple-peer` to its prebuilt bundle; see vite.config.ts.)

import Peer from 'simple-peer';
import type { MeshPeer, PeerFactory } from './mesh';
import type { WebSocketFactory, WebSocketLike } from './signaling-client';

export const browserWebSocket: WebSocketFactory = (url) => new WebSocket(url) as unknown as WebSocketLike;

/** simple-peer on the browser's own RTCPeerConnection (which it keeps in `_pc`, outside its types). */
export const browserPeerFactory: PeerFactory = (options) => new Peer(options) as unknown as MeshPeer;
