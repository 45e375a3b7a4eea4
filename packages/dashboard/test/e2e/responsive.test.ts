/**
 * Every page of the dashboard, with data in it (long URLs and ids included), at 375, 768 and
 * 1280 px in a real browser against a real `laurel start`: the page never scrolls sideways, at
 * 375 px every control can be tapped, the menu that replaces the sidebar opens and navigates (by
 * keyboard too), and dialogs fit. Screenshots at 375 px are what docs/dashboard.md shows
 * (LAUREL_DOCS_SCREENSHOTS=1 writes them to docs/images).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkipReason, launchBrowser, screenshot } from './support/browser.js';
import { docsScreenshot } from './support/docs-images.js';
import { startLaurel, type LaurelProcess } from './support/laurel-process.js';
import { assertDialogFits, assertNoSidewaysScroll, assertNothingCut, assertTappable } from './support/layout.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { createOwner, seedEverything, type OwnerSession, type Seeded } from './support/seed.js';

if (browserSkipReason) console.log(browserSkipReason);

/** A phone, a tablet (both touch screens) and a laptop. */
const widths = [375, 768, 1280] as const;

let laurel: LaurelProcess;
let receiver: Receiver;
let browser: Browser;
let session: OwnerSession;
let seeded: Seeded;

before(async () => {
  if (browserSkipReason) return;
  receiver = await startReceiver();
  laurel = await startLaurel();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await laurel?.stop();
  await receiver?.close();
});

