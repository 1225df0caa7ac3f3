// `chatterbox nodes`: several headless nodes in one process, each run exactly as `chatterbox node` runs it.

import { defineFlags, describeFlags, readFlags, UsageError } from './flags';
import { createHeadlessNode, NODE_EXIT, readNodeArgs, type HeadlessNode, type NodeConfig } from './node';
import type { CommandOutput } from './output';
import { splitWords } from './words';

/** More nodes than this in one process gain nothing and crowd its one WebRTC stack. */
export const MAX_NODES_PER_PROCESS = 64;

const NODES_FLAGS = defineFlags({
  node: { type: 'strings', value: "'ARGS…'", help: `one node: the flags \`chatterbox node\` takes, as one word (repeatable, 1 to ${MAX_NODES_PER_PROCESS})` },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
});

export const NODES_HELP = `chatterbox nodes --node 'ARGS…' [--node 'ARGS…' …]

Runs several headless nodes in this one process, each exactly as \`chatterbox node ARGS…\` runs it:
its own key, signaling connection, mesh, runtime and result. Only the process is shared, and with
it one WebRTC stack (@roamhq/wrtc), whose threads and timers every \`chatterbox node\` process
otherwise starts on its own. \`chatterbox cluster --nodes-per-process K\` runs its nodes this way.

Every line a node writes is prefixed with its label, its --id (or its place, 1, 2, …, without
one): \`[n3] (count, checksum)\` on stdout, its logs on stderr; when a node has finished,
\`[n3] exit CODE\` on stderr, CODE being the exit code \`chatterbox node\` would have exited with.
'…' or "…" around a whole word of ARGS keeps its blanks; there is no other shell syntax.

${describeFlags(NODES_FLAGS)}

Exit code 0 if every node exited 0; else the first other code, in --node order; 2 bad flags
(every node's flags are checked before any node starts).`;

interface NodeEntry {
  label: string;
  config: NodeConfig;
}

export async function runNodes(args: readonly string[], out: CommandOutput): Promise<number> {
  const { values: flags } = readFlags(args, NODES_FLAGS);
  if (flags.help) {
    out.stdout(NODES_HELP);
    return 0;
  }
  const entries = nodeEntries(flags.node);
  const nodes: HeadlessNode[] = [];
  for (const { label, config } of entries) nodes.push(await createHeadlessNode(config, labelledOutput(label, out), entries.length));
  const interrupt = (): void => nodes.forEach((node) => node.interrupt());
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const holdOpen = untilAllDone(nodes.length);
  const codes = await Promise.all(
    nodes.map((node, i) =>
      node.run(holdOpen).then((code) => {
        out.stderr(`[${entries[i].label}] exit ${code}`);
        return code;
      }),
    ),
  );
  return codes.find((code) => code !== NODE_EXIT.done) ?? NODE_EXIT.done;
}

/**
 * Keeps every node's connections open until all `count` nodes are done. A node that closes its
 * connections while others still run leaves peers without the acks they wait for, and in a shared
 * process its closing (wrtc blocks the JavaScript thread for each connection) delays its siblings.
 */
function untilAllDone(count: number): () => Promise<void> {
  let left = count;
  let release: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (release = resolve));
  return () => {
    left -= 1;
    if (left === 0) release();
    return allDone;
  };
}

/** Each --node's flags, checked as `chatterbox node` checks them, with the label its lines carry. */
function nodeEntries(words: readonly string[]): NodeEntry[] {
  if (words.length === 0) throw new UsageError('give at least one --node');
  if (words.length > MAX_NODES_PER_PROCESS) throw new UsageError(`at most ${MAX_NODES_PER_PROCESS} --node in one process, got ${words.length}`);
  const entries = words.map((word, i) => nodeEntry(word, i));
  const labels = entries.map((e) => e.label);
  const repeated = labels.find((label, i) => labels.indexOf(label) !== i);
  if (repeated !== undefined) throw new UsageError(`two --node have the label ${repeated}: give each node its own --id`);
  return entries;
}

function nodeEntry(word: string, index: number): NodeEntry {
  const where = `--node ${index + 1}`;
  try {
    const config = readNodeArgs(splitWords(word, '--node'));
    if (config === 'help') throw new UsageError('--help belongs to chatterbox node --help, not to one --node');
    return { label: config.id ?? String(index + 1), config };
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${where}: ${error.message}`);
    throw error;
  }
}

/** A node's output within the shared process: each line prefixed `[label] `; no progress line (they would overwrite each other). */
function labelledOutput(label: string, out: CommandOutput): CommandOutput {
  return {
    stdout: (line) => out.stdout(`[${label}] ${line}`),
    stderr: (line) => out.stderr(`[${label}] ${line}`),
    progress: () => undefined,
  };
}
