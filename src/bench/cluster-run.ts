// A local cluster for the bench: a signaling server here and N `chatterbox node` processes, one per node.

import { randomBytes } from 'node:crypto';
import { createSignalingServer } from '../../signaling-server/server';
import type { NodeTimeline } from '../cli/node';
import { runParamsToArgs } from '../cli/run-flags';
import { DEFAULT_PARAMS } from '../core';
import { simMemberIds } from '../sim/simulate';
import { mean, round } from '../sim/stats';
import { collect, lastJsonLine, spawnChatterbox } from './processes';

export interface ClusterOptions {
  nodes: number;
  sendForS: number;
  waitForS: number;
  window: number;
  batching: boolean;
  /** Whole-run limit: nodes still running then are killed and the run fails (all nodes are waited for). */
  timeoutMs: number;
  /** Node flags for every node process (e.g. --cpu-prof). */
  nodeFlags?: readonly string[];
}

/** What `chatterbox node --json` prints (the fields the bench uses). */
export interface NodeReport {
  id: string;
  count: number;
  checksum: string;
  complete: boolean;
  timeline: NodeTimeline;
  rssBytes: number;
}

export interface ClusterRun {
  options: ClusterOptions;
  nodes: NodeReport[];
  /** Every node completed with the same (count, checksum). */
  agree: boolean;
  /** Messages committed by every node (the agreed count when they agree). */
  agreedCount: number;
  /** Largest count minus smallest count. */
  spread: number;
}

export async function runLocalCluster(options: ClusterOptions): Promise<ClusterRun> {
  const server = await createSignalingServer({ port: 0, host: '127.0.0.1' });
  try {
    const room = `bench-${randomBytes(4).toString('hex')}`;
    const settled = await Promise.allSettled(simMemberIds(options.nodes).map((id) => runNode(options, server.url, room, id)));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return summarize(options, settled.map((s) => (s as PromiseFulfilledResult<NodeReport>).value));
  } finally {
    await server.close();
  }
}

async function runNode(options: ClusterOptions, url: string, room: string, id: string): Promise<NodeReport> {
  const params = { ...DEFAULT_PARAMS, sendForMs: options.sendForS * 1000, waitForMs: options.waitForS * 1000, window: options.window };
  const args = [
    'node', '--signal', url, '--room', room, '--id', id, '--expect', String(options.nodes), '--json',
    ...runParamsToArgs(params), '--connect-timeout', String(connectTimeoutS(options)),
  ];
  if (!options.batching) args.push('--no-batching');
  const outcome = await collect(spawnChatterbox(args, options.nodeFlags), options.timeoutMs);
  return lastJsonLine(outcome, `node ${id}`) as NodeReport;
}

/** Nodes give up on the mesh a little before the whole-run limit, so they say how far they got. */
function connectTimeoutS(options: ClusterOptions): number {
  return Math.max(1, Math.floor(options.timeoutMs / 1000 - options.sendForS - options.waitForS - 10));
}

function summarize(options: ClusterOptions, nodes: NodeReport[]): ClusterRun {
  const counts = nodes.map((n) => n.count);
  const first = nodes[0];
  return {
    options,
    nodes,
    agree: nodes.every((n) => n.complete && n.count === first.count && n.checksum === first.checksum),
    agreedCount: Math.min(...counts),
    spread: Math.max(...counts) - Math.min(...counts),
  };
}

/** Commits per second per sender: the agreed count shared by the senders over the send phase. */
export function commitsPerSenderPerSec(run: ClusterRun): number {
  return run.agreedCount / run.options.nodes / run.options.sendForS;
}

export interface MeshFormation {
  /** Earliest process start to the last node's run start (the run starts once the mesh is complete). */
  formationMs: number;
  /** Last node joined the room to the last run start: the mesh alone, without process start-up. */
  meshOnlyMs: number;
  /** Process start to joining the room (loading, TypeScript, wrtc, WebSocket), mean and slowest over the nodes. */
  joinMeanMs: number;
  joinMaxMs: number;
  rssMeanMB: number;
  rssMaxMB: number;
}

export function meshFormation(run: ClusterRun): MeshFormation {
  const timelines = run.nodes.map((n) => n.timeline);
  const lastRunStart = Math.max(...timelines.map((t) => t.runStartMs ?? NaN));
  const rss = run.nodes.map((n) => n.rssBytes / 2 ** 20);
  const joins = timelines.map((t) => (t.joinedMs ?? NaN) - t.processStartMs);
  return {
    formationMs: lastRunStart - Math.min(...timelines.map((t) => t.processStartMs)),
    meshOnlyMs: lastRunStart - Math.max(...timelines.map((t) => t.joinedMs ?? NaN)),
    joinMeanMs: Math.round(mean(joins)),
    joinMaxMs: Math.max(...joins),
    rssMeanMB: round(mean(rss), 1),
    rssMaxMB: round(Math.max(...rss), 1),
  };
}

