// Signaling rooms: who is in which room and with which key, the links they report, link shaping,
// runs (proposed, consented to, in progress), and the budgets that keep one client from making a
// room or the server work for it.

import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  compareIds,
  MAX_RUN_MS,
  meshGaps,
  PROPOSAL_ANSWER_MS,
  RUN_GRACE_MS,
  shortFingerprint,
  sortedMembers,
  type CancelledNotice,
  type JoinMessage,
  type MemberId,
  type MemberKey,
  type LinkShape,
  type ProposeNotice,
  type ProtocolError,
  type Role,
  type RosterLink,
  type RosterMessage,
  type RunInfo,
  type ServerMessage,
  type StartMessage,
} from '../src/signaling';

/** Link settings a room remembers at most (neutral settings are forgotten, not stored). */
export const MAX_LINKS_PER_ROOM = 512;
const MAX_LISTED_GAPS = 10;
const ASSIGNED_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ASSIGNED_ID_LENGTH = 6;

export interface Participant {
  readonly id: MemberId;
  readonly role: Role;
  /** Peers this member last reported open data channels with, sorted. */
  connected: MemberId[];
  /** The fingerprint of the key that proved this id: the id is bound to it. */
  readonly fingerprint: string;
  /** Whether other members' telemetry is relayed to it (its join's `telemetry`, default true). */
  readonly watchesTelemetry: boolean;
  send(message: ServerMessage): void;
  /** Sends an already serialised message (a broadcast serialises once for the whole room). */
  sendText(text: string): void;
  /** Closes this participant's socket (when a reconnect took its place). */
  close(): void;
}

export interface RoomLimits {
  maxRooms: number;
  maxMembersPerRoom: number;
  maxObserversPerRoom: number;
  /** Rooms one network address may have created that still exist. */
  maxRoomsPerAddress: number;
  /** Roster broadcasts per room per second at most; changes in between are coalesced. */
  rostersPerSecond: number;
  /** How long the members a proposal names have to accept it. */
  proposalAnswerMs: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

/** A run waiting for the consent of the members it names. */
interface Proposal {
  notice: ProposeNotice;
  /** Named members that accepted (the proposer from the start). */
  accepted: Set<MemberId>;
  timer: NodeJS.Timeout;
}

export class Room {
  private readonly participants = new Map<MemberId, Participant>();
  private readonly links = new Map<string, RosterLink>();
  private run: RunInfo | null = null;
  private proposal: Proposal | null = null;
  /** Members of the current run that reported their node done. */
  private readonly finished = new Set<MemberId>();
  private runTimer: NodeJS.Timeout | undefined;
  /** When the roster was last broadcast (epoch ms), and the pending coalesced broadcast. */
  private rosterSentAt = -Infinity;
  private rosterTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    /** The network address that created the room (counted against its per-address cap). */
    readonly creator: string,
    private readonly rosterIntervalMs: number,
    private readonly log: (line: string) => void = () => {},
    private readonly proposalAnswerMs: number = PROPOSAL_ANSWER_MS,
    /** SHA-256 of the room's secret (set by the join that created it), or null for an open room. */
    private readonly secretHash: Buffer | null = null,
  ) {}

  /** Why a join with `secret` may not enter this room (null if it may). */
  secretRefusal(secret: string | undefined): ProtocolError | null {
    if (this.secretHash === null) return secret === undefined ? null : { code: 'forbidden', message: `room ${this.name} has no secret; join it without one` };
    if (secret !== undefined && timingSafeEqual(this.secretHash, hashOf(secret))) return null;
    return { code: 'forbidden', message: `room ${this.name} needs its secret: join.secret is ${secret === undefined ? 'missing' : 'wrong'}` };
  }

  get isEmpty(): boolean {
    return this.participants.size === 0;
  }

  has(id: MemberId): boolean {
    return this.participants.has(id);
  }

  get(id: MemberId): Participant | undefined {
    return this.participants.get(id);
  }

