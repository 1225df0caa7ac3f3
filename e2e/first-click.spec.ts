// A user's first click on Start, the instant it is enabled, starts the run (ten fresh rooms in a row).

import { expect, test } from '@playwright/test';
import { closeAll, expectAgreement, expectDone, openTab, randomRoom, setParam } from './fixtures';

test('(h) 3 tabs: Start clicked the instant it is enabled starts the run and the tabs agree, 10 rooms in a row', async ({ browser }) => {
  test.setTimeout(300_000);
  for (let round = 0; round < 10; round += 1) {
    const room = randomRoom();
    const pages = [];
    for (let i = 0; i < 3; i += 1) pages.push(await openTab(browser, `/?room=${room}`));
    await setParam(pages[0], /send-for/i, '1');
    await setParam(pages[0], /wait-for/i, '1');
    const start = pages[0].getByTestId('start-run');
    await expect(start).toBeEnabled({ timeout: 30_000 });
    await start.click();
    await expect(pages[0].getByTestId('phase'), `round ${round + 1}: the run did not start on the first click`).toContainText(/sending|waiting|done/, { timeout: 5_000 });
    const results = [];
    for (const page of pages) results.push(await expectDone(page));
    expect(new Set(results).size, `round ${round + 1}`).toBe(1);
    await expectAgreement(pages[0]);
    await closeAll(pages);
  }
});
