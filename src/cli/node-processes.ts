// A local cluster's nodes as `chatterbox nodes` processes, K nodes in each: starts them, and sorts
// what each process prints back to its nodes (every line carries its node's label: src/cli/nodes.ts).

import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { DEFAULT_PARAMS } from '../core';
import { PORTS_PER_CONNECTION } from '../net/node-transport';
import { joinWords } from './words';

/** One node to start: its id and the flags `chatterbox node` takes (including `--id ID`). */
export interface NodeLaunch {
  id: string;
  args: readonly string[];
}

/** What one node printed, and how it ended. */
export interface NodeOutput {
  id: string;
  /** The node's exit code; its process's (null if killed) when the node never said. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Its process was killed at `timeoutMs`. */
  timedOut: boolean;
}

export interface NodeProcessOptions {
  /** Nodes per process (the last processes may hold one fewer: the nodes are spread evenly). */
  perProcess: number;
  /** Starts `chatterbox ARGS…` as a child process with stdout and stderr piped. */
  spawn: (args: string[]) => ChildProcess;
  /** Processes still running then are killed, and their unfinished nodes marked timed out. */
  timeoutMs?: number;
  /** Each line of a node's stderr as it comes; `who` is its id, or `n1…n8` for a line of the whole process. */
  onLog?: (who: string, line: string) => void;
  /** A node finished (or its process ended). */
  onDone?: (output: NodeOutput) => void;
}

/** The largest local cluster (`chatterbox cluster --nodes`); its embedded server admits this many members to a room. */
export const MAX_CLUSTER_NODES = 64;

/**
 * Connections one process holds at most by default. Each takes about 20 file descriptors (8
 * sockets, and two threads of wrtc's with an event loop each): 992 of them (32 nodes of a 32-node
 * mesh) ran out of this machine's 20,000.
 */
export const MAX_CONNECTIONS_PER_PROCESS = 512;

/**
 * Nodes per second² of wait phase: a cluster waits max(1 s, N² / this) by default. Its nodes share
 * this machine's cores, and the wait phase must hold the last round and the FIN round (plus the
 * nodes' start skew). A round moves 2N(N − 1) frames; two cores carry about 5,000 a second through
 * wrtc, so at 32 nodes a round takes 0.3-0.45 s, and a 1 s wait phase let 3 runs in 4 settle
 * (BENCHMARKS.md, "32 nodes agree").
 */
export const WAIT_SECONDS_DIVISOR = 512;

/** The wait phase a cluster of `count` nodes runs with when --wait-for is not given: 1 s up to 22 nodes, 2 s at 32, 8 s at 64. */
export function defaultClusterWaitSeconds(count: number): number {
  return Math.max(DEFAULT_PARAMS.waitForMs / 1000, (count * count) / WAIT_SECONDS_DIVISOR);
}

/**
 * Nodes per process unless told: spread over one process per CPU core (each process has one
 * JavaScript thread and one WebRTC stack), but with at most MAX_CONNECTIONS_PER_PROCESS
 * connections in one. On two cores, 16 nodes formed their mesh fastest 8 to a process and 32
 * nodes 16 to a process (BENCHMARKS.md, "Mesh formation").
 */
export function defaultNodesPerProcess(nodes: number, cores = availableParallelism()): number {
  const perCore = Math.ceil(nodes / Math.max(1, cores));
  const byConnections = Math.floor(MAX_CONNECTIONS_PER_PROCESS / Math.max(1, nodes - 1));
  return Math.max(1, Math.min(perCore, byConnections));
}

/**
 * Where a local cluster's nodes bind their WebRTC sockets: below the ports Linux hands out to
 * every other program (32768 and up), so another program rarely holds one of ours.
 */
const CLUSTER_PORTS = { min: 10_000, max: 32_767 };

/**
 * `--ice-ports` for each of `count` nodes: disjoint blocks, each with room for two connection
 * attempts to every peer, starting at a random place (two clusters at once rarely overlap).
 */
export function clusterIcePorts(count: number): string[] {
  const block = Math.max(2, count - 1) * 2 * PORTS_PER_CONNECTION;
  const room = CLUSTER_PORTS.max - CLUSTER_PORTS.min + 1 - count * block;
  const start = CLUSTER_PORTS.min + Math.floor(Math.random() * (Math.max(0, room) + 1));
  return Array.from({ length: count }, (_, i) => `${start + i * block}-${start + (i + 1) * block - 1}`);
}

const LABELLED_LINE = /^\[([A-Za-z0-9_-]{1,32})\] (.*)$/;
const EXIT_LINE = /^exit (\d+)$/;

/** Starts every node, `perProcess` to a process, and resolves with each node's output, in the order given. */
export function runNodeProcesses(launches: readonly NodeLaunch[], options: NodeProcessOptions): Promise<NodeOutput[]> {
  const groups = spreadEvenly(launches, options.perProcess);
  return Promise.all(groups.map((group) => runGroup(group, options))).then((outputs) => outputs.flat());
}

/** Splits `items` into ceil(n / size) consecutive groups whose sizes differ by at most one. */
export function spreadEvenly<T>(items: readonly T[], size: number): T[][] {
  const count = Math.ceil(items.length / size);
  const groups: T[][] = [];
  let start = 0;
  for (let i = 0; i < count; i += 1) {
    const length = Math.floor(items.length / count) + (i < items.length % count ? 1 : 0);
    groups.push(items.slice(start, start + length));
    start += length;
  }
  return groups;
}

function runGroup(group: readonly NodeLaunch[], options: NodeProcessOptions): Promise<NodeOutput[]> {
  const outputs = new Map(group.map(({ id }) => [id, { id, code: null, stdout: '', stderr: '', timedOut: false } as NodeOutput]));
  const finished = new Set<string>();
  const processLabel = group.length === 1 ? group[0].id : `${group[0].id}…${group[group.length - 1].id}`;
  const child = options.spawn(['nodes', ...group.flatMap(({ args }) => ['--node', joinWords(args)])]);
  const finish = (output: NodeOutput): void => {
    if (finished.has(output.id)) return;
    finished.add(output.id);
    options.onDone?.(output);
  };
  const onStderrLine = (line: string): void => {
    const labelled = LABELLED_LINE.exec(line);
    const output = labelled ? outputs.get(labelled[1]) : undefined;
    if (!labelled || !output) {
      for (const each of outputs.values()) each.stderr += line + '\n';
      options.onLog?.(processLabel, line);
      return;
    }
    const exit = EXIT_LINE.exec(labelled[2]);
    if (exit && !finished.has(output.id)) {
      output.code = Number(exit[1]);
      finish(output);
      return;
    }
    output.stderr += labelled[2] + '\n';
    options.onLog?.(output.id, labelled[2]);
  };
  const onStdoutLine = (line: string): void => {
    const labelled = LABELLED_LINE.exec(line);
    const output = labelled ? outputs.get(labelled[1]) : undefined;
    if (output) output.stdout += labelled![2] + '\n';
    else for (const each of outputs.values()) each.stderr += line + '\n'; // not a node's: the process's own
  };
  readLines(child.stdout!, onStdoutLine);
  readLines(child.stderr!, onStderrLine);
  let timedOut = false;
  const timer = options.timeoutMs === undefined ? null : setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      for (const output of outputs.values()) {
        if (finished.has(output.id)) continue;
        output.code = code;
        output.timedOut = timedOut;
        finish(output);
      }
      resolve([...outputs.values()]);
    });
  });
}

/** Calls `onLine` with each complete line of `stream` (and the last one, unterminated, at its end). */
function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}