  count(role: Role): number {
    return this.withRole(role).length;
  }

  add(participant: Participant): void {
    this.participants.set(participant.id, participant);
  }

  /** Removes a participant; a proposal naming it is cancelled, and the run ends once none of its members is left. */
  remove(id: MemberId): void {
    this.participants.delete(id);
    if (this.proposal?.notice.members.includes(id)) this.cancelProposal('left', id, `${id} left the room`);
    if (this.run && !this.run.members.some((member) => this.participants.get(member)?.role === 'member')) {
      this.endRun();
    }
  }

  /**
   * Why a join proving `fingerprint` may not take `id` (null if it may): the id is held, or owned by
   * a member of the run in progress, with another key.
   */
  bindingRefusal(id: MemberId, fingerprint: string): ProtocolError | null {
    const holder = this.participants.get(id);
    const bound = holder?.fingerprint ?? this.run?.keys.find((key) => key.id === id)?.fingerprint;
    if (bound === undefined || bound === fingerprint) return null;
    const where = holder ? `in room ${this.name}` : `for run ${this.run!.runId} in room ${this.name}, until the run ends`;
    return { code: 'duplicate-id', message: `${id} is bound to another key ${where} (fingerprint ${shortFingerprint(bound)}…, this join proved ${shortFingerprint(fingerprint)}…)` };
  }

  broadcast(message: ServerMessage, exceptId?: MemberId): void {
    this.sendToEach(message, (participant) => participant.id !== exceptId);
  }

  /** Sends a member's telemetry to everyone else in the room who watches telemetry. */
  relayTelemetry(message: Extract<ServerMessage, { type: 'telemetry' }>): void {
    this.sendToEach(message, (participant) => participant.id !== message.from && participant.watchesTelemetry);
  }

  /** Serialises `message` once and sends it to every participant `chosen` picks. */
  private sendToEach(message: ServerMessage, chosen: (participant: Participant) => boolean): void {
    const text = JSON.stringify(message);
    for (const participant of this.participants.values()) if (chosen(participant)) participant.sendText(text);
  }

  /**
   * Sends the roster to the whole room, at most once per roster interval: a change within the
   * interval is sent at its end, together with every other change made meanwhile.
   */
  announceRoster(): void {
    if (this.rosterTimer) return;
    const waitMs = this.rosterSentAt + this.rosterIntervalMs - Date.now();
    if (waitMs <= 0) {
      this.sendRoster();
      return;
    }
    this.rosterTimer = setTimeout(() => {
      this.rosterTimer = undefined;
      this.sendRoster();
    }, waitMs);
    this.rosterTimer.unref();
  }

  private sendRoster(): void {
    this.rosterSentAt = Date.now();
    this.broadcast(this.roster());
  }

  roster(): RosterMessage {
    return {
      type: 'roster',
      room: this.name,
      members: this.withRole('member').map((p) => ({ id: p.id, connected: p.connected, fingerprint: p.fingerprint })),
      observers: this.withRole('observer').map((p) => p.id),
      links: [...this.links.entries()].sort(([a], [b]) => compareIds(a, b)).map(([, link]) => link),
      run: this.run,
    };
  }

  /**
   * Remembers the latest shape of a link from `from` (a neutral shape, no cut, loss or delay,
   * clears it): only members shape links (an observer watches), and while a run is on, only that
   * run's members (nobody outside a run can stall it).
   */
  shapeLink(shape: LinkShape, from: Participant): ProtocolError | null {
    if (from.role !== 'member') return { code: 'forbidden', message: 'observers cannot shape links; only members can' };
    if (this.run && !this.run.members.includes(from.id)) return { code: 'forbidden', message: `only members of run ${this.run.runId} can shape links while it is on` };
    const key = shape.link.join(' ');
    if (!shape.cut && shape.lossPercent === 0 && shape.delayMs === 0) {
      this.links.delete(key);
      return null;
    }
    if (!this.links.has(key) && this.links.size >= MAX_LINKS_PER_ROOM) {
      return { code: 'too-many-links', message: `a room remembers at most ${MAX_LINKS_PER_ROOM} shaped links` };
    }
    this.links.set(key, { ...shape, from: from.id });
    return null;
  }

