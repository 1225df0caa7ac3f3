// Bad input gets a clear message in the page, never a blank screen.

import { expect, test } from '@playwright/test';
import { closeAll, openTab } from './fixtures';

test('an invalid room name is explained', async ({ browser }) => {
  const page = await openTab(browser, '/?room=not%20a%20room!');
  await expect(page.getByRole('alert')).toContainText(/room/i);
  await closeAll([page]);
});

test('a corrupt trace file is explained, naming the bad line', async ({ browser }) => {
  const page = await openTab(browser, '/');
  await page.getByTestId('trace-open').setInputFiles({ name: 'broken.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from('{"t":1,"node":"a","ev":"phase","phase":"sending"}\nnot json\n') });
  await expect(page.getByRole('alert')).toContainText(/line 2/i);
  await closeAll([page]);
});
