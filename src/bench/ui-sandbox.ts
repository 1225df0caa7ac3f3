// The sandbox's frame budget (part 8): one visible page runs a 16-node virtual cluster at full
// speed; its animation frames and long tasks are counted from the click on "Max" to the end of the run.

import type { Browser } from '@playwright/test';
import { percentile, round } from '../sim/stats';
import { frameIntervals } from './ui-figures';
import { ThreadCpuSampler, type ThreadCpu } from './thread-cpu';

export interface SandboxFrames {
  nodes: number;
  speed: 'max';
  /** The sandbox link the page opened (docs/SANDBOX.md). */
  link: string;
  /** Real seconds from the click on "Max" to the run's end, as the page saw it. */
  runS: number;
  fps: number;
  p95FrameMs: number | null;
  longTasks: number;
  longTaskMs: number;
  longTaskMaxMs: number;
  /** Records of the run (the page's download count). */
  records: number;
  /** Cores the browser's threads used while the run ran, by thread (null where /proc is missing). */
  threadCpu: ThreadCpu | null;
}

/** Counts animation frames and long tasks from the page's start, in its performance.now() time. */
const FRAME_PROBE = `
(() => {
  const b = { frames: [], longTasks: [] };
  window.__sandboxBench = b;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const frame = (t) => { b.frames.push(performance.now()); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})();
`;

/** Loads the run paused, then runs it at full speed and reads the page's frames over that span. */
export async function benchSandboxFrames(browser: Browser, base: string, nodes: number, timeoutMs: number): Promise<SandboxFrames> {
  const link = `sandbox=v1;n=${nodes};seed=1`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(FRAME_PROBE);
    await page.goto(`${base}/#${link}`);
    await page.getByTestId('sandbox-speed-0').click({ timeout: 30_000 });
    await page.getByTestId('sandbox-restart').click();
    await page.locator(`.cluster-view svg g.node`).nth(nodes - 1).waitFor({ timeout: 30_000 });
    const threads = new ThreadCpuSampler();
    const fromEpoch = Date.now();
    const from = (await page.evaluate('performance.now()')) as number;
    await page.getByTestId('sandbox-speed-max').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=sandbox-status]')?.textContent === 'run over', undefined, { timeout: timeoutMs, polling: 100 }).finally(() => threads.stop());
    const to = (await page.evaluate('performance.now()')) as number;
    const probe = (await page.evaluate('window.__sandboxBench')) as { frames: number[]; longTasks: [number, number][] };
    const records = Number(((await page.getByTestId('trace-download').textContent()) ?? '').replace(/[^\d]/g, ''));
    const seconds = (to - from) / 1000;
    const long = probe.longTasks.filter(([start]) => start >= from && start < to).map(([, duration]) => duration);
    return {
      nodes,
      speed: 'max',
      link,
      runS: round(seconds, 2),
      fps: round(probe.frames.filter((t) => t >= from && t < to).length / seconds, 1),
      p95FrameMs: roundOrNull(percentile(frameIntervals(probe.frames, from, to), 95)),
      longTasks: long.length,
      longTaskMs: round(long.reduce((a, b) => a + b, 0), 0),
      longTaskMaxMs: round(Math.max(0, ...long), 0),
      records,
      threadCpu: threads.between(fromEpoch, Date.now()),
    };
  } finally {
    await context.close();
  }
}

const roundOrNull = (value: number | null): number | null => (value === null ? null : round(value, 1));
