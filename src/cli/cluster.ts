// `chatterbox cluster`: a local cluster of headless nodes, K to a process, and whether they agree.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeClusterTrace } from './cluster-trace-file';
import { NODE_PROCESS_FLAGS } from './node-flags';
import { createSignalingServer } from '../../signaling-server/server';
import { DEFAULT_PARAMS } from '../core';
import { simMemberIds } from '../sim/simulate';
import { defineFlags, describeFlags, readFlags, UsageError, type FlagValues } from './flags';
import { CONFORMANCE_HELP, runConformance } from './conformance';
import { clusterIcePorts, defaultClusterWaitSeconds, defaultNodesPerProcess, WAIT_SECONDS_DIVISOR, MAX_CLUSTER_NODES, MAX_CONNECTIONS_PER_PROCESS, runNodeProcesses, type NodeOutput } from './node-processes';
import { MAX_NODES_PER_PROCESS } from './nodes';
import type { CommandOutput } from './output';
import { checkedRoom, RUN_FLAGS, runParamsFromFlags, runParamsToArgs } from './run-flags';

const BIN = fileURLToPath(new URL('../../bin/chatterbox.js', import.meta.url));

const CLUSTER_FLAGS = defineFlags({
  nodes: { type: 'integer', value: 'N', min: 1, max: MAX_CLUSTER_NODES, default: 3, help: 'number of nodes' },
  'nodes-per-process': { type: 'integer', value: 'K', min: 1, max: MAX_NODES_PER_PROCESS, help: `nodes that share one process and its WebRTC stack; 1: a process per node (default: one process per CPU core, at most ${MAX_CONNECTIONS_PER_PROCESS} connections to a process)` },
  ...RUN_FLAGS,
  'wait-for': { type: 'number', value: 'SECONDS', min: 0, max: RUN_FLAGS['wait-for'].max, help: `length of the wait phase (default: the longer of ${DEFAULT_PARAMS.waitForMs / 1000} s and N² / ${WAIT_SECONDS_DIVISOR} s: 2 s at 32 nodes)` },
  'connect-timeout': { type: 'number', value: 'SECONDS', min: 1, max: 3600, help: 'a node gives up if its run has not started by then (default: 60 + 3 per node)' },
  signal: { type: 'string', value: 'URL', help: 'use this signaling server instead of starting one' },
  room: { type: 'string', value: 'NAME', help: 'room name (default: a random one)' },
  'trace-dir': { type: 'string', value: 'DIR', help: 'write each node\'s trace to DIR/<id>.jsonl, and all of them merged to DIR/cluster.jsonl (DIR is created)' },
  json: { type: 'boolean', help: 'print { nodes: [{ id, count, checksum }], agree } as JSON' },
  'no-batching': { type: 'boolean', help: 'nodes send every frame on its own (the plain protocol)' },
  verbose: { type: 'boolean', short: 'v', help: 'pass the nodes\' logs through to stderr' },
  external: { type: 'string', value: "'CMD ARGS…'", help: 'conformance harness: run the matrix below with another implementation of a node' },
  case: { type: 'strings', value: 'NAME', help: 'with --external: run only this case (repeatable)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
});

export type ClusterFlags = FlagValues<typeof CLUSTER_FLAGS>;

export const CLUSTER_HELP = `chatterbox cluster [options]

Starts a signaling server (unless --signal is given) and N headless nodes in one room, K nodes to a
process (\`chatterbox nodes\`; each node is a full node: its own key, signaling connection, mesh and
result); they form a WebRTC mesh, run, and this prints every node's result and whether they agree.
A server given with --signal must admit N members to a room (\`chatterbox signal\` admits 32).

${describeFlags(CLUSTER_FLAGS)}

Exit code 0 only if every node finished and all results are equal; 1 otherwise; 2 bad flags.

${CONFORMANCE_HELP}
With --external, exit code 0 only if every case agrees; 1 otherwise; 2 bad flags.`;

interface NodeOutcome {
  id: string;
  count: number | null;
  checksum: string | null;
  exitCode: number | null;
  error?: string;
}

export async function runCluster(args: readonly string[], out: CommandOutput): Promise<number> {
  const { values: flags, given: named } = readFlags(args, CLUSTER_FLAGS);
  if (flags.help) {
    out.stdout(CLUSTER_HELP);
    return 0;
  }
  if (flags.case.length > 0 && flags.external === undefined) throw new UsageError('--case needs --external');
  if (flags.external !== undefined) {
    for (const flag of ['nodes-per-process', 'connect-timeout'] as const) {
      if (named.has(flag)) throw new UsageError(`--${flag} does not apply to --external (the matrix runs a process per node, with its own timeouts)`);
    }
    return runConformance(flags, named, out);
  }
  const room = checkedRoom(flags.room ?? `cluster-${randomBytes(4).toString('hex')}`);
  const traceDir = flags['trace-dir'];
  if (traceDir) createTraceDir(traceDir);
  const given = flags.signal;
  const server = given ? null : await createSignalingServer({ port: 0, host: '127.0.0.1', maxMembersPerRoom: MAX_CLUSTER_NODES });
  try {
    const url = given ?? server!.url;
    const outcomes = await runNodes(flags, url, room, out);
    if (traceDir) writeClusterTrace(traceDir, outcomes.map((o) => o.id), out);
    return printOutcomes(outcomes, flags.json, out);
  } finally {
    await server?.close();
  }
}

/** Creates --trace-dir (and its parents) so every node can write its trace there. */
function createTraceDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`--trace-dir ${dir}: cannot create it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

async function runNodes(flags: ClusterFlags, url: string, room: string, out: CommandOutput): Promise<NodeOutcome[]> {
  const count = flags.nodes;
  const params = runParamsFromFlags({ ...flags, 'wait-for': flags['wait-for'] ?? defaultClusterWaitSeconds(count) });
  const traceDir = flags['trace-dir'];
  const verbose = flags.verbose;
  const perProcess = Math.min(flags['nodes-per-process'] ?? defaultNodesPerProcess(count), count);
  const connections = perProcess * (count - 1);
  if (connections > MAX_CONNECTIONS_PER_PROCESS) {
    out.stderr(`--nodes-per-process ${perProcess} puts ${connections} WebRTC connections in one process, about 20 file descriptors each: a process may run out of them (ulimit -n)`);
  }
  let done = 0;
  const processes = Math.ceil(count / perProcess);
  out.progress(`starting ${count} nodes in ${processes} process${processes === 1 ? '' : 'es'}, in room ${room}`);
  const ports = clusterIcePorts(count);
  const connectTimeoutS = flags['connect-timeout'] ?? 60 + 3 * count; // a 64-node mesh took over 3 minutes on a busy 2-core machine
  const launches = simMemberIds(count).map((id, i) => {
    const args = ['--signal', url, '--room', room, '--id', id, '--expect', String(count), '--ice-ports', ports[i], '--connect-timeout', String(connectTimeoutS), '--json', ...runParamsToArgs(params)];
    if (traceDir) args.push('--trace', `${traceDir}/${id}.jsonl`);
    if (verbose) args.push('--verbose');
    if (flags['no-batching']) args.push('--no-batching');
    return { id, args };
  });
  const outputs = await runNodeProcesses(launches, {
    perProcess,
    spawn: (args) => spawn(process.execPath, [...NODE_PROCESS_FLAGS, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }),
    onLog: verbose ? (who, line) => out.stderr(`[${who}] ${line}`) : undefined,
    onDone: () => out.progress(`${(done += 1)}/${count} nodes finished`),
  });
  out.progress('');
  return outputs.map(parseOutcome);
}

function parseOutcome({ id, code, stdout, stderr }: NodeOutput): NodeOutcome {
  try {
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '');
    return { id, count: result.count, checksum: result.checksum, exitCode: code };
  } catch {
    const lastError = stderr.trim().split('\n').pop() ?? 'no output';
    return { id, count: null, checksum: null, exitCode: code, error: lastError };
  }
}

function printOutcomes(outcomes: NodeOutcome[], json: boolean, out: CommandOutput): number {
  const first = outcomes[0];
  const agree = outcomes.every((o) => o.exitCode === 0 && o.count !== null && o.count === first.count && o.checksum === first.checksum);
  if (json) {
    out.stdout(JSON.stringify({ nodes: outcomes.map(({ id, count, checksum }) => ({ id, count, checksum })), agree }));
  } else {
    const width = Math.max(...outcomes.map((o) => String(o.count ?? '-').length), 5);
    out.stdout(`${'id'.padEnd(6)}${'count'.padStart(width)}  checksum`);
    for (const o of outcomes) {
      const detail = o.error ? `  (exit ${o.exitCode}: ${o.error})` : o.exitCode === 0 ? '' : `  (exit ${o.exitCode})`;
      out.stdout(`${o.id.padEnd(6)}${String(o.count ?? '-').padStart(width)}  ${o.checksum ?? '-'}${detail}`);
    }
    out.stdout(agree ? 'agree' : 'DISAGREE');
  }
  return agree ? 0 : 1;
}
