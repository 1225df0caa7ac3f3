// Starting the signaling server every way a user can: the same settings from flags and environment,
// and one clear line (exit 2) when they cannot be used.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readSettings } from '../../signaling-server/settings';
import { helloNonce, sendSignedJoin } from '../support/signed-join';

const children: ChildProcess[] = [];
const staticDir = mkdtempSync(path.join(os.tmpdir(), 'signal-cli-'));
writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>chatterbox</title>');

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

/** The three ways of starting a server, as argv after `node`. */
const STARTERS = {
  'chatterbox signal': ['bin/chatterbox.js', 'signal'],
  'signaling-server/main.ts': ['--import', 'tsx', 'signaling-server/main.ts'],
  'npm start': ['--import', 'tsx', 'scripts/start.ts'],
} as const;
type Starter = keyof typeof STARTERS;

interface Started {
  child: ChildProcess;
  port: number;
}

/** Starts a server on a free port; resolves with the port from its banner. */
function start(starter: Starter, args: string[], env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [...STARTERS[starter], '--port', '0', '--static-dir', staticDir, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const banner = /on http:\/\/[^\s]+:(\d+)\//.exec(output);
      if (banner) resolve({ child, port: Number(banner[1]) });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('close', (code) => reject(new Error(`${starter} exited with ${code}: ${output}`)));
  });
}

/** Runs a starter that is expected to fail at once. */
function failedStart(starter: Starter, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...STARTERS[starter], '--static-dir', staticDir, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Opens a WebSocket; resolves with 'open' or the error message. */
function tryConnect(url: string, origin?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, origin ? { origin } : {});
    socket.once('open', () => {
      socket.terminate();
      resolve('open');
    });
    socket.once('error', (error) => resolve(error.message));
  });
}

function welcome(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    void sendSignedJoin(socket, helloNonce(socket), { room: 'r', role: 'member' });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type !== 'welcome') return;
      socket.terminate();
      resolve(message);
    });
    socket.once('error', reject);
  });
}

function busyPort(): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const ICE = [{ urls: 'turn:turn.example.org:3478', username: 'u', credential: 'p' }];

describe.each(Object.keys(STARTERS) as Starter[])('%s reads its settings from the environment', (starter) => {
  it('ALLOWED_ORIGINS refuses other browser origins', async () => {
    const { port } = await start(starter, ['--host', '127.0.0.1'], { ALLOWED_ORIGINS: 'http://good.example' });
    expect(await tryConnect(`ws://127.0.0.1:${port}/signal`, 'http://evil.example')).toMatch(/403/);
    expect(await tryConnect(`ws://127.0.0.1:${port}/signal`, 'http://good.example')).toBe('open');
  });

  it('HOST=127.0.0.1 listens on that address only', async () => {
    const { port } = await start(starter, [], { HOST: '127.0.0.1' });
    expect(await tryConnect(`ws://127.0.0.1:${port}/signal`)).toBe('open');
    expect(await tryConnect(`ws://127.0.0.2:${port}/signal`)).toMatch(/ECONNREFUSED/);
  });

  it('ICE_SERVERS is announced in every welcome', async () => {
    const { port } = await start(starter, ['--host', '127.0.0.1'], { ICE_SERVERS: JSON.stringify(ICE) });
    expect((await welcome(`ws://127.0.0.1:${port}/signal`)).iceServers).toEqual(ICE);
  });

  it('a port in use is one line naming the port and how to choose another, exit code 2', async () => {
    const taken = await busyPort();
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const run = await failedStart(starter, ['--host', '127.0.0.1'], { PORT: String(port) });
      expect(run.code).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`port ${port} is already in use; choose another with --port PORT or $PORT`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  });

  it('a bad variable is one line naming it, exit code 2', async () => {
    const run = await failedStart(starter, [], { ICE_SERVERS: 'stun:nope' });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('ICE_SERVERS must be a JSON array of {"urls", "username"?, "credential"?} objects; it is not valid JSON');
  });
});

describe('server settings', () => {
  it('takes a flag over its variable, and the variable over the default', () => {
    const env = { PORT: '9000', HOST: '127.0.0.1', ALLOWED_ORIGINS: 'http://a.example, http://b.example', ICE_SERVERS: JSON.stringify(ICE) };
    expect(readSettings([], env).settings).toEqual({
      port: 9000,
      host: '127.0.0.1',
      allowedOrigins: ['http://a.example', 'http://b.example'],
      iceServers: ICE,
    });
    const flags = ['--port', '9001', '--origin', 'http://c.example', '--ice', 'stun:stun.example.org:3478'];
    expect(readSettings(flags, env).settings).toMatchObject({
      port: 9001,
      host: '127.0.0.1',
      allowedOrigins: ['http://c.example'],
      iceServers: [{ urls: 'stun:stun.example.org:3478' }],
    });
    expect(readSettings([], {}).settings).toEqual({});
  });

  it.each([
    [['--port', '0x50'], {}, '--port must be a decimal integer from 0 to 65535, got "0x50"'],
    [[], { PORT: ' 80' }, 'PORT must be a decimal integer from 0 to 65535, got " 80"'],
    [[], { PORT: '65536' }, 'PORT 65536 is out of range: must be from 0 to 65535'],
    [['--port', '1', '--port', '2'], {}, '--port is given more than once'],
    [[], { ALLOWED_ORIGINS: 'good.example' }, 'ALLOWED_ORIGINS must hold origins like http://localhost:8787, got "good.example"'],
    [['--ice', 'http://x'], {}, '--ice must be a stun:, turn: or turns: URL, got "http://x"'],
    [[], { ICE_SERVERS: '[{"urls": 5}]' }, 'ICE_SERVERS must be a JSON array of {"urls", "username"?, "credential"?} objects'],
    [['--frob'], {}, 'unknown option --frob'],
  ])('refuses %j %j', (args, env, message) => {
    expect(() => readSettings(args, env)).toThrow(message);
  });
});
