// The trace format (JSON Lines, one event per line) written by nodes and the simulator; see docs/TRACE.md.
// The record type and its mapping to and from the reducer live in the core (src/core/trace.ts).

export { traceLine, type TraceRecord } from '../core';
