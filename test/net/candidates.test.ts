// Nodes signal UDP candidates only: TCP candidates are left out (docs/SIGNALING.md, "ICE").

import { describe, expect, it } from 'vitest';
import { isTcpCandidate } from '../../src/net/candidates';

const candidate = (line: string) => ({ type: 'candidate', candidate: { candidate: line, sdpMLineIndex: 0, sdpMid: '0' } });

describe('isTcpCandidate', () => {
  it('recognises TCP host candidates, passive and active', () => {
    expect(isTcpCandidate(candidate('candidate:2398920056 1 tcp 1518214911 192.0.2.2 47565 typ host tcptype passive generation 0 network-id 1'))).toBe(true);
    expect(isTcpCandidate(candidate('candidate:1 1 TCP 1518214911 192.0.2.2 9 typ host tcptype active'))).toBe(true);
  });

  it('keeps UDP candidates of every type, and anything that is not a candidate', () => {
    expect(isTcpCandidate(candidate('candidate:3229573512 1 udp 2122194687 192.0.2.2 43003 typ host generation 0 network-id 1'))).toBe(false);
    expect(isTcpCandidate(candidate('candidate:9 1 udp 41885439 198.18.0.3 50000 typ relay raddr 0.0.0.0 rport 0'))).toBe(false);
    expect(isTcpCandidate({ type: 'offer', sdp: 'v=0 tcp' })).toBe(false);
    expect(isTcpCandidate({ type: 'candidate', candidate: {} })).toBe(false);
    expect(isTcpCandidate(null)).toBe(false);
  });
});
