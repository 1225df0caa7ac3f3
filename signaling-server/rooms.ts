// Signaling rooms: who is in which room, the links they report, link shaping, the run in progress,
// and the budgets that keep one client from making a room or the server work for it.

import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  compareIds,
  meshGaps,
  sortedMembers,
  type JoinMessage,
  type MemberId,
  type LinkShape,
  type ProtocolError,
  type Role,
  type RosterLink,
  type RosterMessage,
  type RunInfo,
  type ServerMessage,
  type StartMessage,
  type StartNotice,
} from '../src/signaling';

/** Grace added to a run's send and wait phases before the server considers it over. */
export const RUN_GRACE_MS = 10_000;
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
  send(message: ServerMessage): void;
  /** Sends an already serialised message (a broadcast serialises once for the whole room). */
  sendText(text: string): void;
  /** The secret a reconnect presents to take this id back (sent in `welcome`). */
  readonly resume: string;
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
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

export class Room {
  private readonly participants = new Map<MemberId, Participant>();
  private readonly links = new Map<string, RosterLink>();
  private run: RunInfo | null = null;
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
  ) {}

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

  /** Removes a participant; the run ends once none of its members is left. */
  remove(id: MemberId): void {
    this.participants.delete(id);
    if (this.run && !this.run.members.some((member) => this.participants.get(member)?.role === 'member')) {
      this.endRun();
    }
  }

  broadcast(message: ServerMessage, exceptId?: MemberId): void {
    const text = JSON.stringify(message);
    for (const participant of this.participants.values()) {
      if (participant.id !== exceptId) participant.sendText(text);
    }
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
      members: this.withRole('member').map((p) => ({ id: p.id, connected: p.connected })),
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

  /** Starts a run if the requester may, no run is in progress, and the members' mesh is complete. */
  startRun(requester: Participant, request: StartMessage, now: number): Outcome<StartNotice> {
    if (requester.role !== 'member') return refusal('forbidden', 'only members can start a run');
    if (this.run) return refusal('run-in-progress', `run ${this.run.runId} is still in progress`);
    const members = this.runMembers(requester, request.members);
    if (!members.ok) return members;
    const gaps = meshGaps(members.value);
    if (gaps.length > 0) return refusal('mesh-incomplete', describeGaps(gaps));
    const run: RunInfo = {
      runId: randomUUID(),
      run: randomInt(1, 2 ** 32),
      members: members.value.map((p) => p.id),
      params: request.params,
      startedAt: now,
    };
    this.beginRun(run);
    const notice: StartNotice = {
      type: 'start',
      runId: run.runId,
      run: run.run,
      members: run.members,
      params: run.params,
      startedBy: requester.id,
    };
    return { ok: true, value: notice };
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

  constructor(private readonly limits: RoomLimits) {}

  get roomCount(): number {
    return this.rooms.size;
  }

  find(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  /** Adds a participant from `address` to the requested room (without announcing it) or says why it cannot join. */
  admit(join: JoinMessage, address: string, sendText: Participant['sendText'], close: Participant['close']): Outcome<{ room: Room; participant: Participant }> {
    const existing = this.rooms.get(join.room);
    if (!existing) {
      const refused = this.creationRefusal(address);
      if (refused) return refused;
    }
    const room = existing ?? new Room(join.room, address, 1000 / this.limits.rostersPerSecond);
    const holder = join.id === undefined ? undefined : room.get(join.id);
    if (holder && join.resume !== undefined && join.resume === holder.resume && join.role === holder.role) {
      return { ok: true, value: { room, participant: this.takeOver(room, holder, sendText, close) } };
    }
    if (holder) return refusal('duplicate-id', `${join.id} is already taken in room ${join.room}`);
    const capacity = join.role === 'member' ? this.limits.maxMembersPerRoom : this.limits.maxObserversPerRoom;
    if (room.count(join.role) >= capacity) {
      return refusal('room-full', `room ${join.room} already has ${capacity} ${join.role}s`);
    }
    const participant: Participant = {
      id: join.id ?? assignedId(room),
      role: join.role,
      connected: [],
      send: (message) => sendText(JSON.stringify(message)),
      sendText,
      resume: randomBytes(16).toString('hex'),
      close,
    };
    room.add(participant);
    if (!existing) this.track(room);
    return { ok: true, value: { room, participant } };
  }

  /**
   * A reconnect with the right resume token takes the id back: same id, role, token and reported
   * peers; the old (perhaps half-open) socket is closed, and its leaving no longer counts.
   */
  private takeOver(room: Room, holder: Participant, sendText: Participant['sendText'], close: Participant['close']): Participant {
    const participant: Participant = { ...holder, send: (message) => sendText(JSON.stringify(message)), sendText, close };
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
