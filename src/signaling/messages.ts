// Signaling messages between nodes and the signaling server: their types and limits. The contract
// is docs/schemas/*.json (validated in ./validate); these types say the same for TypeScript.

import type { MemberId } from '../core/ids';
import type { Phase } from '../core/protocol';
import type { RunParams } from '../core/params';
import { LIMITS } from './schemas';

const MAX_SIGNAL_DATA_BYTES = 16 * 1024;
const MAX_TELEMETRY_DATA_BYTES = 8 * 1024;
/** The most a trace-part's `lines` may take, JSON-escaped, so its frame stays well within the socket's 64 KiB. */
export const MAX_TRACE_PART_BYTES = 48 * 1024;
/** Bytes a frame may spend beyond its data on the envelope ({"type":"signal","to":…,"data":…}). */
export const ENVELOPE_BYTES = 512;
/**
 * Largest frame of each relayed type, measured on the frame as received (UTF-8 bytes), so the
 * check never re-serialises what a client sent: the data limit plus the envelope.
 */
export const MAX_FRAME_BYTES: Readonly<Partial<Record<ClientMessage['type'], number>>> = {
  signal: MAX_SIGNAL_DATA_BYTES + ENVELOPE_BYTES,
  telemetry: MAX_TELEMETRY_DATA_BYTES + ENVELOPE_BYTES,
  'trace-part': MAX_TRACE_PART_BYTES + ENVELOPE_BYTES,
};
/** The longest run a server starts: sendForMs + waitForMs at most 10 minutes (run-too-long). */
export const MAX_RUN_MS = 10 * 60 * 1000;
/** Grace added to a run's send and wait phases before the server considers it over. */
export const RUN_GRACE_MS = 10_000;
/** How long the members named in a proposal have to accept it. */
export const PROPOSAL_ANSWER_MS = 5000;
export const MAX_LOSS_PERCENT = LIMITS.maxLossPercent;
export const MAX_DELAY_MS = LIMITS.maxDelayMs;

export type Role = 'member' | 'observer';
type JsonObject = { [key: string]: unknown };

/** An RTCIceServer as the browser and node-webrtc accept it. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Fault injection on the link between two members; links are undirected, endpoints sorted. */
export interface LinkShape {
  link: [MemberId, MemberId];
  cut: boolean;
  lossPercent: number;
  delayMs: number;
}

/** A member and the fingerprint of the key that proved its id (docs/schemas/common.json#/$defs/memberKey). */
export interface MemberKey {
  id: MemberId;
  fingerprint: string;
}

/** A run as the server remembers it while it is in progress. */
export interface RunInfo {
  runId: string;
  run: number;
  members: MemberId[];
  /** keys[i] is the key of members[i]. */
  keys: MemberKey[];
  params: RunParams;
  startedAt: number;
}

// ---- client → server ----

export interface JoinMessage {
  type: 'join';
  room: string;
  role: Role;
  id?: MemberId;
  /** The public key (base64url of the raw P-256 point) this join proves possession of. */
  key: string;
  /** The signature of joinProofText(hello's nonce, room) with that key. */
  sig: string;
  /** The room's secret: set by the join that creates the room, required of every later one. */
  secret?: string;
  /** false: do not relay other members' telemetry to this client (default true). */
  telemetry?: boolean;
}

export interface SignalMessage {
  type: 'signal';
  to: MemberId;
  data: JsonObject;
}

export interface PeersMessage {
  type: 'peers';
  connected: MemberId[];
}

export interface StartMessage {
  type: 'start';
  params: RunParams;
  members?: MemberId[];
}

/** A named member consents to the pending proposal `runId`. */
export interface AcceptMessage {
  type: 'accept';
  runId: string;
}

/** A named member refuses the pending proposal `runId`. */
export interface DeclineMessage {
  type: 'decline';
  runId: string;
  reason: string;
}

export interface ShapeMessage extends LinkShape {
  type: 'shape';
}

export interface TelemetryMessage {
  type: 'telemetry';
  data: JsonObject;
}

/** The `data` of telemetry (docs/schemas/telemetry-data.json): a picture of its sender's protocol state. */
export interface TelemetryData {
  snapshot: NodeSnapshot;
}

export interface NodeSnapshot {
  id: MemberId;
  phase: Phase;
  count: number;
  /** Highest serial this node has sent (its current message, or its FIN). */
  seq: number;
  fin: boolean;
  /** Members (self included) that acked the current message / FIN. */
  acked: MemberId[];
  buffers: BufferSnapshot[];
  /** The final result once done. */
  result: { count: number; checksum: string; complete: boolean } | null;
  /** Measured round trips to peers in milliseconds (absent when unknown). */
  rttMs?: Record<MemberId, number>;
}

export interface BufferSnapshot {
  from: MemberId;
  /** Highest serial received contiguously. */
  contiguous: number;
  committed: number;
  /** Serials received and not yet committed: the lowest few of them (16 in our nodes). */
  buffered: number[];
  /** How many serials are held in all (more than listed at large windows). */
  bufferedCount?: number;
  finished: boolean;
}

/** A member's run ended (its node is done); once every member of the run says so, the run is over. */
export interface FinishedMessage {
  type: 'finished';
  runId: string;
}