  /**
   * Proposes a run if the requester may, nothing is running or proposed, the run is not too long
   * and the members' mesh is complete: every named member gets `propose` and the run starts once all
   * accepted (a lone requester's at once). Returns the refusal, or null.
   */
  proposeRun(requester: Participant, request: StartMessage, now: number): ProtocolError | null {
    if (requester.role !== 'member') return { code: 'forbidden', message: 'only members can start a run' };
    if (this.run) return { code: 'run-in-progress', message: `run ${this.run.runId} is still in progress` };
    if (this.proposal) return { code: 'run-in-progress', message: `run ${this.proposal.notice.runId} proposed by ${this.proposal.notice.proposedBy} is waiting for its members' consent` };
    const lengthMs = request.params.sendForMs + request.params.waitForMs;
    if (lengthMs > MAX_RUN_MS) return { code: 'run-too-long', message: `a run may last at most ${MAX_RUN_MS / 1000} s (sendForMs + waitForMs), this one asks for ${lengthMs / 1000} s` };
    const members = this.runMembers(requester, request.members);
    if (!members.ok) return members.error;
    const gaps = meshGaps(members.value);
    if (gaps.length > 0) return { code: 'mesh-incomplete', message: describeGaps(gaps) };
    const notice: ProposeNotice = {
      type: 'propose',
      runId: randomUUID(),
      members: members.value.map((p) => p.id),
      keys: members.value.map((p): MemberKey => ({ id: p.id, fingerprint: p.fingerprint })),
      params: request.params,
      proposedBy: requester.id,
      answerWithinMs: this.proposalAnswerMs,
    };
    const timer = setTimeout(() => this.expireProposal(), this.proposalAnswerMs);
    timer.unref();
    this.proposal = { notice, accepted: new Set([requester.id]), timer };
    this.log(`room ${this.name}: ${requester.id} proposed run ${notice.runId} for ${notice.members.join(', ')}`);
    this.sendTo(notice.members, notice);
    this.startIfAllAccepted(now);
    return null;
  }

  /** A named member's answer to the pending proposal; anything else is ignored. */
  answerProposal(member: Participant, runId: string, decline: string | null, now: number): void {
    const proposal = this.proposal;
    if (!proposal || proposal.notice.runId !== runId || !proposal.notice.members.includes(member.id)) return;
    if (decline !== null) {
      this.cancelProposal('declined', member.id, `${member.id} declined: ${decline}`);
      return;
    }
    proposal.accepted.add(member.id);
    this.startIfAllAccepted(now);
  }

  private startIfAllAccepted(now: number): void {
    const proposal = this.proposal;
    if (!proposal || !proposal.notice.members.every((id) => proposal.accepted.has(id))) return;
    clearTimeout(proposal.timer);
    this.proposal = null;
    const { runId, members, keys, params, proposedBy } = proposal.notice;
    const run: RunInfo = { runId, run: randomInt(1, 2 ** 32), members, keys, params, startedAt: now };
    this.beginRun(run);
    this.log(`room ${this.name}: run ${runId} started (proposed by ${proposedBy}, accepted by every member)`);
    this.broadcast({ type: 'start', runId, run: run.run, members, keys, params, startedBy: proposedBy });
    this.announceRoster();
  }

  private expireProposal(): void {
    const proposal = this.proposal;
    if (!proposal) return;
    const silent = proposal.notice.members.find((id) => !proposal.accepted.has(id))!;
    this.cancelProposal('no-answer', silent, `${silent} did not answer within ${this.proposalAnswerMs / 1000} s`);
  }

