/** What a person sees after pressing a form's button: the message, under the right field, with the keyboard there. */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

/**
 * The field labelled `label` shows `message` under it, has the keyboard, and is on screen: where a
 * person who just pressed the button is looking.
 */
export async function assertFirstError(scope: Page | Locator, label: string, message: string | RegExp): Promise<void> {
  const page = 'mainFrame' in scope ? scope : scope.page();
  const field = scope.getByLabel(label, { exact: true });
  // `has` is looked for inside each candidate, so it must not start from the dialog again.
  const error = scope.locator('.field-invalid').filter({ has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
  await error.waitFor();
  assert.match(await error.innerText(), typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message);
  await page.waitForFunction((element) => element === document.activeElement, await field.elementHandle());
  const inView = await field.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  });
  assert.ok(inView, `${label} is scrolled into view`);
}