/** Asks member `to` for part `part` of its trace of run `runId` (docs/SIGNALING.md, "Sharing traces"). */
export interface TraceGetMessage {
  type: 'trace-get';
  to: MemberId;
  runId: string;
  part: number;
}

/** A member's answer to a trace-get: JSON Lines of its trace, or why it has none. */
export interface TracePartMessage {
  type: 'trace-part';
  to: MemberId;
  runId: string;
  part: number;
  lines: string;
  more: boolean;
  reason?: string;
}

interface PingMessage {
  type: 'ping';
}

export type ClientMessage =
  | JoinMessage
  | SignalMessage
  | PeersMessage
  | StartMessage
  | AcceptMessage
  | DeclineMessage
  | ShapeMessage
  | TelemetryMessage
  | FinishedMessage
  | TraceGetMessage
  | TracePartMessage
  | PingMessage;

// ---- server → client ----

/** The server's first message on a socket: the challenge a join signs. */
export interface HelloMessage {
  type: 'hello';
  nonce: string;
}

export interface WelcomeMessage {
  type: 'welcome';
  id: MemberId;
  room: string;
  role: Role;
  iceServers?: IceServer[];
  /** The fingerprint of the key the join proved: the id is bound to it. */
  fingerprint: string;
}

interface RosterMember {
  id: MemberId;
  connected: MemberId[];
  fingerprint: string;
}

/** A link's latest shape and who set it. */
export interface RosterLink extends LinkShape {
  from: MemberId;
}

export interface RosterMessage {
  type: 'roster';
  room: string;
  members: RosterMember[];
  observers: MemberId[];
  links: RosterLink[];
  run: RunInfo | null;
}

interface SignalRelay {
  type: 'signal';
  from: MemberId;
  data: JsonObject;
}

/** A proposed run, sent to the members it names: each answers accept or decline. */
export interface ProposeNotice {
  type: 'propose';
  runId: string;
  members: MemberId[];
  keys: MemberKey[];
  params: RunParams;
  proposedBy: MemberId;
  answerWithinMs: number;
}

/** A proposal that did not become a run, and why. */
export interface CancelledNotice {
  type: 'cancelled';
  runId: string;
  cause: 'declined' | 'no-answer' | 'left';
  by: MemberId;
  reason: string;
}

export interface StartNotice {
  type: 'start';
  runId: string;
  run: number;
  members: MemberId[];
  keys: MemberKey[];
  params: RunParams;
  startedBy: MemberId;
}

export interface ShapeNotice extends RosterLink {
  type: 'shape';
}

interface TelemetryRelay {
  type: 'telemetry';
  from: MemberId;
  data: JsonObject;
}

/** A trace-get relayed to the member it asks, `from` stamped by the server. */
export type TraceGetNotice = Omit<TraceGetMessage, 'to'> & { from: MemberId };

/** A trace-part relayed to the participant that asked, `from` stamped by the server. */
export type TracePartNotice = Omit<TracePartMessage, 'to'> & { from: MemberId };

interface PongMessage {
  type: 'pong';
}

export type ErrorCode =
  | 'bad-json'
  | 'bad-message'
  | 'unknown-type'
  | 'not-joined'
  | 'already-joined'
  | 'bad-room'
  | 'bad-id'
  | 'duplicate-id'
  | 'room-full'
  | 'too-many-rooms'
  | 'too-many-links'
  | 'unknown-peer'
  | 'rate-limited'
  | 'mesh-incomplete'
  | 'run-in-progress'
  | 'run-too-long'
  | 'bad-proof'
  | 'forbidden'
  | 'join-timeout'
  | 'internal-error';

interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
}

export type ServerMessage =
  | HelloMessage
  | WelcomeMessage
  | RosterMessage
  | SignalRelay
  | ProposeNotice
  | CancelledNotice
  | StartNotice
  | ShapeNotice
  | TelemetryRelay
  | TraceGetNotice
  | TracePartNotice
  | PongMessage
  | ErrorMessage;

/**
 * The missing directions of a mesh: [a, b] when member a has not reported an open channel to b.
 * The server refuses to start a run while there are any; nodes check the roster the same way.
 */
export function meshGaps(members: ReadonlyArray<Pick<RosterMember, 'id' | 'connected'>>): Array<[MemberId, MemberId]> {
  const gaps: Array<[MemberId, MemberId]> = [];
  for (const a of members) {
    for (const b of members) {
      if (a.id !== b.id && !a.connected.includes(b.id)) gaps.push([a.id, b.id]);
    }
  }
  return gaps;
}

// ---- what peers put in the relayed `data` (docs/schemas/signal-data.json) ----

/** An offer or answer (RTCSessionDescriptionInit). */
interface DescriptionSignal {
  type: 'offer' | 'answer';
  sdp: string;
}

/** One trickled ICE candidate (RTCIceCandidateInit). */
interface CandidateSignal {
  type: 'candidate';
  candidate: { candidate: string; sdpMLineIndex?: number | null; sdpMid?: string | null; usernameFragment?: string | null };
}

/** The `data` of a signal between two members: one step of connection attempt `attempt`. */
export interface SignalData {
  attempt: number;
  signal: DescriptionSignal | CandidateSignal;
  /** The sender's public key and its signature of descriptionProofText(...): offers and answers only. */
  key?: string;
  sig?: string;
}