  private cancelProposal(cause: CancelledNotice['cause'], by: MemberId, reason: string): void {
    const proposal = this.proposal;
    if (!proposal) return;
    clearTimeout(proposal.timer);
    this.proposal = null;
    this.log(`room ${this.name}: run ${proposal.notice.runId} cancelled: ${reason}`);
    this.sendTo(proposal.notice.members, { type: 'cancelled', runId: proposal.notice.runId, cause, by, reason });
  }

  /** Sends a message to those of `ids` who are still here. */
  private sendTo(ids: readonly MemberId[], message: ServerMessage): void {
    const text = JSON.stringify(message);
    for (const id of ids) this.participants.get(id)?.sendText(text);
  }

  /**
   * A member of the run reports that its node is done. Returns true when that ends the run (every
   * member has finished), so a new run can start at once instead of after the grace period.
   */
  finishRun(member: Participant, runId: string): boolean {
    if (!this.run || this.run.runId !== runId || !this.run.members.includes(member.id)) return false;
    this.finished.add(member.id);
    if (!this.run.members.every((id) => this.finished.has(id))) return false;
    this.endRun();
    return true;
  }

  /** Stops the run and roster timers; the room is about to be forgotten. */
  dispose(): void {
    clearTimeout(this.runTimer);
    clearTimeout(this.rosterTimer);
    clearTimeout(this.proposal?.timer);
  }

  private runMembers(requester: Participant, requested: MemberId[] | undefined): Outcome<Participant[]> {
    if (requested === undefined) return { ok: true, value: this.withRole('member') };
    if (!requested.includes(requester.id)) return refusal('bad-message', 'start.members must include the requester');
    const participants: Participant[] = [];
    for (const id of sortedMembers(requested)) {
      const participant = this.participants.get(id);
      if (participant?.role !== 'member') return refusal('unknown-peer', `${id} is not a member in room ${this.name}`);
      participants.push(participant);
    }
    return { ok: true, value: participants };
  }

  private beginRun(run: RunInfo): void {
    this.run = run;
    const durationMs = run.params.sendForMs + run.params.waitForMs + RUN_GRACE_MS;
    this.runTimer = setTimeout(() => {
      this.endRun();
      this.announceRoster();
    }, durationMs);
    this.runTimer.unref();
  }

  private endRun(): void {
    clearTimeout(this.runTimer);
    this.run = null;
    this.finished.clear();
  }

  private withRole(role: Role): Participant[] {
    return [...this.participants.values()].filter((p) => p.role === role).sort((a, b) => compareIds(a.id, b.id));
  }
}

