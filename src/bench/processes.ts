// Child processes for the bench: the repository's paths, and spawning a child that ends in one JSON line.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/chatterbox.js', import.meta.url));

/** Children still running, so an interrupted bench can end them (and only them). */
const running = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

/** Kills every child this process started that is still running. */
export function killRunning(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Any program as a tracked child process, stdin ignored, stdout and stderr piped. */
export function spawnTracked(command: string, args: readonly string[]): ChildProcess {
  return track(spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** `node ...args` as a tracked child process with piped stdio. */
export function spawnNode(args: readonly string[]): ChildProcess {
  return track(spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] }));
}

/** `node [nodeFlags] --import tsx <script> ...args`: a TypeScript script of src/bench as a child process. */
export function spawnScript(script: string, args: readonly string[], nodeFlags: readonly string[] = []): ChildProcess {
  return spawnNode([...nodeFlags, '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args]);
}

/** `node [nodeFlags] bin/chatterbox.js ...args` as a child process. */
export function spawnChatterbox(args: readonly string[], nodeFlags: readonly string[] = []): ChildProcess {
  return spawnNode([...nodeFlags, BIN, ...args]);
}

export interface ChildOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Collects a child's output until it exits; after `timeoutMs` it is killed (SIGKILL) and marked timed out. */
export function collect(child: ChildProcess, timeoutMs: number): Promise<ChildOutcome> {
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** The last stdout line of a child, parsed as JSON; throws with the child's last stderr line if there is none. */
export function lastJsonLine(outcome: ChildOutcome, what: string): unknown {
  const line = outcome.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    const reason = outcome.timedOut ? 'timed out' : `exit ${outcome.code}: ${outcome.stderr.trim().split('\n').pop() ?? 'no output'}`;
    throw new Error(`${what} ${reason}`);
  }
}
