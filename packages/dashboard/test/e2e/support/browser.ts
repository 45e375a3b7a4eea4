/** Debian's chromium driven by playwright-core; never a downloaded browser. */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * undefined when the browser tests can run; otherwise the one line that says why they are skipped.
 * In CI (CI=true, where .ci/run installs chromium) a missing browser is an error, not a skip.
 * `npm test` (scripts/run-tests.mjs) makes the same check once and leaves test/e2e/ out, so the
 * line is printed once per run; this one serves files run directly with `node --test`.
 */
export const browserSkipReason: string | undefined = existsSync(CHROMIUM_PATH)
  ? undefined
  : `browser tests skipped: no chromium at ${CHROMIUM_PATH} (install Debian's chromium package, or set CHROMIUM_PATH)`;
if (browserSkipReason && process.env.CI === 'true') throw new Error(`CI=true but ${browserSkipReason}`);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // The machine's network is closed: without the background-networking flags chromium keeps dialling Google.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Full-page screenshots land in packages/dashboard/artifacts/screenshots (ignored by git) for a human to look at. */
export const screenshotDir = fileURLToPath(new URL('../../../artifacts/screenshots', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage: true });
}
