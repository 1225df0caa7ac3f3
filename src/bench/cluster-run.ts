// A local cluster for the bench: a signaling server here and N nodes, K to a `chatterbox nodes` process.

import { randomBytes } from 'node:crypto';
import { createSignalingServer } from '../../signaling-server/server';
import type { NodeTimeline } from '../cli/node';
import { clusterIcePorts, defaultNodesPerProcess, MAX_CLUSTER_NODES, runNodeProcesses } from '../cli/node-processes';
import { runParamsToArgs } from '../cli/run-flags';
import { DEFAULT_PARAMS } from '../core';
import { simMemberIds } from '../sim/simulate';
import { mean, round } from '../sim/stats';
import { lastJsonLine, spawnChatterbox } from './processes';

export interface ClusterOptions {
  nodes: number;
  sendForS: number;
  waitForS: number;
  window: number;
  batching: boolean;
  /** Whole-run limit: nodes still running then are killed and the run fails (all nodes are waited for). */
  timeoutMs: number;
  /** Nodes that share one process (default: as `chatterbox cluster`). */
  nodesPerProcess?: number;
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
  /** Resident memory of the node's process, shared by its `nodesInProcess` nodes. */
  rssBytes: number;
  nodesInProcess: number;
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
  const server = await createSignalingServer({ port: 0, host: '127.0.0.1', maxMembersPerRoom: MAX_CLUSTER_NODES });
  try {
    const room = `bench-${randomBytes(4).toString('hex')}`;
    const ports = clusterIcePorts(options.nodes);
    const launches = simMemberIds(options.nodes).map((id, i) => ({ id, args: [...nodeArgs(options, server.url, room, id), '--ice-ports', ports[i]] }));
    const outputs = await runNodeProcesses(launches, {
      perProcess: options.nodesPerProcess ?? defaultNodesPerProcess(options.nodes),
      spawn: (args) => spawnChatterbox(args, options.nodeFlags),
      timeoutMs: options.timeoutMs,
    });
    return summarize(options, outputs.map((output) => lastJsonLine(output, `node ${output.id}`) as NodeReport));
  } finally {
    await server.close();
  }
}

function nodeArgs(options: ClusterOptions, url: string, room: string, id: string): string[] {
  const params = { ...DEFAULT_PARAMS, sendForMs: options.sendForS * 1000, waitForMs: options.waitForS * 1000, window: options.window };
  const args = [
    '--signal', url, '--room', room, '--id', id, '--expect', String(options.nodes), '--json',
    ...runParamsToArgs(params), '--connect-timeout', String(connectTimeoutS(options)),
  ];
  if (!options.batching) args.push('--no-batching');
  return args;
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
  /** Process start to joining the room (loading, wrtc, WebSocket, key), mean and slowest over the nodes. */
  joinMeanMs: number;
  joinMaxMs: number;
  /** Nodes per `chatterbox nodes` process (the largest; the nodes are spread evenly). */
  nodesPerProcess: number;
  /** The processes' resident memory over their nodes, mean over the nodes. */
  rssPerNodeMB: number;
  /** A process's resident memory at its nodes' end, mean and largest. */
  rssPerProcessMeanMB: number;
  rssPerProcessMaxMB: number;
  /** Every node completed the run with the same (count, checksum). */
  agree: boolean;
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
    nodesPerProcess: Math.max(...run.nodes.map((n) => n.nodesInProcess)),
    rssPerNodeMB: round(mean(run.nodes.map((n, i) => rss[i] / n.nodesInProcess)), 1),
    rssPerProcessMeanMB: round(mean(rss), 1),
    rssPerProcessMaxMB: round(Math.max(...rss), 1),
    agree: run.agree,
  };
}
