/** Layout checks that a person on a phone would make: nothing scrolls sideways, every control can be tapped. */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

/**
 * The page never scrolls sideways: the document is no wider than the window. When it is, the
 * message names the elements that stick out past the right edge outside any box that scrolls.
 */
export async function assertNoSidewaysScroll(page: Page, what: string): Promise<void> {
  // On a phone the browser zooms out to fit a page that is too wide, and innerWidth grows with it:
  // measure against the width of the screen, which it cannot change.
  const viewport = page.viewportSize()!.width;
  // No helper functions inside evaluate: tsx names them with a helper that the page does not have.
  const found = await page.evaluate((width) => {
    const clipping = ['auto', 'scroll', 'hidden', 'clip'];
    const offenders: string[] = [];
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      if (offenders.length >= 5) break;
      if (element.getBoundingClientRect().right <= width + 0.5) continue;
      let parent = element.parentElement;
      while (parent && parent !== document.body && !clipping.includes(getComputedStyle(parent).overflowX)) parent = parent.parentElement;
      if (parent && parent !== document.body) continue; // inside its own scrolling box
      offenders.push(`${element.tagName.toLowerCase()}.${Array.from(element.classList).join('.')} "${(element.textContent ?? '').trim().slice(0, 40)}"`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, offenders };
  }, viewport);
  const fits = found.scrollWidth <= found.innerWidth && found.innerWidth === viewport;
  assert.ok(fits, `${what}: the page is ${found.scrollWidth} px wide (window ${found.innerWidth} px, screen ${viewport} px); sticking out: ${found.offenders.join('; ')}`);
}

// What a finger taps: buttons and things that behave as buttons, form controls, tabs, menu links.
const TAPPABLE = [
  'button',
  'select',
  'input:not([type=checkbox]):not([type=radio]):not([type=hidden])',
  'textarea',
  '[role=tab]',
  'summary',
  'a.nav-link',
  'a.button',
  'label.checkbox',
  '.event-option > label',
].join(', ');

/** Every visible control is at least 44 by 44 CSS pixels (WCAG 2.5.5), counting its label for a checkbox. */
export async function assertTappable(page: Page, what: string): Promise<void> {
  const small = await page.evaluate((selector) => {
    const found: string[] = [];
    for (const element of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      if (!element.checkVisibility() || element.closest('[inert], .visually-hidden')) continue;
      const { width, height } = element.getBoundingClientRect();
      if (width < 44 || height < 44) found.push(`${element.tagName.toLowerCase()} "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 30)}" ${Math.round(width)}x${Math.round(height)}`);
    }
    return found;
  }, TAPPABLE);
  assert.deepEqual(small, [], `${what}: controls smaller than 44 x 44 px`);
}

/** A dialog fits the window: nothing of it is cut off at the sides, and it does not scroll sideways inside. */
export async function assertDialogFits(page: Page, what: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const box = (await dialog.boundingBox())!;
  const width = page.viewportSize()!.width;
  assert.ok(box.x >= 0 && box.x + box.width <= width, `${what}: the dialog spans ${Math.round(box.x)}-${Math.round(box.x + box.width)} px in a ${width} px window`);
  const inside = await dialog.locator('.modal-body').evaluate((body) => ({ scrollWidth: body.scrollWidth, clientWidth: body.clientWidth }));
  assert.ok(inside.scrollWidth <= inside.clientWidth, `${what}: the dialog's content is ${inside.scrollWidth} px wide in ${inside.clientWidth} px`);
  await assertNoSidewaysScroll(page, what);
}

/**
 * Nothing inside `scope` is cut: no descendant reaches past its left or right edge, and no box
 * inside it scrolls sideways (a table that scrolls hides its last columns on a phone).
 */
export async function assertNothingCut(scope: Locator, what: string): Promise<void> {
  const found = await scope.evaluate((root) => {
    // The scope's own box counts only as far as the screen: a card that grew past the window
    // would otherwise hold whatever pushed it there.
    const box0 = root.getBoundingClientRect();
    const outer = { left: Math.max(box0.left, 0), right: Math.min(box0.right, document.documentElement.clientWidth) };
    const cut: string[] = [];
    for (const element of [root, ...Array.from(root.querySelectorAll('*'))]) {
      if (cut.length >= 5) break;
      const box = element.getBoundingClientRect();
      const name = `${element.tagName.toLowerCase()}.${Array.from(element.classList).join('.')} "${(element.textContent ?? '').trim().slice(0, 40)}"`;
      if (box.width > 0 && (box.right > outer.right + 0.5 || box.left < outer.left - 0.5)) cut.push(`${name} spans ${Math.round(box.left)}-${Math.round(box.right)} px`);
      else if (element.scrollWidth > element.clientWidth + 0.5 && ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(element).overflowX)) {
        cut.push(`${name} scrolls: ${element.scrollWidth} px in ${element.clientWidth} px`);
      }
    }
    return { cut, left: Math.round(outer.left), right: Math.round(outer.right) };
  });
  assert.deepEqual(found.cut, [], `${what}: cut at the edges of ${found.left}-${found.right} px`);
}
