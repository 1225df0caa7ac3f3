// The `chatterbox` command: dispatches to its subcommands and turns errors into exit codes.

import { UsageError } from './flags';
import { processOutput, type CommandOutput } from './output';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

type Run = (args: readonly string[], out: CommandOutput) => number | Promise<number>;

/**
 * Each command's module is loaded only when that command runs, so a node starts without the bench,
 * simulator or server. `exitsWhenDone`: the process exits as soon as the command returns (a headless
 * node leaves its WebRTC connections for the exit to end: Session.leaveBeforeExit); otherwise it
 * exits when nothing is left to run (the signaling server runs on after its command returned).
 */
type Command = { summary: string; load: () => Promise<Run>; exitsWhenDone?: boolean };

const COMMANDS: Record<string, Command> = {
  bench: { summary: 'measure throughput, mesh formation, memory and the UI on this machine', load: async () => (await import('./bench')).runBenchCommand },
  cluster: { summary: 'run a local cluster of headless nodes and check they agree', load: async () => (await import('./cluster')).runCluster },
  node: { summary: 'run one headless node in a room (WebRTC)', load: async () => (await import('./node')).runNode, exitsWhenDone: true },
  nodes: { summary: 'run several headless nodes in one process (as cluster does)', load: async () => (await import('./nodes')).runNodes, exitsWhenDone: true },
  signal: { summary: 'run the signaling server (and the built UI)', load: async () => (await import('./signal')).runSignal },
  sim: { summary: 'run the protocol on a simulated, faulty network', load: async () => (await import('./sim')).runSim },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`);
  return `chatterbox: the Chatterbox broadcast protocol (docs/PROTOCOL.md)

Usage: chatterbox <command> [options]     chatterbox <command> --help

Commands:
${rows.join('\n')}`;
}

/** Whether the process running `argv` exits as soon as main returns (see Command). */
export function exitsWhenDone(argv: readonly string[]): boolean {
  return COMMANDS[argv[0] ?? '']?.exitsWhenDone === true;
}

export async function main(argv: readonly string[], out: CommandOutput = processOutput()): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.stdout(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    out.stderr(`chatterbox: unknown command ${JSON.stringify(name)} (try chatterbox --help)`);
    return EXIT.usage;
  }
  const run = await command.load();
  try {
    return await run(args, out);
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`chatterbox ${name}: ${error.message} (try chatterbox ${name} --help)`);
      return EXIT.usage;
    }
    throw error;
  }
}
