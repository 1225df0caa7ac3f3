// Shared by the Vitest and Playwright suites: fresh rooms, and `chatterbox node` run as its own process.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** A fresh room per test, so tests never see each other's nodes. */
export const randomRoom = (): string => `test-${randomBytes(4).toString('hex')}`;

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `chatterbox node` as a separate process; `onStderr` sees its logs and can kill it. */
export function runNodeProcess(args: string[], onStderr?: (text: string, kill: () => void) => void): Promise<ChildRun> {
  const child = spawn(process.execPath, ['bin/chatterbox.js', 'node', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
    onStderr?.(stderr, () => child.kill('SIGKILL'));
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
