// Merges the traces of a cluster's nodes into one cluster trace, every node's clock aligned to the
// reference node's by the fastest frame exchanges between them (docs/TRACE.md, "Cluster traces").

import { compareIds, type Frame, type MemberId } from '../core';
import type { TraceRecord } from './trace';

/** How one node's clock was mapped onto the reference node's. */
export interface ClockAlignment {
  node: MemberId;
  /** Subtracted from the node's `t` to get the reference clock (µs). */
  offsetUs: number;
  /** The round trip the estimate rests on (µs): the offset is exact to within half of it. */
  rttUs: number | null;
  /** The node whose clock this one was compared with (the reference itself for the reference). */
  via: MemberId;
}

export interface ClusterTrace {
  reference: MemberId;
  clocks: ClockAlignment[];
  /** Every node's records on the reference clock, in time order (each node's own order kept). */
  records: TraceRecord[];
}

/** The fastest observed one-way time from one node to another, each end on its own clock (µs). */
type OneWay = Map<string, number>;

/**
 * Aligns and merges per-node traces. For each ordered pair (a, b), `d(a→b)` is the least
 * `t(b receives X) − t(a first sends X)` over the frames X that a sent to b. With b's clock ahead
 * of a's by θ, `d(a→b) = δ + θ` and `d(b→a) = δ' − θ`, where δ and δ' are the fastest one-way
 * times; assuming they are equal (as NTP does), θ = (d(a→b) − d(b→a)) / 2, and the round trip
 * `d(a→b) + d(b→a)` bounds the error. Offsets are chained from the reference (the lowest id) along
 * the pairs with the shortest round trips; a node that exchanged no frames in both directions
 * with an aligned node keeps its own clock (offset 0, `rttUs` null).
 */
export function mergeClusterTrace(traces: readonly (readonly TraceRecord[])[]): ClusterTrace {
  const byNode = new Map<MemberId, TraceRecord[]>();
  for (const records of traces) for (const record of records) appendTo(byNode, record.node, record);
  const nodes = [...byNode.keys()].sort(compareIds);
  if (nodes.length === 0) return { reference: '', clocks: [], records: [] };
  const oneWay = fastestOneWay([...byNode.values()]);
  const clocks = alignClocks(nodes, oneWay);
  const offsets = new Map(clocks.map((c) => [c.node, c.offsetUs]));
  const records: TraceRecord[] = [];
  for (const node of nodes) for (const record of byNode.get(node)!) records.push({ ...record, t: record.t - offsets.get(node)! });
  records.sort((x, y) => x.t - y.t); // stable: a node's records keep their order at equal times
  return { reference: nodes[0], clocks, records };
}

/** The `clock` records that head a cluster trace file (docs/TRACE.md). */
export function clockRecords(trace: ClusterTrace): TraceRecord[] {
  const first = trace.records.length > 0 ? trace.records[0].t : 0;
  return trace.clocks.map((c) => ({ t: first, node: c.node, ev: 'clock', offsetUs: c.offsetUs, rttUs: c.rttUs, via: c.via }));
}

function fastestOneWay(perNode: readonly TraceRecord[][]): OneWay {
  const firstSend = new Map<string, number>();
  for (const records of perNode) {
    for (const r of records) {
      if (r.ev !== 'send') continue;
      const key = frameKey(r.node, r.to, r.frame);
      if (!firstSend.has(key)) firstSend.set(key, r.t);
    }
  }
  const oneWay: OneWay = new Map();
  for (const records of perNode) {
    for (const r of records) {
      if (r.ev !== 'recv') continue;
      const sent = firstSend.get(frameKey(r.from, r.node, r.frame));
      if (sent === undefined) continue;
      const pair = pairKey(r.from, r.node);
      const d = r.t - sent;
      const known = oneWay.get(pair);
      if (known === undefined || d < known) oneWay.set(pair, d);
    }
  }
  return oneWay;
}

/** Offsets from the reference outwards, always taking the aligned pair with the shortest round trip next (Prim's tree). */
function alignClocks(nodes: readonly MemberId[], oneWay: OneWay): ClockAlignment[] {
  const reference = nodes[0];
  const aligned = new Map<MemberId, ClockAlignment>([[reference, { node: reference, offsetUs: 0, rttUs: 0, via: reference }]]);
  for (;;) {
    const next = closestUnaligned(nodes, aligned, oneWay);
    if (!next) break;
    aligned.set(next.node, next);
  }
  return nodes.map((node) => aligned.get(node) ?? { node, offsetUs: 0, rttUs: null, via: node });
}

function closestUnaligned(nodes: readonly MemberId[], aligned: Map<MemberId, ClockAlignment>, oneWay: OneWay): ClockAlignment | null {
  let best: ClockAlignment | null = null;
  for (const node of nodes) {
    if (aligned.has(node)) continue;
    for (const [via, known] of aligned) {
      const there = oneWay.get(pairKey(via, node));
      const back = oneWay.get(pairKey(node, via));
      if (there === undefined || back === undefined) continue;
      const rttUs = there + back;
      if (best && rttUs >= best.rttUs!) continue;
      best = { node, offsetUs: known.offsetUs + Math.round((there - back) / 2), rttUs, via };
    }
  }
  return best;
}

/** A frame's identity across its sender's and receiver's records (resends share it). */
function frameKey(from: MemberId, to: MemberId, frame: Frame): string {
  const seq = 'seq' in frame ? frame.seq : 'nonce' in frame ? frame.nonce : '';
  return `${from}>${to}:${frame.kind}:${seq}`;
}

function pairKey(from: MemberId, to: MemberId): string {
  return `${from}>${to}`;
}

function appendTo(map: Map<MemberId, TraceRecord[]>, node: MemberId, record: TraceRecord): void {
  const list = map.get(node);
  if (list) list.push(record);
  else map.set(node, [record]);
}