/** Every room by name, created on first join and dropped when the last participant leaves. */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  /** Rooms that still exist, by the address that created them. */
  private readonly roomsByCreator = new Map<string, number>();

  constructor(
    private readonly limits: RoomLimits,
    private readonly log: (line: string) => void = () => {},
  ) {}

  get roomCount(): number {
    return this.rooms.size;
  }

  find(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  /**
   * Adds a participant from `address`, whose join proved the key of `fingerprint`, to the requested
   * room (without announcing it), or says why it cannot join. The same key takes a held id back.
   */
  admit(join: JoinMessage, fingerprint: string, address: string, sendText: Participant['sendText'], close: Participant['close']): Outcome<{ room: Room; participant: Participant }> {
    const existing = this.rooms.get(join.room);
    if (!existing) {
      const refused = this.creationRefusal(address);
      if (refused) return refused;
    }
    const room = existing ?? new Room(join.room, address, 1000 / this.limits.rostersPerSecond, this.log, this.limits.proposalAnswerMs, join.secret === undefined ? null : hashOf(join.secret));
    const secretRefusal = room.secretRefusal(join.secret);
    if (secretRefusal) return { ok: false, error: secretRefusal };
    const bindingRefusal = join.id === undefined ? null : room.bindingRefusal(join.id, fingerprint);
    if (bindingRefusal) return { ok: false, error: bindingRefusal };
    const holder = join.id === undefined ? undefined : room.get(join.id);
    if (holder && holder.role !== join.role) return refusal('duplicate-id', `${join.id} is held as ${holder.role} in room ${join.room}; join with the same role to take it back`);
    if (holder) return { ok: true, value: { room, participant: this.takeOver(room, holder, join.telemetry !== false, sendText, close) } };
    const capacity = join.role === 'member' ? this.limits.maxMembersPerRoom : this.limits.maxObserversPerRoom;
    if (room.count(join.role) >= capacity) {
      return refusal('room-full', `room ${join.room} already has ${capacity} ${join.role}s`);
    }
    const participant: Participant = {
      id: join.id ?? assignedId(room),
      role: join.role,
      connected: [],
      fingerprint,
      watchesTelemetry: join.telemetry !== false,
      send: (message) => sendText(JSON.stringify(message)),
      sendText,
      close,
    };
    room.add(participant);
    if (!existing) this.track(room);
    return { ok: true, value: { room, participant } };
  }

  /**
   * A join that proved the id's key takes the id back: same id, role, key and reported peers; the
   * old (perhaps half-open) socket is closed, and its leaving no longer counts.
   */
  private takeOver(room: Room, holder: Participant, watchesTelemetry: boolean, sendText: Participant['sendText'], close: Participant['close']): Participant {
    const participant: Participant = { ...holder, watchesTelemetry, send: (message) => sendText(JSON.stringify(message)), sendText, close };
    room.add(participant);
    holder.close();
    return participant;
  }

  /** Removes a participant (unless a reconnect took its place), announcing the new roster or dropping the room if it is now empty. */
  leave(room: Room, participant: Participant): void {
    if (room.get(participant.id) !== participant) return;
    const id = participant.id;
    room.remove(id);
    if (room.isEmpty) this.forget(room);
    else room.announceRoster();
  }

  dispose(): void {
    for (const room of this.rooms.values()) room.dispose();
    this.rooms.clear();
    this.roomsByCreator.clear();
  }

  private creationRefusal(address: string): { ok: false; error: ProtocolError } | null {
    if (this.rooms.size >= this.limits.maxRooms) {
      return refusal('too-many-rooms', `the server holds at most ${this.limits.maxRooms} rooms`);
    }
    if ((this.roomsByCreator.get(address) ?? 0) >= this.limits.maxRoomsPerAddress) {
      return refusal('too-many-rooms', `one address may have created at most ${this.limits.maxRoomsPerAddress} open rooms; join an existing room or leave one`);
    }
    return null;
  }

  private track(room: Room): void {
    this.rooms.set(room.name, room);
    this.roomsByCreator.set(room.creator, (this.roomsByCreator.get(room.creator) ?? 0) + 1);
  }

  private forget(room: Room): void {
    room.dispose();
    this.rooms.delete(room.name);
    const created = (this.roomsByCreator.get(room.creator) ?? 1) - 1;
    if (created > 0) this.roomsByCreator.set(room.creator, created);
    else this.roomsByCreator.delete(room.creator);
  }
}

/** Every ordered pair (a, b) of members where a has not reported b as connected. */
function describeGaps(gaps: ReadonlyArray<[MemberId, MemberId]>): string {
  const listed = gaps.slice(0, MAX_LISTED_GAPS).map(([a, b]) => `${a} is not connected to ${b}`);
  const more = gaps.length - listed.length;
  return more > 0 ? `${listed.join('; ')}; and ${more} more` : listed.join('; ');
}

function hashOf(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

function assignedId(room: Room): MemberId {
  for (;;) {
    let suffix = '';
    for (let i = 0; i < ASSIGNED_ID_LENGTH; i++) suffix += ASSIGNED_ID_ALPHABET[randomInt(ASSIGNED_ID_ALPHABET.length)];
    const id = `n-${suffix}`;
    if (!room.has(id)) return id;
  }
}

function refusal(code: ProtocolError['code'], message: string): { ok: false; error: ProtocolError } {
  return { ok: false, error: { code, message } };
}
