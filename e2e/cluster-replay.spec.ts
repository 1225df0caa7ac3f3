// A whole cluster replayed in one page: the merged trace of `chatterbox cluster --trace-dir`.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { closeAll, openTab, randomRoom } from './fixtures';

test('(i) a cluster trace from chatterbox cluster --trace-dir replays with every node', async ({ browser }, testInfo) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chatterbox-e2e-cluster-'));
  try {
    const run = spawnSync(process.execPath, ['bin/chatterbox.js', 'cluster', '--nodes', '3', '--send-for', '1', '--wait-for', '1', '--trace-dir', dir, '--json'], { encoding: 'utf8', timeout: 90_000 });
    expect(run.status, run.stderr).toBe(0);
    const nodes: { id: string; count: number; checksum: string }[] = JSON.parse(run.stdout).nodes;
    const page = await openTab(browser, `/?room=${randomRoom()}&observe`);
    await page.getByTestId('trace-open').setInputFiles(path.join(dir, 'cluster.jsonl'));
    const slider = page.getByTestId('replay-slider');
    await expect(slider).toBeVisible();
    await slider.fill(String(await slider.getAttribute('max')));
    for (const node of nodes) await expect(page.getByTestId(`node-${node.id}`)).toBeVisible();
    await expect(page.getByTestId('agreement')).toContainText(`All 3 nodes agree on (${nodes[0].count}, ${nodes[0].checksum})`);
    for (const node of nodes) await expect(page.getByText(`${node.id}: the replay reproduces the recorded result`)).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('cluster-replay.png'), fullPage: true });
    await closeAll([page]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
