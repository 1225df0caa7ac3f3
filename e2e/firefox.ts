// A Firefox tab for the e2e specs: Debian's firefox-esr driven over WebDriver BiDi by puppeteer-core
// (Playwright 1.65's Firefox support does not work with the system Firefox).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Set to 1 to skip the Firefox cases (a machine without Firefox); CI installs firefox-esr instead. */
export const SKIP_FIREFOX = process.env.CHATTERBOX_SKIP_FIREFOX === '1';

/** The system Firefox: Debian's /usr/bin/firefox-esr, or $FIREFOX_PATH. */
export function firefoxPath(): string {
  return process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
}

/**
 * Preferences on top of puppeteer's own (which already turn off updates, telemetry and safe
 * browsing): no calls home, and host candidates with real addresses, as the Chromium tabs get
 * with `--disable-features=WebRtcHideLocalIpsWithMdns` (an mDNS name would not resolve here).
 */
const PREFERENCES = {
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'toolkit.telemetry.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'app.update.disabledForTesting': true,
  'browser.shell.checkDefaultBrowser': false,
} as const;

export interface FirefoxTab {
  page: Page;
  /** Closes the browser and removes its temporary home (puppeteer removes the profile itself). */
  close(): Promise<void>;
}

/** Starts a headless Firefox with a fresh profile and a temporary HOME, and opens `url` in it. */
export async function openFirefoxTab(url: string): Promise<FirefoxTab> {
  const executablePath = firefoxPath();
  if (!existsSync(executablePath)) {
    throw new Error(`Firefox not found at ${executablePath}: install firefox-esr (apt-get install -y firefox-esr), set FIREFOX_PATH, or set CHATTERBOX_SKIP_FIREFOX=1 to skip the Firefox cases`);
  }
  const home = mkdtempSync(join(tmpdir(), 'chatterbox-firefox-home-'));
  let browser: Browser | null = null;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath,
      headless: true,
      extraPrefsFirefox: PREFERENCES,
      env: { ...process.env, HOME: home, MOZ_HEADLESS: '1', MOZ_CRASHREPORTER_DISABLE: '1' },
    });
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`[firefox page error] ${error instanceof Error ? error.message : String(error)}`));
    await page.goto(url);
    const opened = browser;
    return { page, close: () => closeFirefox(opened, home) };
  } catch (error) {
    await closeFirefox(browser, home);
    throw error;
  }
}

async function closeFirefox(browser: Browser | null, home: string): Promise<void> {
  try {
    await browser?.close();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The trimmed text of the element with `data-testid=testId`, once `matches` accepts it. */
export async function waitForTestIdText(page: Page, testId: string, matches: RegExp, timeout: number): Promise<string> {
  const selector = `[data-testid="${testId}"]`;
  try {
    await page.waitForFunction(
      (sel: string, source: string, flags: string) => new RegExp(source, flags).test(document.querySelector(sel)?.textContent?.trim() ?? ''),
      { timeout, polling: 200 },
      selector,
      matches.source,
      matches.flags,
    );
  } catch (error) {
    const shown = await page.$eval(selector, (element) => element.textContent?.trim() ?? '').catch(() => '(not on the page)');
    throw new Error(`Firefox tab: ${testId} never matched ${matches} within ${timeout} ms; it shows ${JSON.stringify(shown)} (${String(error)})`);
  }
  return page.$eval(selector, (element) => element.textContent?.trim() ?? '');
}
