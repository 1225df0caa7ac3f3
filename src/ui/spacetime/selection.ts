// What a click on the space-time diagram selects: a message (sender, serial), and everything of it
// the history holds — its DATA frames (every send and resend), the ACK of it from every receiver,
// and its commit on every node — plus the words a hover shows for a frame or a commit.

import type { MemberId } from '../../core';
import type { CommitMark, Flight } from '../timeline/flights';

/** A message of one sender's stream (FIN included: serial last + 1). */
export interface MessageId {
  sender: MemberId;
  seq: number;
}

/** The frames and commits of one message. */
export interface Highlight {
  message: MessageId;
  data: Set<Flight>;
  acks: Set<Flight>;
  commits: Set<CommitMark>;
}

/** The message a frame belongs to: a DATA or FIN is its sender's; an ACK acknowledges its recipient's. */
export function messageOfFlight(flight: Flight): MessageId {
  return { sender: flight.kind === 'ack' ? flight.to : flight.from, seq: flight.seq };
}

export function messageOfMark(mark: CommitMark): MessageId {
  return { sender: mark.from, seq: mark.seq };
}

/**
 * Everything of `message` among `flights` and `marks` (in time order) up to `until`: its DATA (or
 * FIN) frames; from each receiver, the ACKs of exactly its serial, or, when none was sent (ACKs are
 * cumulative, a later one can cover it), the first ACK covering it; and its commits.
 */
export function highlightOf(message: MessageId, flights: readonly Flight[], marks: readonly CommitMark[], until: number): Highlight {
  const highlight: Highlight = { message, data: new Set(), acks: new Set(), commits: new Set() };
  const covering = new Map<MemberId, Flight>();
  const exact = new Set<MemberId>();
  for (const flight of flights) {
    if (flight.start > until) continue;
    if (flight.kind !== 'ack') {
      if (flight.from === message.sender && flight.seq === message.seq) highlight.data.add(flight);
    } else if (flight.to === message.sender && flight.seq >= message.seq) {
      if (flight.seq === message.seq) {
        highlight.acks.add(flight);
        exact.add(flight.from);
      } else if (!covering.has(flight.from)) covering.set(flight.from, flight);
    }
  }
  for (const [receiver, ack] of covering) if (!exact.has(receiver)) highlight.acks.add(ack);
  for (const mark of marks) if (mark.start <= until && mark.from === message.sender && mark.seq === message.seq) highlight.commits.add(mark);
  return highlight;
}

/** "A#5": a message's name as the views print it. */
export function messageName(message: MessageId): string {
  return `${message.sender}#${message.seq}`;
}

/** Formats a moment of the timeline relative to `origin` (the run's start): "+1.234 s". */
export function relativeTime(time: number, origin: number): string {
  const seconds = (time - origin) / 1_000_000;
  return `${seconds >= 0 ? '+' : '−'}${Math.abs(seconds).toFixed(Math.abs(seconds) < 10 ? 4 : 3)} s`;
}

/** The lines a hover shows for a frame: what it is, serial, sentAt and value when it carries them. */
export function describeFlight(flight: Flight, origin: number): string[] {
  const kind = flight.kind.toUpperCase();
  const lines = [`${kind} ${flight.from} → ${flight.to}${flight.lost ? ' (lost)' : ''}`];
  if (flight.kind === 'ack') lines.push(`acks ${flight.to}'s serials up to ${flight.seq}`);
  else lines.push(`serial ${flight.seq}`);
  if (flight.sentAt !== undefined) lines.push(`sentAt ${flight.sentAt} µs`);
  if (flight.value !== undefined) lines.push(`value ${flight.value}`);
  lines.push(`sent ${relativeTime(flight.start, origin)}, ${flight.lost ? 'lost' : `arrived ${relativeTime(flight.end, origin)}`}`);
  return lines;
}

/** The lines a hover shows for a commit. */
export function describeMark(mark: CommitMark, origin: number): string[] {
  const lines = [`${mark.node} commits ${mark.from}#${mark.seq}`, `serial ${mark.seq}`];
  if (mark.sentAt !== undefined) lines.push(`sentAt ${mark.sentAt} µs`);
  if (mark.value !== undefined) lines.push(`value ${mark.value}`);
  lines.push(`at ${relativeTime(mark.start, origin)}`);
  return lines;
}
