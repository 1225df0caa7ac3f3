// Which ICE candidates a node signals: UDP only. TCP host candidates are left out (docs/SIGNALING.md, "ICE").

/**
 * Whether a simple-peer signal is an ICE candidate over TCP (`candidate:… 1 tcp …`). With many
 * peer connections in one process, @roamhq/wrtc hands the first connection the TCP candidates of
 * every later one: at 31 connections it gathered 1,236 candidates, 1,112 of them TCP, where UDP
 * needs 4 per connection. Relay candidates are UDP even when the client reaches TURN over TCP.
 */
export function isTcpCandidate(signal: unknown): boolean {
  if (typeof signal !== 'object' || signal === null) return false;
  const { type, candidate } = signal as { type?: unknown; candidate?: unknown };
  if (type !== 'candidate' || typeof candidate !== 'object' || candidate === null) return false;
  const line = (candidate as { candidate?: unknown }).candidate;
  return typeof line === 'string' && transportOf(line) === 'tcp';
}

/** The transport field of an SDP candidate line: `candidate:<foundation> <component> <transport> …`. */
function transportOf(line: string): string | null {
  const fields = line.trim().split(/\s+/);
  return fields.length >= 3 ? fields[2].toLowerCase() : null;
}
