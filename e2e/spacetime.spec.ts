// The space-time diagram after a run: a `chatterbox sim` trace replayed to its end still shows its
// frames; zooming in on a DATA and clicking it highlights its DATA, its ACKs from both receivers
// and its commits (the diagram says what it highlights as data on its element); hovering shows the
// serial, sentAt and value; the SVG export downloads the same window.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { laneY, plotOf, xOfTime } from '../src/ui/spacetime/geometry';
import { closeAll, expectDone, openTab, randomRoom, setParam } from './fixtures';

interface Record {
  t: number;
  node: string;
  ev: string;
  to?: string;
  from?: string;
  frame?: { kind: string; seq: number; from: string; sentAt?: number; value?: number };
}

/** Where on the page the middle of a frame's arrow is drawn, from the window the diagram says it shows. */
async function arrowMiddle(diagram: Locator, members: string[], from: string, to: string, start: number, end: number): Promise<{ x: number; y: number }> {
  const box = (await diagram.boundingBox())!;
  const window = { start: Number(await diagram.getAttribute('data-window-start')), end: Number(await diagram.getAttribute('data-window-end')) };
  const plot = plotOf(Math.floor(box.width), Math.floor(box.height));
  const x = (xOfTime(plot, window, start) + xOfTime(plot, window, end)) / 2;
  const y = (laneY(plot, members.length, members.indexOf(from)) + laneY(plot, members.length, members.indexOf(to))) / 2;
  return { x: box.x + x, y: box.y + y };
}

async function windowSpan(diagram: Locator): Promise<number> {
  return Number(await diagram.getAttribute('data-window-end')) - Number(await diagram.getAttribute('data-window-start'));
}

async function zoomInAt(page: Page, diagram: Locator, point: { x: number; y: number }): Promise<void> {
  const before = await windowSpan(diagram);
  await page.mouse.move(point.x, point.y);
  await page.mouse.wheel(0, -400);
  await expect.poll(() => windowSpan(diagram)).toBeLessThan(before);
}

test('the space-time diagram still shows a run after it ended, and a click on a DATA highlights its ACKs', async ({ browser }, testInfo) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chatterbox-e2e-spacetime-'));
  try {
    const tracePath = path.join(dir, 'sim.jsonl');
    const run = spawnSync(process.execPath, ['bin/chatterbox.js', 'sim', '--nodes', '3', '--send-for', '1', '--wait-for', '1', '--trace', tracePath], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const records: Record[] = readFileSync(tracePath, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const members = [...new Set(records.map((r) => r.node))].sort();
    const send = records.find((r) => r.ev === 'send' && r.node === members[0] && r.to === members[1] && r.frame?.kind === 'data' && r.frame.seq === 5)!;
    const recv = records.find((r) => r.ev === 'recv' && r.node === members[1] && r.from === members[0] && r.frame?.kind === 'data' && r.frame.seq === 5)!;
    expect(send && recv).toBeTruthy();

    const page = await openTab(browser, `/?room=${randomRoom()}&observe`);
    await page.getByTestId('trace-open').setInputFiles(tracePath);
    const slider = page.getByTestId('replay-slider');
    await expect(slider).toBeVisible();
    await slider.fill(String(await slider.getAttribute('max')));

    // The run is over (the playhead at its end): the diagram shows the whole run, not an empty window.
    const diagram = page.getByTestId('space-time');
    await expect.poll(async () => Number(await diagram.getAttribute('data-frames'))).toBeGreaterThan(100);
    await expect(diagram).toHaveAttribute('data-following', 'false');
    await expect(diagram).toHaveAttribute('data-sampling', '1');
    await page.screenshot({ path: testInfo.outputPath('space-time-whole-run.png'), fullPage: true });

    // Zoom in on the DATA (the point under the mouse stays put), then click it.
    await diagram.scrollIntoViewIfNeeded();
    for (let i = 0; i < 4; i += 1) await zoomInAt(page, diagram, await arrowMiddle(diagram, members, members[0], members[1], send.t, recv.t));
    const target = await arrowMiddle(diagram, members, members[0], members[1], send.t, recv.t);
    await page.mouse.move(target.x, target.y);
    const tooltip = page.getByTestId('space-time-tooltip');
    await expect(tooltip).toContainText('serial 5');
    await expect(tooltip).toContainText(`sentAt ${send.frame!.sentAt}`);
    await expect(tooltip).toContainText(`value ${send.frame!.value}`);
    await page.mouse.click(target.x, target.y);

    const acks = records.filter((r) => r.ev === 'send' && r.frame?.kind === 'ack' && r.to === members[0] && r.frame.seq === 5);
    const acked = new Set(acks.map((r) => r.node));
    expect(acked).toEqual(new Set([members[1], members[2]]));
    await expect(diagram).toHaveAttribute('data-selected', `${members[0]}#5`);
    await expect(diagram).toHaveAttribute('data-highlighted-acks', String(acks.length));
    const datas = records.filter((r) => r.ev === 'send' && r.node === members[0] && r.frame?.kind === 'data' && r.frame.seq === 5);
    await expect(diagram).toHaveAttribute('data-highlighted-data', String(datas.length));
    const commits = records.filter((r) => r.ev === 'commit' && r.from === members[0] && (r as unknown as { seq: number }).seq === 5);
    await expect(diagram).toHaveAttribute('data-highlighted-commits', String(commits.length));
    await expect(page.getByTestId('space-time-notes')).toContainText(`${members[0]}#5: ${datas.length} DATA frames, ${acks.length} ACKs, ${commits.length} commits`);
    await page.screenshot({ path: testInfo.outputPath('space-time-selected.png'), fullPage: true });

    // The export is an SVG of the same window, with the highlighted frames in it.
    const download = page.waitForEvent('download');
    await page.getByTestId('space-time-export').click();
    const file = await (await download).path();
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<g class="frame data highlighted"');
    expect(svg).toContain('<g class="frame ack highlighted"');
    await closeAll([page]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a live 2-tab run: the diagram follows it, then keeps its end in view after the run', async ({ browser }) => {
  const room = randomRoom();
  const pages = [await openTab(browser, `/?room=${room}`), await openTab(browser, `/?room=${room}`)];
  await setParam(pages[0], /send-for/i, '1');
  await setParam(pages[0], /wait-for/i, '1');
  const start = pages[0].getByTestId('start-run');
  await expect(start).toBeEnabled({ timeout: 30_000 });
  await start.click();
  for (const page of pages) await expectDone(page);
  const diagram = pages[0].getByTestId('space-time');
  await expect(diagram).toHaveAttribute('data-following', 'true');
  await expect(pages[0].getByTestId('space-time-notes')).toContainText('Live nodes report a sample');
  // Seconds after the run, the clock ran on but the window still ends at the run's last frames.
  await pages[0].waitForTimeout(3000);
  await expect.poll(async () => Number(await diagram.getAttribute('data-frames'))).toBeGreaterThan(10);
  await pages[0].getByTestId('space-time-whole-run').click();
  await expect(diagram).toHaveAttribute('data-following', 'false');
  await expect.poll(async () => Number(await diagram.getAttribute('data-frames'))).toBeGreaterThan(10);
  await closeAll(pages);
});
