// The ICE candidate pair a connection selected, in words: shows whether a link is direct or relayed by TURN.

/** One entry of a standard getStats() report (only the fields read here). */
export interface StatsEntry {
  id: string;
  type: string;
  selectedCandidatePairId?: string;
  localCandidateId?: string;
  remoteCandidateId?: string;
  selected?: boolean;
  nominated?: boolean;
  state?: string;
  candidateType?: string;
  address?: string;
  ip?: string;
  port?: number;
  protocol?: string;
}

/** A getStats() report as a list (wrtc's report has forEach, as the standard maplike does). */
export function statsEntries(report: RTCStatsReport): StatsEntry[] {
  const entries: StatsEntry[] = [];
  report.forEach((entry: StatsEntry) => entries.push(entry));
  return entries;
}

/**
 * "relay 198.18.0.1:50123/udp -> srflx 198.18.0.3:41000/udp": the selected pair's local and remote
 * candidates (type, address, protocol), or null while none is selected.
 */
export function describeSelectedPair(entries: readonly StatsEntry[]): string | null {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const pair = selectedPair(entries, byId);
  if (!pair?.localCandidateId || !pair.remoteCandidateId) return null;
  const local = byId.get(pair.localCandidateId);
  const remote = byId.get(pair.remoteCandidateId);
  if (!local || !remote) return null;
  return `${describeCandidate(local)} -> ${describeCandidate(remote)}`;
}

/** The transport's selected pair (the standard), else a pair marked selected (Firefox) or nominated and succeeded. */
function selectedPair(entries: readonly StatsEntry[], byId: Map<string, StatsEntry>): StatsEntry | undefined {
  const transport = entries.find((entry) => entry.type === 'transport' && entry.selectedCandidatePairId);
  if (transport) return byId.get(transport.selectedCandidatePairId!);
  const pairs = entries.filter((entry) => entry.type === 'candidate-pair');
  return pairs.find((pair) => pair.selected) ?? pairs.find((pair) => pair.nominated && pair.state === 'succeeded');
}

function describeCandidate(candidate: StatsEntry): string {
  // A remote peer-reflexive candidate's address is hidden by browsers and wrtc: shown as '?'.
  return `${candidate.candidateType ?? 'unknown'} ${candidate.address || candidate.ip || '?'}:${candidate.port ?? '?'}/${candidate.protocol ?? '?'}`;
}
