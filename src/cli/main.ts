// The `chatterbox` command: dispatches to its subcommands and turns errors into exit codes.

import { UsageError } from './flags';
import { processOutput, type CommandOutput } from './output';
import { runBenchCommand } from './bench';
import { runCluster } from './cluster';
import { runNode } from './node';
import { runSignal } from './signal';
import { runSim } from './sim';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

type Command = { summary: string; run: (args: readonly string[], out: CommandOutput) => number | Promise<number> };

const COMMANDS: Record<string, Command> = {
  bench: { summary: 'measure throughput, mesh formation, memory and the UI on this machine', run: runBenchCommand },
  cluster: { summary: 'run a local cluster of headless nodes and check they agree', run: runCluster },
  node: { summary: 'run one headless node in a room (WebRTC)', run: runNode },
  signal: { summary: 'run the signaling server (and the built UI)', run: runSignal },
  sim: { summary: 'run the protocol on a simulated, faulty network', run: runSim },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`);
  return `chatterbox: the Chatterbox broadcast protocol (docs/PROTOCOL.md)

Usage: chatterbox <command> [options]     chatterbox <command> --help

Commands:
${rows.join('\n')}`;
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
  try {
    return await command.run(args, out);
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`chatterbox ${name}: ${error.message} (try chatterbox ${name} --help)`);
      return EXIT.usage;
    }
    throw error;
  }
}
