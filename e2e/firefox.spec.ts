// Firefox is a supported browser: a Firefox tab joins Chromium tabs in one room and all agree.

import { expect, test, type Page } from '@playwright/test';
import { closeAll, expectAgreement, expectDone, expectMesh, openTab, randomRoom, setParam } from './fixtures';
import { openFirefoxTab, SKIP_FIREFOX, waitForTestIdText } from './firefox';

test('(f) a Firefox tab (protocol on its main thread) and two Chromium tabs form a mesh and agree', async ({ browser, baseURL }) => {
  test.skip(SKIP_FIREFOX, 'CHATTERBOX_SKIP_FIREFOX=1');
  const room = randomRoom();
  const launching = openFirefoxTab(`${baseURL}/?room=${room}`); // Firefox takes seconds to start: open the Chromium tabs meanwhile
  launching.catch(() => undefined); // its failure is reported where it is awaited, below
  const chromium: Page[] = [];
  try {
    for (let i = 0; i < 2; i += 1) chromium.push(await openTab(browser, `/?room=${room}`));
    const firefox = await launching;
    // Firefox cannot transfer data channels to a worker: its protocol runs beside the page, and the page says so.
    expect(await waitForTestIdText(firefox.page, 'node-mode', /^in /, 20_000)).toBe('in main thread');
    await expect(chromium[0].getByTestId('node-mode')).toHaveText('in worker');
    await expectMesh(chromium, 3);
    await waitForTestIdText(firefox.page, 'mesh-status', /3 of 3 connected/, 30_000);
    await setParam(chromium[0], /send-for/i, '2');
    await setParam(chromium[0], /wait-for/i, '2');
    await chromium[0].getByTestId('start-run').click();
    const chromiumResults = [await expectDone(chromium[0]), await expectDone(chromium[1])];
    await waitForTestIdText(firefox.page, 'phase', /done/, 60_000);
    const firefoxResult = await waitForTestIdText(firefox.page, 'result', /^\(\d+, \d+\.\d{10}\)$/, 20_000);
    expect(Number(/^\((\d+),/.exec(firefoxResult)![1])).toBeGreaterThan(0);
    expect(chromiumResults).toEqual([firefoxResult, firefoxResult]);
    expect(await waitForTestIdText(firefox.page, 'agreement', /agree/, 20_000)).not.toContain('disagree');
    for (const page of chromium) await expectAgreement(page);
  } finally {
    await launching.then((tab) => tab.close(), () => undefined); // a failed launch cleaned up after itself
    await closeAll(chromium);
  }
});
