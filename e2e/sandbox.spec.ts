// The sandbox in one tab: a whole simulated cluster that equals `chatterbox sim`, a shared run that
// replays exactly, a guided scenario played to its end, and node glyphs kept apart from 2 to 32 nodes.

import { spawnSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { closeAll, openTab } from './fixtures';
import { expectGlyphsApart } from './glyph-boxes';

interface NodeResult {
  id: string;
  count: number;
  checksum: string;
}

/** `chatterbox sim` with these flags, as JSON. */
function simulate(args: string[]): NodeResult[] {
  const run = spawnSync(process.execPath, ['bin/chatterbox.js', 'sim', ...args, '--json'], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout).nodes;
}

/** Every node's (count, checksum) in the results table, in member order. */
async function resultTable(page: Page): Promise<NodeResult[]> {
  return page.locator('.result-table tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = [...row.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '');
      return { id: cells[0].replace('this tab', '').trim(), count: Number(cells[1].replace(/,/g, '')), checksum: cells[2] };
    }),
  );
}

async function runToEndAtFullSpeed(page: Page): Promise<void> {
  await page.getByTestId('sandbox-speed-max').click();
  await expect(page.getByTestId('sandbox-status')).toHaveText('run over', { timeout: 60_000 });
  await expect(page.getByTestId('phase')).toContainText('done');
}

test('a single tab runs the sandbox with 5 nodes, and its result equals chatterbox sim with the same seed and params', async ({ browser }) => {
  const expected = simulate(['--nodes', '5', '--with-seed', '11', '--send-for', '1.5', '--wait-for', '1', '--window', '2']);
  const page = await openTab(browser, '/?sandbox');
  await page.getByTestId('sandbox-speed-0').click();
  await page.getByTestId('sandbox-nodes').fill('5');
  await page.getByTestId('sandbox-seed').fill('11');
  await page.getByTestId('sandbox-send-for').fill('1.5');
  await page.getByTestId('sandbox-wait-for').fill('1');
  await page.getByTestId('sandbox-window').fill('2');
  await page.getByTestId('sandbox-start').click();
  await runToEndAtFullSpeed(page);
  await expect(page.getByTestId('agreement')).toContainText(`All 5 nodes agree on (${expected[0].count}, ${expected[0].checksum})`);
  expect(await resultTable(page)).toEqual(expected.map(({ id, count, checksum }) => ({ id, count, checksum })));
  await expect(page.getByTestId('trace-download')).toContainText('Download the cluster trace');
  await closeAll([page]);
});

test('a shared run (a crash and a restart by hand) replays exactly from its link', async ({ browser }) => {
  // A 20 s send phase, then slow motion: the run opens at 1× and must not end before the clicks,
  // however loaded the machine (a 2.5 s run did, in a CI run at load 12).
  const page = await openTab(browser, '/#sandbox=v1;n=4;seed=3;send=20000;wait=1000');
  await page.getByTestId('sandbox-speed-0.1').click();
  await page.getByTestId('node-n2').click();
  await page.getByTestId('node-crash').click();
  await expect(page.getByTestId('node-restart')).toBeVisible();
  await page.waitForTimeout(300);
  await page.getByTestId('node-restart').click();
  await runToEndAtFullSpeed(page);
  const results = await resultTable(page);
  await page.getByTestId('sandbox-share').click();
  const link = await page.getByTestId('share-url').inputValue();
  expect(link).toMatch(/#sandbox=v1;n=4;seed=3;send=20000;a=[\d.]+@crash:2,[\d.]+@restart:2$/);
  const again = await openTab(browser, link.replace(/^https?:\/\/[^/]+/, ''));
  await runToEndAtFullSpeed(again);
  expect(await resultTable(again)).toEqual(results);
  await closeAll([page, again]);
});

test('a guided scenario plays to its end', async ({ browser }) => {
  const page = await openTab(browser, '/?sandbox');
  await page.getByTestId('scenario-happy-path').click();
  const titles = new Set<string>();
  const steps: number[] = [];
  const finished = page.getByTestId('scenario-finished');
  const deadline = Date.now() + 90_000;
  while (!(await finished.isVisible()) && Date.now() < deadline) {
    const title = page.getByTestId('scenario-step-title');
    // The step can change between two calls: never wait for an element that just went away.
    const shown = (await title.textContent({ timeout: 500 }).catch(() => null)) ?? '';
    titles.add(shown);
    const step = Number(await page.getByTestId('scenario-step').getAttribute('data-step', { timeout: 500 }).catch(() => null));
    if (step > 0) steps.push(step);
    // The step names n1: its glyph is ringed (the next step names n1 too).
    if (shown === 'Every DATA is acked') await expect(page.getByTestId('node-n1')).toHaveClass(/node-focus/);
    const next = page.getByTestId('scenario-next');
    if (await next.isVisible()) await next.click({ timeout: 500 }).catch(() => undefined); // it may have moved on by itself
    await page.waitForTimeout(150);
  }
  await expect(finished).toBeVisible();
  titles.add((await page.getByTestId('scenario-closing-title').textContent()) ?? '');
  // Steps that advance on an event can pass between two looks; those that wait for Next cannot.
  expect([...titles]).toEqual(expect.arrayContaining(['Three nodes, one stream each', 'Everyone prints the same line']));
  expect(steps).toEqual([...steps].sort((a, b) => a - b));
  expect(steps[0]).toBe(1);
  await expect(page.getByTestId('agreement')).toContainText('All 3 nodes agree');
  await closeAll([page]);
});

for (const nodes of [2, 8, 32]) {
  test(`with ${nodes} nodes no two node glyphs overlap and all lie inside the view`, async ({ browser }) => {
    const page = await openTab(browser, `/#sandbox=v1;n=${nodes};seed=1`);
    await expect(page.locator('.cluster-view svg g.node')).toHaveCount(nodes);
    await expectGlyphsApart(page, nodes);
    await closeAll([page]);
  });
}
