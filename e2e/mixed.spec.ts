// Tabs and headless CLI nodes in one room; a link cut in the UI; an observer watching a CLI cluster.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { closeAll, expectAgreement, expectDone, expectMesh, openTab, ownId, randomRoom, setParam, signalUrl } from './fixtures';
import { runNodeProcess } from '../test/support/cli-process';

test('(b) 2 tabs and 2 headless CLI nodes agree, and each CLI prints the tabs\' result', async ({ browser, baseURL }, testInfo) => {
  const room = randomRoom();
  const cli = [1, 2].map((i) => runNodeProcess(['--signal', signalUrl(baseURL!), '--room', room, '--id', `cli${i}`, '--connect-timeout', '90']));
  const pages = [await openTab(browser, `/?room=${room}`), await openTab(browser, `/?room=${room}`)];
  await expectMesh(pages, 4);
  await setParam(pages[0], /send-for/i, '2');
  await setParam(pages[0], /wait-for/i, '2');
  await pages[0].getByTestId('start-run').click();
  const tabResults = [await expectDone(pages[0]), await expectDone(pages[1])];
  expect(tabResults[1]).toBe(tabResults[0]);
  for (const node of cli) {
    const { code, stdout } = await node;
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(tabResults[0]);
  }
  await expectAgreement(pages[0]);
  await pages[0].screenshot({ path: testInfo.outputPath('mixed-cluster.png'), fullPage: true });
  await closeAll(pages);
});

test('(g) a tab runs its protocol in a worker, another on its main thread (?node=main), and both agree with a headless node', async ({ browser, baseURL }) => {
  const room = randomRoom();
  const cli = runNodeProcess(['--signal', signalUrl(baseURL!), '--room', room, '--id', 'cli1', '--connect-timeout', '90']);
  const inWorker = await openTab(browser, `/?room=${room}`);
  const onMain = await openTab(browser, `/?room=${room}&node=main`);
  await expect(inWorker.getByTestId('node-mode')).toHaveText('in worker');
  await expect(onMain.getByTestId('node-mode')).toHaveText('in main thread');
  await expectMesh([inWorker, onMain], 3);
  await setParam(inWorker, /send-for/i, '2');
  await setParam(inWorker, /wait-for/i, '2');
  await inWorker.getByTestId('start-run').click();
  const tabResults = [await expectDone(inWorker), await expectDone(onMain)];
  expect(tabResults[1]).toBe(tabResults[0]);
  const { code, stdout } = await cli;
  expect(code).toBe(0);
  expect(stdout.trim()).toBe(tabResults[0]);
  await expectAgreement(inWorker);
  await expectAgreement(onMain);
  await closeAll([inWorker, onMain]);
});

test('(c) cutting a link in the UI stops acks on it; restoring it lets the run end in agreement', async ({ browser }, testInfo) => {
  const room = randomRoom();
  const pages = [];
  for (let i = 0; i < 3; i += 1) pages.push(await openTab(browser, `/?room=${room}`));
  await expectMesh(pages, 3);
  const [a, b] = [await ownId(pages[0]), await ownId(pages[1])];
  const linkId = a < b ? `link-${a}-${b}` : `link-${b}-${a}`;
  await setParam(pages[0], /send-for/i, '8');
  await setParam(pages[0], /wait-for/i, '8');
  await pages[0].getByTestId('start-run').click();
  await expect(pages[0].getByTestId('phase')).toContainText('sending');
  await pages[0].getByTestId(linkId).click();
  for (const page of pages) await expect(page.getByTestId(linkId)).toHaveAttribute('data-state', 'cut');
  const node = pages[0].getByTestId(`node-${a}`);
  const serialAtCut = await node.getAttribute('data-serial');
  await pages[0].waitForTimeout(800);
  expect(await node.getAttribute('data-serial')).toBe(serialAtCut); // no ack crosses the cut: a cannot move on
  await pages[0].screenshot({ path: testInfo.outputPath('link-cut.png'), fullPage: true });
  await pages[0].getByTestId(linkId).click();
  for (const page of pages) await expect(page.getByTestId(linkId)).not.toHaveAttribute('data-state', 'cut');
  const results = [];
  for (const page of pages) results.push(await expectDone(page));
  expect(new Set(results).size).toBe(1);
  for (const page of pages) await expectAgreement(page);
  await closeAll(pages);
});

test('(d) an observer tab shows a headless 3-node cluster progressing to done, and downloads its cluster trace, which replays', async ({ browser, baseURL }, testInfo) => {
  const room = randomRoom();
  const traceDir = mkdtempSync(path.join(os.tmpdir(), 'chatterbox-e2e-observed-'));
  const observer = await openTab(browser, `/?room=${room}&observe`);
  await expect(observer.getByTestId('phase')).toContainText('connecting');
  const cluster = spawn(process.execPath, ['bin/chatterbox.js', 'cluster', '--nodes', '3', '--signal', signalUrl(baseURL!), '--room', room, '--send-for', '4', '--wait-for', '2', '--trace-dir', traceDir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  cluster.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  const exited = new Promise<number | null>((resolve) => cluster.on('close', resolve));
  await expect(observer.getByTestId('phase')).toContainText('sending', { timeout: 60_000 });
  await observer.screenshot({ path: testInfo.outputPath('observer-running.png'), fullPage: true });
  const shown = await expectDone(observer);
  expect(await exited).toBe(0);
  const report = JSON.parse(stdout.trim());
  expect(report.agree).toBe(true);
  expect(shown).toBe(`(${report.nodes[0].count}, ${report.nodes[0].checksum})`);
  await expectAgreement(observer);

  // The nodes have left; the observer fetched their traces as their run ended.
  const downloading = observer.waitForEvent('download');
  await observer.getByTestId('cluster-trace-download').click();
  const clusterTrace = testInfo.outputPath('observed-cluster.jsonl');
  await (await downloading).saveAs(clusterTrace);
  await expect(observer.getByTestId('cluster-trace-status')).toContainText('of 3 nodes, clocks aligned.');
  const records = readFileSync(clusterTrace, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { ev: string; node: string });
  expect(records.filter((r) => r.ev === 'clock').map((r) => r.node)).toEqual(report.nodes.map((n: { id: string }) => n.id));
  await observer.getByTestId('trace-open').setInputFiles(clusterTrace);
  const slider = observer.getByTestId('replay-slider');
  await slider.fill(String(await slider.getAttribute('max')));
  for (const node of report.nodes) await expect(observer.getByText(`${node.id}: the replay reproduces the recorded result`)).toBeVisible();
  rmSync(traceDir, { recursive: true, force: true });
  await closeAll([observer]);
});
