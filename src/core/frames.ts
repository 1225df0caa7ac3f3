// The frames nodes exchange, as plain typed objects (the wire codec turns them into bytes).

import type { MemberId } from './ids';

interface FrameBase {
  /** Tag of the run this frame belongs to; frames of another run are dropped. */
  run: number;
  /** Sender of the frame; the receiver checks it against the link it arrived on. */
  from: MemberId;
}

/** Message `seq` of `from`'s stream. */
export interface DataFrame extends FrameBase {
  kind: 'data';
  seq: number;
  /** Sender clock in microseconds when the message became current. */
  sentAt: number;
  /** Integer in [1, 10^10]. */
  value: number;
}

/** Cumulative acknowledgement: `from` holds every message of the recipient's stream up to `seq`. */
export interface AckFrame extends FrameBase {
  kind: 'ack';
  seq: number;
}

/** End marker of `from`'s stream: serial last + 1, no value. */
export interface FinFrame extends FrameBase {
  kind: 'fin';
  seq: number;
}

/** A node's final result, exchanged at DONE so every node can tell whether the cluster agrees. */
export interface ResultFrame extends FrameBase {
  kind: 'result';
  count: number;
  /** The checksum as printed: decimal with exactly 10 decimals. */
  checksum: string;
  /** The node received every member's FIN and its own FIN was acked by all. */
  complete: boolean;
}

/** Round-trip probe; the peer echoes nonce and time in a pong. */
export interface PingFrame extends FrameBase {
  kind: 'ping';
  nonce: number;
  /** Sender clock in microseconds. */
  time: number;
}

export interface PongFrame extends FrameBase {
  kind: 'pong';
  nonce: number;
  time: number;
}

/** The frames the protocol reducer consumes. */
export type ProtocolFrame = DataFrame | AckFrame | FinFrame;
export type Frame = ProtocolFrame | ResultFrame | PingFrame | PongFrame;
export type FrameKind = Frame['kind'];

export function isProtocolFrame(frame: Frame): frame is ProtocolFrame {
  return frame.kind === 'data' || frame.kind === 'ack' || frame.kind === 'fin';
}
