// The selected ICE candidate pair in words: what `chatterbox node -v` logs to show a link is direct or relayed.

import { describe, expect, it } from 'vitest';
import { describeSelectedPair, type StatsEntry } from '../../src/net/candidate-pair';

const relayLocal: StatsEntry = { id: 'L1', type: 'local-candidate', candidateType: 'relay', address: '198.18.0.1', port: 50123, protocol: 'udp' };
const hostLocal: StatsEntry = { id: 'L2', type: 'local-candidate', candidateType: 'host', address: '10.0.1.2', port: 40000, protocol: 'udp' };
const relayRemote: StatsEntry = { id: 'R1', type: 'remote-candidate', candidateType: 'relay', address: '198.18.0.1', port: 50200, protocol: 'udp' };
const pairs: StatsEntry[] = [
  { id: 'P1', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1', state: 'failed' },
  { id: 'P2', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', state: 'succeeded', nominated: true },
];

describe('describeSelectedPair', () => {
  it("names the transport's selected pair (the standard, as Chromium and wrtc report it)", () => {
    const transport: StatsEntry = { id: 'T', type: 'transport', selectedCandidatePairId: 'P2' };
    expect(describeSelectedPair([relayLocal, hostLocal, relayRemote, ...pairs, transport])).toBe('relay 198.18.0.1:50123/udp -> relay 198.18.0.1:50200/udp');
  });

  it('falls back to a pair marked selected (Firefox), then to a nominated pair that succeeded', () => {
    const firefoxPairs = [{ ...pairs[0], selected: true, state: 'succeeded' }, pairs[1]];
    expect(describeSelectedPair([relayLocal, hostLocal, relayRemote, ...firefoxPairs])).toBe('host 10.0.1.2:40000/udp -> relay 198.18.0.1:50200/udp');
    expect(describeSelectedPair([relayLocal, hostLocal, relayRemote, ...pairs])).toBe('relay 198.18.0.1:50123/udp -> relay 198.18.0.1:50200/udp');
  });

  it('is null while no pair is selected', () => {
    expect(describeSelectedPair([relayLocal, relayRemote, pairs[0]])).toBeNull();
  });
});
