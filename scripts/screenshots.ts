// `npm run screenshots`: regenerates the README's pictures (a live 3-tab run; the sandbox in a guided scenario) from the real server and UI.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect, type Browser, type Page } from '@playwright/test';
import { closeAll, expectMesh, openTab, setParam } from '../e2e/fixtures';
import { buildUiIfNeeded, DIST_DIR, ROOT } from './ui-build';

/** The pictures this script writes, relative to the repository root (the README shows each of them). */
export const SCREENSHOTS = {
  liveRun: 'docs/img/live-3-tabs.png',
  sandboxScenario: 'docs/img/sandbox-scenario.png',
} as const;

const VIEWPORT = { width: 1280, height: 800 };
const STEP_TIMEOUT_MS = 30_000;

/** The system Chromium (/usr/bin/chromium or $CHROMIUM_PATH) when present, otherwise Playwright's own. */
function chromiumPath(): string | undefined {
  const candidate = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return existsSync(candidate) ? candidate : undefined;
}

/** $SCREENSHOTS_PORT if set, otherwise a port the OS says is free. */
async function serverPort(): Promise<number> {
  const wanted = process.env.SCREENSHOTS_PORT;
  if (wanted !== undefined) {
    const port = Number(wanted);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`SCREENSHOTS_PORT must be a port number (1-65535), got "${wanted}"`);
    return port;
  }
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** Starts `chatterbox signal` serving dist/ and resolves once /healthz answers; fails if the server exits first. */
async function startServer(port: number): Promise<ChildProcess> {
  const server = spawn(process.execPath, ['bin/chatterbox.js', 'signal', '--host', '127.0.0.1', '--port', String(port), '--static-dir', DIST_DIR], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited (code ${server.exitCode}) before it was ready:\n${stderr}`);
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (healthy) return server;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  server.kill();
  throw new Error(`the server did not answer /healthz on port ${port} within ${STEP_TIMEOUT_MS / 1000} s:\n${stderr}`);
}

/** Stops the server: SIGTERM, then SIGKILL if it has not exited within 5 s. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const stubborn = setTimeout(() => server.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(stubborn);
}

/** A node tab (its own browser context, as in the e2e tests) at the pictures' viewport. */
async function openNodeTab(browser: Browser, url: string): Promise<Page> {
  const page = await openTab(browser, url);
  await page.setViewportSize(VIEWPORT);
  return page;
}

/** Three tabs in one room, a run started from the first, and the first tab pictured while packets fly. */
async function shootLiveRun(browser: Browser, base: string): Promise<void> {
  const room = 'readme-demo'; // the server is this script's own: the room is empty, and its name is in the picture
  const pages: Page[] = [];
  for (let i = 0; i < 3; i += 1) pages.push(await openNodeTab(browser, `${base}/?room=${room}`));
  await expectMesh(pages, 3);
  await setParam(pages[0], /send-for/i, '6');
  await setParam(pages[0], /wait-for/i, '2');
  await expect(pages[0].getByTestId('start-run')).toBeEnabled();
  await pages[0].getByTestId('start-run').click();
  for (const page of pages) await expect(page.getByTestId('phase')).toContainText('sending', { timeout: STEP_TIMEOUT_MS });
  await pages[0].waitForTimeout(2_000); // packets in flight, rings filling, counts and RTTs on screen
  await pages[0].screenshot({ path: path.join(ROOT, SCREENSHOTS.liveRun) });
  await expect(pages[0].getByTestId('phase'), 'the run must still be sending when pictured').toContainText('sending', { timeout: 1_000 });
  await closeAll(pages);
}

/**
 * The sandbox alone in a tab, playing the happy-path scenario up to "Commit on next": that step pauses the
 * simulated run, so its narration is pictured beside frames frozen in flight.
 */
async function shootSandboxScenario(browser: Browser, base: string): Promise<void> {
  const page = await openNodeTab(browser, `${base}/?sandbox`);
  await page.getByTestId('scenario-happy-path').click();
  await expect(page.getByTestId('scenario-step-title')).toHaveText('Three nodes, one stream each');
  await page.getByTestId('scenario-next').click();
  await expect(page.getByTestId('scenario-step-title')).toHaveText('Commit on next', { timeout: STEP_TIMEOUT_MS });
  await expect(page.getByTestId('sandbox-status')).toHaveText('paused');
  await page.waitForTimeout(500); // the cluster view draws the paused frame
  await page.screenshot({ path: path.join(ROOT, SCREENSHOTS.sandboxScenario) });
}

async function main(): Promise<void> {
  buildUiIfNeeded();
  const port = await serverPort();
  const server = await startServer(port);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: ['--disable-features=WebRtcHideLocalIpsWithMdns', '--disable-gpu'],
    });
    const base = `http://127.0.0.1:${port}`;
    mkdirSync(path.join(ROOT, 'docs', 'img'), { recursive: true });
    await shootLiveRun(browser, base);
    await shootSandboxScenario(browser, base);
    for (const file of Object.values(SCREENSHOTS)) console.log(`wrote ${file}`);
  } finally {
    await browser?.close();
    await stopServer(server);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`npm run screenshots failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