async function openContext(width: number): Promise<{ context: BrowserContext; page: Page }> {
  const touch = width < 1024;
  const context = await browser.newContext({ viewport: { width, height: width < 1024 ? 812 : 860 }, isMobile: width < 600, hasTouch: touch });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** Every route of src/App.tsx, each with something on screen that says it has loaded its data. */
function pages(): { name: string; path: string; ready: string }[] {
  return [
    { name: 'home', path: '/', ready: 'Local receiver' },
    { name: 'webhooks', path: '/env/development/webhooks', ready: 'Local receiver' },
    { name: 'webhook', path: `/env/development/webhooks/${seeded.webhookId}`, ready: 'points.changed' },
    { name: 'api-keys', path: '/env/development/api-keys', ready: 'backend (development)' },
    { name: 'metrics', path: '/env/development/metrics', ready: 'Minutes practised' },
    { name: 'attributes', path: '/env/development/attributes', ready: 'Plan' },
    { name: 'achievements', path: '/env/development/achievements', ready: 'ios-and-android-apps' },
    { name: 'streaks', path: '/env/development/streaks', ready: 'Save streak settings' },
    { name: 'points', path: '/env/development/points', ready: 'Energy' },
    { name: 'points-system', path: `/env/development/points/${seeded.xpSystemId}`, ready: 'Welcome back, Maya' },
    { name: 'leaderboards', path: '/env/development/leaderboards', ready: 'Streak legends' },
    { name: 'leaderboard', path: `/env/development/leaderboards/${seeded.weeklyBoardId}`, ready: 'Show ranking' },
    { name: 'users', path: '/env/development/users', ready: seeded.longUserId },
    { name: 'user', path: `/env/development/users/${encodeURIComponent(seeded.longUserId)}`, ready: 'Not subscribed (no email address)' },
    // Maya earned XP from a lesson sent after the system existed: her page lists the award.
    { name: 'user-points', path: '/env/development/users/maya', ready: 'Metric: Lessons completed' },
    { name: 'environments', path: '/settings/environments', ready: 'staging' },
    { name: 'members', path: '/settings/members', ready: 'teammate-with-a-long-address' },
    { name: 'account', path: '/settings/account', ready: 'Change password' },
    { name: 'not-found-in-environment', path: '/env/development/no-such-page', ready: 'Page not found' },
    { name: 'not-found', path: '/no-such-page', ready: 'Page not found' },
  ];
}

async function open(page: Page, path: string, ready: string): Promise<void> {
  await page.goto(`${laurel.url}${path}`);
  await page.getByText(ready).filter({ visible: true }).first().waitFor();
  // Counters, event types and badges arrive after the first rows; measure once the page has settled.
  await page.waitForLoadState('networkidle');
}

test('dashboard: every page at 375, 768 and 1280 px', { skip: browserSkipReason, timeout: 300_000 }, async (t) => {
  await t.test('the set-up page fits at every width', async () => {
    for (const width of widths) {
      const { context, page } = await openContext(width);
      await page.goto(laurel.url);
      await page.waitForURL('**/setup');
      await page.getByRole('button', { name: 'Create owner account' }).waitFor();
      await assertNoSidewaysScroll(page, `/setup at ${width} px`);
      if (width === 375) {
        await assertTappable(page, '/setup at 375 px');
        await docsScreenshot(page, 'dashboard-375-setup');
      }
      await context.close();
    }
  });

  session = await createOwner(laurel.url);
  seeded = await seedEverything(session, receiver);

  await t.test('the sign-in page fits at every width', async () => {
    for (const width of widths) {
      const { context, page } = await openContext(width);
      await page.goto(`${laurel.url}/login`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await assertNoSidewaysScroll(page, `/login at ${width} px`);
      if (width === 375) {
        await assertTappable(page, '/login at 375 px');
        await docsScreenshot(page, 'dashboard-375-sign-in');
      }
      await context.close();
    }
  });

  for (const width of widths) {
    await t.test(`every page at ${width} px: nothing scrolls sideways${width === 375 ? ', every control can be tapped' : ''}`, async () => {
      const { context, page } = await openContext(width);
      await session.signIn(context);
      for (const { name, path, ready } of pages()) {
        await open(page, path, ready);
        await assertNoSidewaysScroll(page, `${path} at ${width} px`);
        if (width === 375) {
          await assertTappable(page, `${path} at 375 px`);
          if (name !== 'home') await docsScreenshot(page, `dashboard-375-${name}`);
        } else {
          await screenshot(page, `${width}-${name}`);
        }
      }
      await context.close();
    });
  }

  await t.test('at 375 px the sidebar is a menu: a button opens it, by keyboard too, and its links navigate', async () => {
    const { context, page } = await openContext(375);
    await session.signIn(context);
    await open(page, '/env/development/webhooks', 'Local receiver');
    const menuButton = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'false');
    assert.equal(await nav.isVisible(), false, 'closed, the menu is hidden (from screen readers too)');

    await menuButton.click();
    await nav.waitFor();
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Webhooks', 'the focus moves to the current page in the menu');
    assert.notEqual(await page.locator('.main').getAttribute('inert'), null, 'the page behind the menu is inert');
    await assertNoSidewaysScroll(page, 'the open menu');
    await assertTappable(page, 'the open menu');
    await docsScreenshot(page, 'dashboard-375-menu', { fullPage: false });

    await page.keyboard.press('Escape');
    await nav.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-controls')), 'sidebar', 'Escape gives the focus back to the menu button');

    // Keyboard only: Enter opens it, Tab walks the links, Enter follows one.
    await page.keyboard.press('Enter');
    await nav.waitFor();
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Metrics'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/env/development/metrics');
    await nav.waitFor({ state: 'hidden' });
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'false', 'following a link closes the menu');
    await page.getByText('Minutes practised').waitFor();

    // And by touch, to a settings page and back into the environment.
    await menuButton.tap();
    await nav.getByRole('link', { name: 'Members' }).tap();
    await page.waitForURL('**/settings/members');
    await menuButton.tap();
    await nav.getByRole('link', { name: 'Users' }).tap();
    await page.waitForURL('**/env/development/users');
    await page.getByText(seeded.longUserId).waitFor();
    // The button stays above the open menu, and closes it again.
    await menuButton.tap();
    await nav.waitFor();
    await menuButton.tap();
    await nav.waitFor({ state: 'hidden' });
    await context.close();
  });

  await t.test('at 1280 px the sidebar is always there and there is no menu button', async () => {
    const { context, page } = await openContext(1280);
    await session.signIn(context);
    await open(page, '/env/development/metrics', 'Minutes practised');
    assert.equal(await page.getByRole('button', { name: 'Menu' }).isVisible(), false);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Achievements' }).click();
    await page.waitForURL('**/env/development/achievements');
    await context.close();
  });

  await t.test('at 375 px dialogs fit, the expanded delivery stays inside its table, and long values can be copied', async () => {
    const { context, page } = await openContext(375);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: laurel.url });
    await session.signIn(context);

    await open(page, '/env/development/webhooks', 'Local receiver');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await assertDialogFits(page, 'Create webhook at 375 px');
    await assertTappable(page, 'Create webhook at 375 px');
    await docsScreenshot(page, 'dashboard-375-create-webhook', { fullPage: false });
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).tap();

    await open(page, `/env/development/webhooks/${seeded.webhookId}`, 'points.changed');
    await page.getByRole('button', { name: 'Copy URL' }).tap();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), seeded.webhookUrl, 'the long URL is copied whole');
    await page.locator('[data-testid=delivery-row][data-event-type="achievement.completed"]').getByRole('button', { name: 'Details' }).tap();
    await page.locator('[data-testid=delivery-attempt]').first().waitFor();
    await assertNoSidewaysScroll(page, 'an expanded delivery at 375 px');
    await docsScreenshot(page, 'dashboard-375-delivery');
    await page.getByRole('button', { name: 'Rotate secret' }).tap();
    await assertDialogFits(page, 'Rotate secret at 375 px');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).tap();
    await page.getByRole('button', { name: 'Recover failed deliveries' }).tap();
    await page.getByRole('dialog').getByLabel('Window').selectOption('custom');
    await assertDialogFits(page, 'Recover failed deliveries at 375 px');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).tap();

    await open(page, '/env/development/achievements', 'ios-and-android-apps');
    await page.getByRole('button', { name: 'Edit An hour on the phone app' }).tap();
    await assertDialogFits(page, 'Edit achievement at 375 px');
    await assertTappable(page, 'Edit achievement at 375 px');
    await docsScreenshot(page, 'dashboard-375-edit-achievement', { fullPage: false });
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).tap();

    await open(page, `/env/development/points/${seeded.xpSystemId}`, 'Welcome back, Maya');
    await page.getByRole('button', { name: 'Edit metric trigger +10 points' }).tap();
    assert.equal(await page.getByRole('dialog').getByLabel('Event attribute 1 value').inputValue(), 'ios-and-android-apps', 'the filter is shown by key and value');
    await assertDialogFits(page, 'Edit trigger at 375 px');
    await assertTappable(page, 'Edit trigger at 375 px');
    await docsScreenshot(page, 'dashboard-375-edit-trigger', { fullPage: false });
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).tap();
    await page.getByRole('button', { name: 'Edit Premium bonus' }).tap();
    await assertDialogFits(page, 'Edit boost at 375 px');
    await assertTappable(page, 'Edit boost at 375 px');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).tap();

    await open(page, '/env/development/leaderboards', 'Streak legends');
    await page.getByRole('button', { name: 'Edit Weekly lessons' }).tap();
    await assertDialogFits(page, 'Edit leaderboard at 375 px');
    await assertTappable(page, 'Edit leaderboard at 375 px');
    await docsScreenshot(page, 'dashboard-375-edit-leaderboard', { fullPage: false });
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).tap();

    // A group's ranking, as the docs show the page: the seed's lessons in London.
    await open(page, `/env/development/leaderboards/${seeded.weeklyBoardId}`, 'Show ranking');
    await page.getByLabel('City', { exact: true }).fill('London');
    await page.getByRole('button', { name: 'Show ranking' }).tap();
    await page.locator('[data-testid=ranking-row], [data-testid=no-rankings]').first().waitFor();
    await assertNoSidewaysScroll(page, 'a ranking at 375 px');
    await assertTappable(page, 'a ranking at 375 px');
    await docsScreenshot(page, 'dashboard-375-leaderboard');

    await open(page, `/env/development/users/${encodeURIComponent(seeded.longUserId)}`, 'Ten lessons');
    // Each achievement shows when it was completed without scrolling: nothing in the card is cut.
    await assertNothingCut(page.getByRole('region', { name: 'Achievements' }), "a user's achievements at 375 px");
    await page.getByRole('button', { name: 'Copy user ID' }).tap();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), seeded.longUserId);
    await context.close();
  });
});
