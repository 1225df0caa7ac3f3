// The UI under load (Playwright + system Chromium): the sandbox with 16 virtual nodes at full speed,
// 4 visible tabs, then one window with 1 visible and 3 hidden tabs.

import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createSignalingServer, type SignalingServer } from '../../signaling-server/server';
import { chromiumPath } from './machine';
import { failed, isFigure, type Outcome } from './outcome';
import { collect, ROOT, spawnNode, spawnTracked } from './processes';
import { nodeModeOf, rttVsRaw, sendPhases, summarizeTabs, tabFigures, type ProbeData, type TabFigures, type TabReading, type TabsSummary } from './ui-figures';
import { measureBrowserRtt, type BrowserRtt } from './ui-raw-rtt';
import { benchSandboxFrames, type SandboxFrames } from './ui-sandbox';
import { ThreadCpuSampler, type ThreadCpu } from './thread-cpu';

/** Virtual nodes of the sandbox case. */
export const SANDBOX_BENCH_NODES = 16;

export interface UiOptions {
  tabs: number;
  sendForS: number;
  /** Where the UI is built (vite build --outDir). */
  buildDir: string;
  timeoutMs: number;
  /** Commits/s per sender of headless nodes in the same kind of run, to compare with. */
  headlessCommitsPerSenderPerSec: number | null;
  /** How long the raw data-channel ping-pong runs. */
  rawRttS: number;
}

/** How a case put its tabs in the browser. */
export interface CaseSetup {
  description: string;
  contexts: 'one per tab' | 'one, shared by the tabs';
  windows: number;
  /** Playwright's focus emulation, which also keeps every page visible. */
  focusEmulation: boolean;
  /** Chromium's own throttling of background tabs (Playwright's launch turns it off). */
  backgroundThrottling: boolean;
  /** Tabs whose page was visible when its send phase began, as the pages said. */
  visibleTabs: number;
  /** Renderer processes of the browser once the tabs were open (CDP SystemInfo.getProcessInfo); null if unknown. */
  rendererProcesses: number | null;
}

export interface UiCase extends TabsSummary {
  setup: CaseSetup;
  perTab: TabFigures[];
  /** Cores the browser's threads used in the first tab's send phase, by thread (null where /proc is missing). */
  threadCpu: ThreadCpu | null;
}

export interface UiResult extends UiCase {
  tabs: number;
  window: 1;
  tickMs: 100;
  sendForS: number;
  headlessCommitsPerSenderPerSec: number | null;
  chromium: string;
  /** Two fresh pages of the same browser, before the tabs run. */
  rawBrowserRtt: Outcome<BrowserRtt>;
  /** The longest tab-to-tab round trip shown over the raw browser round trip. */
  rttVsRaw: number | null;
  oneWindow: Outcome<UiCase>;
  /** One page, the sandbox with 16 virtual nodes at full speed (its frame budget). */
  sandbox16: Outcome<SandboxFrames>;
  emulation: { emulated: string[]; notEmulated: string[] };
}

export type UiOutcome = UiResult | { skipped: string };
export type { SandboxFrames };

