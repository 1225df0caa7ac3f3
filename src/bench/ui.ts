// The UI under load (Playwright + system Chromium): frames per second, long tasks, and a tab's throughput.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { createSignalingServer, type SignalingServer } from '../../signaling-server/server';
import { round } from './cluster-run';
import { chromiumPath } from './machine';
import { collect, ROOT, spawnNode } from './processes';

export interface UiOptions {
  tabs: number;
  sendForS: number;
  /** Where the UI is built (vite build --outDir). */
  buildDir: string;
  timeoutMs: number;
  /** Commits/s per sender of headless nodes in the same kind of run, to compare with. */
  headlessCommitsPerSenderPerSec: number | null;
}

export interface TabFigures {
  fps: number;
  longTasks: number;
  longTaskMs: number;
  count: number;
  commitsPerSenderPerSec: number;
}

export interface UiResult {
  tabs: number;
  window: 1;
  tickMs: 100;
  sendForS: number;
  /** Lowest of the tabs' frame rates during the send phase. */
  fps: number;
  longTasks: number;
  longTaskMs: number;
  /** Mean over the tabs of count / tabs / measured send phase. */
  tabCommitsPerSenderPerSec: number;
  headlessCommitsPerSenderPerSec: number | null;
  /** Tab throughput over headless throughput. */
  vsHeadless: number | null;
  perTab: TabFigures[];
  chromium: string;
}

export type UiOutcome = UiResult | { skipped: string };

const BROWSER_ARGS = [
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Counts animation frames and long tasks, and notes when the phase text changes (all in page time). */
const PAGE_PROBE = `
  window.__bench = { frames: [], longTasks: [], phases: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const frame = (t) => {
    const b = window.__bench;
    b.frames.push(t);
    const text = document.querySelector('[data-testid=phase]')?.textContent ?? '';
    const phase = (text.match(/^(connecting|sending|waiting|done)/) ?? [])[1];
    if (phase && phase !== b.phases.at(-1)?.[0]) b.phases.push([phase, t]);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
`;

/** Runs the UI bench, or says why it could not (no UI yet, build failed, no browser): never throws. */
export async function benchUi(options: UiOptions): Promise<UiOutcome> {
  if (!existsSync(join(ROOT, 'index.html'))) return { skipped: 'the UI is not there yet (no index.html)' };
  if (!existsSync(chromiumPath())) return { skipped: `no Chromium at ${chromiumPath()} (set CHROMIUM_PATH)` };
  const build = await collect(spawnNode([join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', options.buildDir, '--emptyOutDir', '--logLevel', 'warn']), options.timeoutMs);
  if (build.code !== 0) return { skipped: `vite build failed: ${build.stderr.trim().split('\n').pop() ?? `exit ${build.code}`}` };
  let server: SignalingServer | null = null;
  let browser: Browser | null = null;
  try {
    server = await createSignalingServer({ port: 0, host: '127.0.0.1', staticDir: options.buildDir });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: BROWSER_ARGS, headless: true });
    return await runTabs(browser, `http://127.0.0.1:${server.port}`, options);
  } catch (error) {
    return { skipped: `the UI run failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  } finally {
    await browser?.close();
    await server?.close();
  }
}

async function runTabs(browser: Browser, base: string, options: UiOptions): Promise<UiResult> {
  const room = `bench-ui-${Math.random().toString(36).slice(2, 10)}`;
  const pages: Page[] = [];
  for (let i = 0; i < options.tabs; i += 1) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(PAGE_PROBE);
    await page.goto(`${base}/?room=${room}`);
    pages.push(page);
  }
  const first = pages[0];
  await setParams(first, { sendFor: String(options.sendForS), waitFor: '2', tick: '100', window: '1' });
  const start = first.getByTestId('start-run');
  await first.waitForFunction(() => document.querySelector<HTMLButtonElement>('[data-testid=start-run]')?.disabled === false, undefined, { timeout: options.timeoutMs });
  await start.click();
  await Promise.all(pages.map((page) => page.getByTestId('result').filter({ hasText: /^\(\d+, / }).first().waitFor({ timeout: options.timeoutMs })));
  const perTab = await Promise.all(pages.map((page) => tabFigures(page, options.tabs)));
  const tabRate = round(perTab.reduce((sum, t) => sum + t.commitsPerSenderPerSec, 0) / perTab.length, 1);
  const headless = options.headlessCommitsPerSenderPerSec;
  return {
    tabs: options.tabs,
    window: 1,
    tickMs: 100,
    sendForS: options.sendForS,
    fps: Math.min(...perTab.map((t) => t.fps)),
    longTasks: perTab.reduce((sum, t) => sum + t.longTasks, 0),
    longTaskMs: round(perTab.reduce((sum, t) => sum + t.longTaskMs, 0), 0),
    tabCommitsPerSenderPerSec: tabRate,
    headlessCommitsPerSenderPerSec: headless,
    vsHeadless: headless ? round(tabRate / headless, 3) : null,
    perTab,
    chromium: browser.version(),
  };
}

/** Run parameter inputs, found by their accessible labels ("send-for (seconds)", "Send for (s)", ...). */
const PARAM_LABELS = { sendFor: /^send.?for/i, waitFor: /^wait.?for/i, tick: /^tick/i, window: /^window/i } as const;

async function setParams(page: Page, values: Record<keyof typeof PARAM_LABELS, string>): Promise<void> {
  for (const [key, label] of Object.entries(PARAM_LABELS) as [keyof typeof PARAM_LABELS, RegExp][]) {
    await page.getByLabel(label).fill(values[key], { timeout: 30_000 });
  }
}

/** A tab's figures over its send phase, as the page itself timed it. */
async function tabFigures(page: Page, tabs: number): Promise<TabFigures> {
  const probe = (await page.evaluate('window.__bench')) as { frames: number[]; longTasks: [number, number][]; phases: [string, number][] };
  const sending = probe.phases.findIndex(([phase]) => phase === 'sending');
  // The phase after sending is usually waiting, but a short wait phase may never be painted.
  const next = probe.phases[sending + 1];
  if (sending === -1 || !next) throw new Error('a tab never showed the sending phase and the one after it');
  const from = probe.phases[sending][1];
  const to = next[1];
  const seconds = (to - from) / 1000;
  const frames = probe.frames.filter((t) => t >= from && t < to).length;
  const long = probe.longTasks.filter(([startTime]) => startTime >= from && startTime < to);
  const result = (await page.getByTestId('result').first().textContent()) ?? '';
  const count = Number(result.match(/^\((\d+),/)?.[1]);
  return {
    fps: round(frames / seconds, 1),
    longTasks: long.length,
    longTaskMs: round(long.reduce((sum, [, duration]) => sum + duration, 0), 0),
    count,
    commitsPerSenderPerSec: round(count / tabs / seconds, 1),
  };
}
