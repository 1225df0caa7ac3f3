// Shared helpers for the e2e specs: tabs as nodes (one browser context each), CLI nodes, rooms.

import { expect, type Browser, type Page } from '@playwright/test';

export { randomRoom } from '../test/support/cli-process';

/** The signaling server's WebSocket URL for CLI nodes (same port as the page). */
export function signalUrl(baseURL: string): string {
  return baseURL.replace(/^http/, 'ws');
}

/** Opens a node tab in its own browser context (as a separate browser would be). */
export async function openTab(browser: Browser, path: string): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(path);
  return page;
}

export async function ownId(page: Page): Promise<string> {
  const id = page.getByTestId('own-id');
  await expect(id).not.toHaveText('');
  return (await id.textContent())!.trim();
}

export async function expectMesh(pages: Page[], members: number): Promise<void> {
  for (const page of pages) await expect(page.getByTestId('mesh-status')).toContainText(`${members} of ${members} connected`, { timeout: 30_000 });
}

/** Sets a run parameter input by its label. */
export async function setParam(page: Page, label: RegExp, value: string): Promise<void> {
  await page.getByLabel(label).fill(value);
}

export async function expectDone(page: Page, timeout = 60_000): Promise<string> {
  await expect(page.getByTestId('phase')).toContainText('done', { timeout });
  await expect(page.getByTestId('result')).toHaveText(/^\(\d+, \d+\.\d{10}\)$/);
  return (await page.getByTestId('result').textContent())!.trim();
}

export async function expectAgreement(page: Page): Promise<void> {
  const agreement = page.getByTestId('agreement');
  await expect(agreement).toContainText('agree', { timeout: 20_000 });
  await expect(agreement).not.toContainText('disagree');
}

export async function closeAll(pages: Page[]): Promise<void> {
  for (const page of pages) await page.context().close();
}