const BROWSER_ARGS = [
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** What the bench could and could not make the browser do (checked by hand in Chromium 150, see BENCHMARKS.md). */
const EMULATION = {
  emulated: [
    '4 tabs: each in its own browser context and window, all visible and focused (Playwright focus emulation)',
    'one window: 4 tabs of one context in one window of headless Chromium, tab 1 in front, tabs 2-4 in the background; ' +
      'Chromium launched by the bench and attached with connectOverCDP noDefaults, so no focus emulation; ' +
      'background tabs are hidden (visibilityState hidden, no animation frames) and throttled by Chromium as for a user ' +
      '(none of --disable-background-timer-throttling, --disable-renderer-backgrounding, --disable-backgrounding-occluded-windows)',
  ],
  notEmulated: [
    'one window with a context per tab: a window belongs to one context, so the one-window tabs share cookies and storage',
    'minimized or covered windows: headless Chromium keeps them visible (Browser.setWindowBounds minimized leaves visibilityState visible)',
    'hidden pages under Playwright: its focus emulation holds them visible; turning it off from a second CDP session changes focus only',
    'Page.setWebLifecycleState frozen is not hiding: it stops the page; Emulation.setFocusEmulationEnabled changes focus, not visibility',
    'intensive throttling (after 5 minutes hidden): the run is shorter',
    'a GPU: both cases run with --disable-gpu (software compositing), frames at 60 Hz',
  ],
};

/** Counts animation frames and long tasks, notes phase and visibility changes, samples the links' round trips. */
const PAGE_PROBE = `
(() => {
  const b = { frames: [], longTasks: [], phases: [], rtts: [], visibility: [[document.visibilityState, performance.now()]] };
  window.__bench = b;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const notePhase = () => {
    const text = document.querySelector('[data-testid=phase]')?.textContent ?? '';
    const phase = (text.match(/^(connecting|sending|waiting|done)/) ?? [])[1];
    if (phase && phase !== b.phases.at(-1)?.[0]) b.phases.push([phase, performance.now()]);
  };
  const sampleRtts = () => {
    const t = performance.now();
    for (const el of document.querySelectorAll('[data-testid="peer-rtt"]')) {
      const ms = Number((el.textContent ?? '').match(/([\\d.]+)\\s*ms/)?.[1]);
      const peer = el.getAttribute('data-peer');
      if (peer && Number.isFinite(ms)) b.rtts.push([t, peer, ms]);
    }
  };
  document.addEventListener('visibilitychange', () => b.visibility.push([document.visibilityState, performance.now()]));
  // A mutation observer, not animation frames: hidden tabs draw no frames but still change their text.
  document.addEventListener('DOMContentLoaded', () => new MutationObserver(notePhase).observe(document.body, { subtree: true, childList: true, characterData: true }));
  setInterval(sampleRtts, 250);
  const frame = (t) => { b.frames.push(t); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})();
`;

/** The probe's records in epoch ms (so tabs can be compared), and what the page says about itself. */
const READ_TAB = `
(() => {
  const b = window.__bench;
  const at = (t) => performance.timeOrigin + t;
  return {
    probe: {
      frames: b.frames.map(at),
      longTasks: b.longTasks.map(([start, duration]) => [at(start), duration]),
      phases: b.phases.map(([phase, t]) => [phase, at(t)]),
      rtts: b.rtts.map(([t, peer, ms]) => [at(t), peer, ms]),
      visibility: b.visibility.map(([state, t]) => [state, at(t)]),
    },
    id: document.querySelector('[data-testid=own-id]')?.textContent?.trim() || null,
    modeText: document.querySelector('[data-testid=node-mode]')?.textContent ?? null,
  };
})()
`;

const RESULT_TEXT = `[...document.querySelectorAll('[data-testid=result]')].map((e) => e.textContent ?? '').find((t) => /^\\(\\d+, /.test(t)) ?? null`;

/** Runs the UI bench, or says why it could not (no UI yet, build failed, no browser): never throws. */
export async function benchUi(options: UiOptions): Promise<UiOutcome> {
  if (!existsSync(join(ROOT, 'index.html'))) return { skipped: 'the UI is not there yet (no index.html)' };
  if (!existsSync(chromiumPath())) return { skipped: `no Chromium at ${chromiumPath()} (set CHROMIUM_PATH)` };
  const build = await collect(spawnNode([join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', options.buildDir, '--emptyOutDir', '--logLevel', 'warn']), options.timeoutMs);
  if (build.code !== 0) return { skipped: `vite build failed: ${build.stderr.trim().split('\n').pop() ?? `exit ${build.code}`}` };
  let server: SignalingServer | null = null;
  try {
    server = await createSignalingServer({ port: 0, host: '127.0.0.1', staticDir: options.buildDir });
    const base = `http://127.0.0.1:${server.port}`;
    const sandbox16 = await runSandbox(base, options).catch(failed);
    const fourTabs = await runFourTabs(base, options);
    const oneWindow = await runOneWindow(base, options).catch(failed);
    return { ...fourTabs, oneWindow, sandbox16, emulation: EMULATION };
  } catch (error) {
    return { skipped: `the UI run failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  } finally {
    await server?.close();
  }
}

/** The sandbox case in a browser of its own (Playwright's launch: the page visible). */
async function runSandbox(base: string, options: UiOptions): Promise<SandboxFrames> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: BROWSER_ARGS, headless: true });
  try {
    return await benchSandboxFrames(browser, base, SANDBOX_BENCH_NODES, options.timeoutMs);
  } finally {
    await browser.close();
  }
}

/** The raw round trip, then every tab in its own context and window, all visible (Playwright's launch). */
async function runFourTabs(base: string, options: UiOptions): Promise<Omit<UiResult, 'oneWindow' | 'sandbox16' | 'emulation'>> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: BROWSER_ARGS, headless: true });
  try {
    const rawBrowserRtt = await measureBrowserRtt(browser, options.rawRttS).catch(failed);
    const room = newRoom();
    const pages: Page[] = [];
    for (let i = 0; i < options.tabs; i += 1) pages.push(await openTab(await browser.newContext(), base, room));
    const setup = {
      description: `${options.tabs} tabs, one browser context and window each, all visible`,
      contexts: 'one per tab',
      windows: options.tabs,
      focusEmulation: true,
      backgroundThrottling: false,
      rendererProcesses: await rendererProcesses(browser),
    } as const;
    const run = await runCase(pages, setup, options);
    const raw = isFigure(rawBrowserRtt) ? rawBrowserRtt.meanMs : null;
    return {
      tabs: options.tabs,
      window: 1,
      tickMs: 100,
      sendForS: options.sendForS,
      headlessCommitsPerSenderPerSec: options.headlessCommitsPerSenderPerSec,
      chromium: browser.version(),
      ...run,
      rawBrowserRtt,
      rttVsRaw: run.rttMs !== null && raw ? rttVsRaw(run.rttMs, raw) : null,
    };
  } finally {
    await browser.close();
  }
}

/** One window of a Chromium the bench launches itself: tab 1 in front, the others in the background, hidden. */
async function runOneWindow(base: string, options: UiOptions): Promise<UiCase> {
  const profile = mkdtempSync(join(tmpdir(), 'chatterbox-bench-ui-'));
  const args = [...BROWSER_ARGS, '--headless', '--disable-extensions', '--window-size=1280,720', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'];
  const child = spawnTracked(chromiumPath(), args);
  try {
    const browser = await chromium.connectOverCDP(await devtoolsEndpoint(child, 30_000), { noDefaults: true });
    try {
      // The default context of a fresh profile: Playwright leaves its pages without focus emulation.
      const context = browser.contexts()[0];
      const room = newRoom();
      const pages: Page[] = [];
      for (let i = 0; i < options.tabs; i += 1) pages.push(await openTab(context, base, room, i === 0 ? context.pages()[0] : undefined));
      await pages[0].bringToFront();
      const setup = {
        description: `one window: tab 1 visible, ${options.tabs - 1} tabs hidden behind it`,
        contexts: 'one, shared by the tabs',
        windows: 1,
        focusEmulation: false,
        backgroundThrottling: true,
        rendererProcesses: await rendererProcesses(browser),
      } as const;
      return await runCase(pages, setup, options);
    } finally {
      const session = await browser.newBrowserCDPSession();
      await session.send('Browser.close').catch(() => undefined);
    }
  } finally {
    await stopChild(child, 5000);
    rmSync(profile, { recursive: true, force: true });
  }
}

/** How many renderer processes the browser runs: tabs in one process share one main thread. */
async function rendererProcesses(browser: Browser): Promise<number | null> {
  try {
    const session = await browser.newBrowserCDPSession();
    const info = await session.send('SystemInfo.getProcessInfo');
    await session.detach();
    return info.processInfo.filter((process) => process.type === 'renderer').length;
  } catch {
    return null;
  }
}

const newRoom = (): string => `bench-ui-${Math.random().toString(36).slice(2, 10)}`;

async function openTab(context: BrowserContext, base: string, room: string, existing?: Page): Promise<Page> {
  const page = existing ?? (await context.newPage());
  await page.addInitScript(PAGE_PROBE);
  await page.goto(`${base}/?room=${room}`);
  return page;
}

/** The first tab sets the run's parameters and starts it; then every tab's figures over its send phase. */
async function runCase(pages: Page[], setup: Omit<CaseSetup, 'visibleTabs'>, options: UiOptions): Promise<UiCase> {
  const first = pages[0];
  await setParams(first, { sendFor: String(options.sendForS), waitFor: '2', tick: '100', window: '1' });
  await first.waitForFunction(() => document.querySelector<HTMLButtonElement>('[data-testid=start-run]')?.disabled === false, undefined, { timeout: options.timeoutMs });
  const threads = new ThreadCpuSampler();
  await first.getByTestId('start-run').click();
  const results = await waitForResults(pages, options.timeoutMs).finally(() => threads.stop());
  const readings = await Promise.all(pages.map((page, i) => readTab(page, results[i])));
  const phases = sendPhases(readings.map((r) => r.probe));
  const headless = options.headlessCommitsPerSenderPerSec;
  const perTab = readings.map((reading, i) => tabFigures(reading, phases[i], pages.length, headless));
  const threadCpu = threads.between(phases[0].from, phases[0].to);
  return { setup: { ...setup, visibleTabs: perTab.filter((t) => t.visible).length }, ...summarizeTabs(perTab, headless), perTab, threadCpu };
}

/** Run parameter inputs, found by their accessible labels ("send-for (seconds)", "Send for (s)", ...). */
const PARAM_LABELS = { sendFor: /^send.?for/i, waitFor: /^wait.?for/i, tick: /^tick/i, window: /^window/i } as const;

async function setParams(page: Page, values: Record<keyof typeof PARAM_LABELS, string>): Promise<void> {
  for (const [key, label] of Object.entries(PARAM_LABELS) as [keyof typeof PARAM_LABELS, RegExp][]) {
    await page.getByLabel(label).fill(values[key], { timeout: 30_000 });
  }
}

interface ShownResult {
  text: string;
  afterFront: boolean;
}

/** How long hidden tabs may take to show their result once every visible tab shows one. */
const HIDDEN_GRACE_MS = 15_000;

/**
 * Every tab's result line, read by polling the DOM (animation-frame waits never fire in hidden tabs). A hidden tab
 * that shows none within the grace period is brought to the front, after the run, and marked so.
 */
async function waitForResults(pages: Page[], timeoutMs: number): Promise<ShownResult[]> {
  const deadline = Date.now() + timeoutMs;
  const shown: (ShownResult | null)[] = pages.map(() => null);
  let visibleDoneAt: number | null = null;
  while (shown.includes(null) && Date.now() < deadline) {
    for (const [i, page] of pages.entries()) {
      const text = shown[i] ? null : ((await page.evaluate(RESULT_TEXT)) as string | null);
      if (text) shown[i] = { text, afterFront: false };
    }
    const hidden = await Promise.all(pages.map((page) => page.evaluate('document.visibilityState !== "visible"')));
    if (shown.every((result, i) => result !== null || hidden[i])) visibleDoneAt ??= Date.now();
    if (visibleDoneAt !== null && Date.now() - visibleDoneAt > HIDDEN_GRACE_MS) break;
    await sleep(250);
  }
  for (const [i, page] of pages.entries()) shown[i] ??= await resultAfterFront(page, i, Math.min(10_000, Math.max(0, deadline - Date.now())));
  return shown as ShownResult[];
}

async function resultAfterFront(page: Page, index: number, timeoutMs: number): Promise<ShownResult> {
  await page.bringToFront();
  const until = Date.now() + timeoutMs;
  do {
    const text = (await page.evaluate(RESULT_TEXT)) as string | null;
    if (text) return { text, afterFront: true };
    await sleep(250);
  } while (Date.now() < until);
  throw new Error(`tab ${index + 1} showed no result`);
}

async function readTab(page: Page, result: ShownResult): Promise<TabReading> {
  const read = (await page.evaluate(READ_TAB)) as { probe: ProbeData; id: string | null; modeText: string | null };
  const count = Number(result.text.match(/^\((\d+),/)?.[1]);
  return { id: read.id, probe: read.probe, count, mode: nodeModeOf(read.modeText), resultAfterFront: result.afterFront };
}

/** The browser's DevTools WebSocket address, from the line it prints on stderr at start. */
function devtoolsEndpoint(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let found = false;
    const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools address in ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.resume();
    // Keeps reading stderr to the end, so the browser never blocks on a full pipe.
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (found) return;
      seen += chunk;
      const address = seen.match(/DevTools listening on (ws:\/\/\S+)/)?.[1];
      if (address) {
        found = true;
        clearTimeout(timer);
        resolve(address);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}) before it listened: ${seen.trim().split('\n').pop() ?? ''}`));
    });
  });
}

/** Waits for the child to exit, killing it if it has not after the grace period. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
