// A whole cluster replayed in one page: the merged trace of `chatterbox cluster --trace-dir`, or the
// nodes' own traces opened together and merged by the page the same way.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { closeAll, openTab, randomRoom } from './fixtures';

interface NodeResult {
  id: string;
  count: number;
  checksum: string;
}

/** Runs a 3-node `chatterbox cluster --trace-dir` and hands its directory and results to `check`; the directory is removed after. */
async function withClusterTraces(check: (dir: string, nodes: NodeResult[]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chatterbox-e2e-cluster-'));
  try {
    const run = spawnSync(process.execPath, ['bin/chatterbox.js', 'cluster', '--nodes', '3', '--send-for', '1', '--wait-for', '1', '--trace-dir', dir, '--json'], { encoding: 'utf8', timeout: 90_000 });
    expect(run.status, run.stderr).toBe(0);
    await check(dir, JSON.parse(run.stdout).nodes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Moves the replay to its end and checks that the page's replay reproduces every node's recorded result. */
async function replayToEnd(page: Page, nodes: NodeResult[]): Promise<Locator> {
  const slider = page.getByTestId('replay-slider');
  await expect(slider).toBeVisible();
  await slider.fill(String(await slider.getAttribute('max')));
  await expect(page.getByTestId('agreement')).toContainText(`All 3 nodes agree on (${nodes[0].count}, ${nodes[0].checksum})`);
  for (const node of nodes) await expect(page.getByText(`${node.id}: the replay reproduces the recorded result`)).toBeVisible();
  return slider;
}

test('(i) a cluster trace from chatterbox cluster --trace-dir replays with every node', async ({ browser }, testInfo) => {
  await withClusterTraces(async (dir, nodes) => {
    const page = await openTab(browser, `/?room=${randomRoom()}&observe`);
    await page.getByTestId('trace-open').setInputFiles(path.join(dir, 'cluster.jsonl'));
    await replayToEnd(page, nodes);
    for (const node of nodes) await expect(page.getByTestId(`node-${node.id}`)).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('cluster-replay.png'), fullPage: true });
    await closeAll([page]);
  });
});

test('(j) every node\'s own trace, opened together, replays as one cluster', async ({ browser }) => {
  await withClusterTraces(async (dir, nodes) => {
    const page = await openTab(browser, `/?room=${randomRoom()}&observe`);
    await page.getByTestId('trace-open').setInputFiles(nodes.map((node) => path.join(dir, `${node.id}.jsonl`)));
    const slider = await replayToEnd(page, nodes);
    // The same records as the CLI's cluster trace: the slider spans the same aligned run.
    const merged = readFileSync(path.join(dir, 'cluster.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { t: number; ev: string });
    const times = merged.filter((record) => record.ev !== 'clock').map((record) => record.t);
    expect(Number(await slider.getAttribute('max'))).toBeCloseTo((Math.max(...times) - Math.min(...times)) / 1000, 0);
    await closeAll([page]);
  });
});
