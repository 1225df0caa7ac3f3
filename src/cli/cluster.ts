// `chatterbox cluster`: a local cluster of headless nodes, one process each, and whether they agree.

import { NODE_PROCESS_FLAGS } from './node-flags';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { writeClusterTrace } from './cluster-trace-file';
import { fileURLToPath } from 'node:url';
import { createSignalingServer } from '../../signaling-server/server';
import { simMemberIds } from '../sim/simulate';
import { defineFlags, describeFlags, readFlags, UsageError, type FlagValues } from './flags';
import { CONFORMANCE_HELP, runConformance } from './conformance';
import type { CommandOutput } from './output';
import { checkedRoom, RUN_FLAGS, runParamsFromFlags, runParamsToArgs } from './run-flags';

const BIN = fileURLToPath(new URL('../../bin/chatterbox.js', import.meta.url));

const CLUSTER_FLAGS = defineFlags({
  nodes: { type: 'integer', value: 'N', min: 1, max: 32, default: 3, help: 'number of node processes' },
  ...RUN_FLAGS,
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

Starts a signaling server (unless --signal is given) and N headless nodes, one process each, in
one room; they form a WebRTC mesh, run, and this prints every node's result and whether they agree.

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
  if (flags.external !== undefined) return runConformance(flags, named, out);
  const room = checkedRoom(flags.room ?? `cluster-${randomBytes(4).toString('hex')}`);
  const traceDir = flags['trace-dir'];
  if (traceDir) createTraceDir(traceDir);
  const given = flags.signal;
  const server = given ? null : await createSignalingServer({ port: 0, host: '127.0.0.1' });
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
  const ids = simMemberIds(count);
  const params = runParamsFromFlags(flags);
  const traceDir = flags['trace-dir'];
  const verbose = flags.verbose;
  const done = new Set<string>();
  out.progress(`starting ${count} nodes in room ${room}`);
  const runs = ids.map((id) => {
    const nodeArgs = [BIN, 'node', '--signal', url, '--room', room, '--id', id, '--expect', String(count), '--json', ...runParamsToArgs(params)];
    if (traceDir) nodeArgs.push('--trace', `${traceDir}/${id}.jsonl`);
    if (verbose) nodeArgs.push('--verbose');
    if (flags['no-batching']) nodeArgs.push('--no-batching');
    return runChild(id, spawn(process.execPath, [...NODE_PROCESS_FLAGS, ...nodeArgs], { stdio: ['ignore', 'pipe', 'pipe'] }), verbose, out).then((outcome) => {
      done.add(id);
      out.progress(`${done.size}/${count} nodes finished`);
      return outcome;
    });
  });
  const outcomes = await Promise.all(runs);
  out.progress('');
  return outcomes;
}

function runChild(id: string, child: ChildProcess, verbose: boolean, out: CommandOutput): Promise<NodeOutcome> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (verbose) for (const line of chunk.split('\n').filter(Boolean)) out.stderr(`[${id}] ${line}`);
  });
  return new Promise((resolve) => {
    child.on('close', (exitCode) => resolve(parseOutcome(id, exitCode, stdout, stderr)));
  });
}

function parseOutcome(id: string, exitCode: number | null, stdout: string, stderr: string): NodeOutcome {
  try {
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '');
    return { id, count: result.count, checksum: result.checksum, exitCode };
  } catch {
    const lastError = stderr.trim().split('\n').pop() ?? 'no output';
    return { id, count: null, checksum: null, exitCode, error: lastError };
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
