/** Screenshots for docs/images: written there only when asked, so a test run leaves the work tree as it was. */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { screenshotDir } from './browser.js';

const docsImages = fileURLToPath(new URL('../../../../../docs/images', import.meta.url));

/** LAUREL_DOCS_SCREENSHOTS=1 writes the screenshots the docs show; otherwise they go with the others, to artifacts/. */
export const updateDocsImages = process.env.LAUREL_DOCS_SCREENSHOTS === '1';

/** The whole page, or only what is on screen (`fullPage: false`, for a menu or dialog over the page). */
export async function docsScreenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  const dir = updateDocsImages ? docsImages : screenshotDir;
  mkdirSync(dir, { recursive: true });
  // From the top, so the bar that sticks to the top of the window is drawn there.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage });
}
