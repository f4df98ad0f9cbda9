import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/install-servers.sh); playwright-core drives it and downloads nothing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Screenshots are kept as test artifacts (CI uploads test-results/). */
export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/console');

export interface ConsoleBrowser {
  browser: Browser;
  /** A fresh window of the given size; what it logs to its console is collected in `problems`. */
  open(url: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Console errors and warnings, uncaught page errors and failed requests, from every window. */
  problems: string[];
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    browser,
    problems,
    async open(url, viewport = { width: 1440, height: 900 }) {
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) => {
        // Closing the live stream on navigation or sign-out aborts it; that is not a failure.
        if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
      });
      await page.goto(url);
      return page;
    },
    async screenshot(page, name) {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: false });
      return path;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}
