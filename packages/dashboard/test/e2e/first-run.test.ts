/**
 * The whole first-time flow in a real browser against a real `laurel start` and a real receiver:
 * owner account, environments, a metric and an achievement, an API key, a webhook and its secret,
 * an event that completes the achievement, the signed delivery in the log, a retry, and a
 * production webhook that never sees development's (and back).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchBrowser, screenshot } from './support/browser.js';
import { startLaurel, type LaurelProcess } from './support/laurel-process.js';
import { startReceiver, trophySignatureValid, type Receiver } from './support/receiver.js';

if (browserSkipReason) console.log(browserSkipReason);

const owner = { email: 'owner@example.com', password: 'a long enough password' };

let laurel: LaurelProcess;
let receiver: Receiver;
let browser: Browser;
let page: Page;

before(async () => {
  if (browserSkipReason) return;
  receiver = await startReceiver();
  // Retries two seconds apart so the test watches one happen instead of waiting Trophy's minute.
  laurel = await startLaurel({ LAUREL_RETRY_SCHEDULE: '2s,2s,2s' });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: laurel.url });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await laurel?.stop();
  await receiver?.close();
});

test('dashboard: first run to a verified, retried webhook delivery', { skip: browserSkipReason, timeout: 240_000 }, async (t) => {
  let apiKey = '';
  let secret = '';
  let devWebhookUrl = '';

  await t.test('the first visit asks for the owner account', async () => {
    await page.goto(laurel.url);
    await page.waitForURL('**/setup');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password', { exact: true }).fill(owner.password);
    await screenshot(page, '01-setup');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.waitForURL('**/env/development/webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
  });

  await t.test('the environment switcher moves between production and development', async () => {
    const switcher = page.getByLabel('Environment');
    await switcher.selectOption('production');
    await page.waitForURL('**/env/production/webhooks');
    await page.getByRole('note').filter({ hasText: /production/i }).waitFor();
    await switcher.selectOption('development');
    await page.waitForURL('**/env/development/webhooks');
    await page.getByRole('note').filter({ hasText: /development/i }).waitFor();
  });

  await t.test('create a metric', async () => {
    await page.getByRole('link', { name: 'Metrics', exact: true }).click();
    await page.getByRole('button', { name: 'Create metric' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Lessons completed');
    await dialog.getByLabel('Key').fill('lessons');
    await dialog.getByRole('button', { name: 'Create metric' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('cell').filter({ hasText: 'Lessons completed' }).first().waitFor();
    await screenshot(page, '02-metrics');

    // The server refuses a key in use; its message sits under Key and goes once Key is edited.
    await page.getByRole('button', { name: 'Create metric' }).click();
    await dialog.getByLabel('Name').fill('Lessons again');
    await dialog.getByLabel('Key').fill('lessons');
    await dialog.getByRole('button', { name: 'Create metric' }).click();
    const keyError = dialog.locator('.field-invalid').filter({ has: page.getByLabel('Key') }).locator('.field-error');
    await keyError.waitFor();
    assert.match(await keyError.innerText(), /already in use/);
    await dialog.getByLabel('Key').fill('lessons-2');
    await keyError.waitFor({ state: 'detached' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  await t.test('create an active metric achievement', async () => {
    await page.getByRole('link', { name: 'Achievements', exact: true }).click();
    await page.getByRole('button', { name: 'Create achievement' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Ten lessons');
    await dialog.getByLabel('Key').fill('ten-lessons');
    await dialog.getByLabel('Trigger').selectOption('metric');
    await dialog.getByLabel('Metric', { exact: true }).selectOption('lessons');
    await dialog.getByLabel('Threshold').fill('10');
    await dialog.getByLabel('Status', { exact: true }).selectOption('active');
    // Activation backdates completions to users who already qualify; the form says so before saving.
    await dialog.getByText(/backdate|already/i).first().waitFor();
    await dialog.getByRole('button', { name: 'Create achievement' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Ten lessons').first().waitFor();
    await screenshot(page, '03-achievements');
  });

  await t.test('create an anniversary achievement: years after signing up', async () => {
    await page.getByRole('button', { name: 'Create achievement' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('One year with us');
    await dialog.getByLabel('Key').fill('one-year');
    await dialog.getByLabel('Trigger').selectOption('anniversary');
    await dialog.getByRole('button', { name: 'Create achievement' }).click();
    // No years given: said beside the field, nothing created.
    await dialog.getByText('Years is required.').waitFor();
    await dialog.getByLabel('Years after signing up').fill('2');
    await dialog.getByRole('button', { name: 'Create achievement' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('2 years after signing up').first().waitFor();
    // What the page shows is what the server stored (the session's cookie authenticates the Admin API).
    const stored = await page.evaluate(async () => (await (await fetch('/admin/v1/achievements', { headers: { 'x-laurel-environment': 'development' } })).json()) as { key: string; trigger: string; anniversaryYears?: number }[]);
    const created = stored.filter((achievement) => achievement.key === 'one-year');
    assert.deepEqual(created.map(({ trigger, anniversaryYears }) => ({ trigger, anniversaryYears })), [{ trigger: 'anniversary', anniversaryYears: 2 }]);
  });

  await t.test('create an API key, shown once', async () => {
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByRole('button', { name: 'Add API key' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('e2e backend');
    await dialog.getByRole('button', { name: 'Create API key' }).click();
    apiKey = (await dialog.getByLabel('API key').innerText()).trim();
    assert.match(apiKey, /^dev_[a-z0-9]{8}\.[A-Za-z0-9_-]{20,}$/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('api-key-row').first().waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), new RegExp(apiKey.split('.')[1]!), 'the secret part is never listed');
    await screenshot(page, '04-api-keys');
  });

  await t.test('create a webhook subscribed to achievement.completed', async () => {
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('button', { name: 'Add webhook' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    // Nothing filled in: the messages sit next to the fields and nothing is created.
    await dialog.locator('.field-error').first().waitFor();
    await dialog.getByLabel('Name', { exact: true }).fill('Local receiver');
    await dialog.getByLabel('URL').fill(receiver.url);
    await dialog.getByRole('checkbox', { name: /achievement\.completed/ }).check();
    assert.equal(await dialog.locator('.field-error').count(), 0, 'each message goes once its field is fixed');
    await screenshot(page, '05-create-webhook');
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    const shownOnce = (await dialog.getByLabel('Signing secret').innerText()).trim();
    assert.match(shownOnce, /^whsec_/);
    await dialog.getByRole('button', { name: 'Open webhook' }).click();
    await page.waitForURL(/\/env\/development\/webhooks\/[^/]+$/);
    devWebhookUrl = page.url();
  });

  await t.test('reveal and copy the secret', async () => {
    const shown = page.getByTestId('webhook-secret');
    assert.match(await shown.innerText(), /^whsec_•+$/, 'hidden by default');
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await page.getByTestId('webhook-secret').getByText(/^whsec_[A-Za-z0-9+/=]{40,}$/).waitFor();
    secret = (await shown.innerText()).trim();
    await page.getByRole('button', { name: 'Copy secret' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  });

  await t.test('a metric event completes the achievement and the signed delivery shows in the log', async () => {
    const response = await fetch(`${laurel.url}/v1/metrics/lessons/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ user: { id: 'test-user', email: 'test-user@example.com' }, value: 10 }),
    });
    assert.equal(response.status, 201, await response.text());

    const delivery = await receiver.waitFor((d) => d.body.includes('"achievement.completed"'));
    assert.ok(trophySignatureValid(delivery, secret), 'X-Trophy-Signature verifies with the copied secret');
    const payload = JSON.parse(delivery.body);
    assert.equal(payload.user.id, 'test-user');
    assert.equal(payload.achievement.key, 'ten-lessons');

    const row = page.locator('[data-testid=delivery-row][data-event-type="achievement.completed"][data-status=succeeded]');
    await row.waitFor(); // no reload: the log polls
    await row.click();
    await page.getByText('"ten-lessons"').first().waitFor();
    await page.locator('[data-testid=delivery-attempt][data-trigger=first][data-status-code="200"]').first().waitFor();
    await screenshot(page, '06-webhook-delivered');
  });

  await t.test('a failing receiver: the retry appears in the log, then succeeds', async () => {
    receiver.respondWith(500);
    const before = receiver.received.length;
    await page.getByLabel('Event type', { exact: true }).selectOption('streak.extended');
    await page.getByRole('button', { name: 'Send test event' }).click();
    const row = page.locator('[data-testid=delivery-row][data-event-type="streak.extended"]').first();
    await page.locator('[data-testid=delivery-row][data-event-type="streak.extended"][data-status=retrying]').waitFor();
    await row.click();
    await page.locator('[data-testid=delivery-attempt][data-trigger=retry]').first().waitFor();
    await screenshot(page, '07-webhook-retrying');
    receiver.respondWith(200);
    await page.locator('[data-testid=delivery-row][data-event-type="streak.extended"][data-status=succeeded]').waitFor({ timeout: 20_000 });
    const attempts = receiver.received.slice(before).filter((d) => d.body.includes('"streak.extended"'));
    assert.ok(attempts.length >= 2, `the receiver saw the first attempt and at least one retry (${attempts.length})`);
    assert.equal(new Set(attempts.map((d) => d.headers['webhook-id'])).size, 1, 'every retry carries the same webhook-id');
  });

  await t.test('a production webhook and the development one never see each other', async () => {
    await page.getByLabel('Environment').selectOption('production');
    await page.waitForURL('**/env/production/webhooks');
    await page.getByText('No webhooks yet').waitFor();
    await page.getByRole('button', { name: 'Add webhook' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('Production receiver');
    await dialog.getByLabel('URL').fill(`${receiver.url}/production`);
    await dialog.getByRole('checkbox', { name: /achievement\.completed/ }).check();
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    await dialog.getByRole('button', { name: 'Open webhook' }).click();
    await page.getByText('No deliveries yet').waitFor();
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByTestId('webhook-row').first().waitFor();
    const production = await page.locator('main').innerText();
    assert.match(production, /Production receiver/);
    assert.doesNotMatch(production, /Local receiver/);
    await screenshot(page, '08-production-webhooks');

    // The development webhook's own address, opened in production, is not found.
    await page.goto(devWebhookUrl.replace('/env/development/', '/env/production/'));
    await page.getByText('Webhook not found').waitFor();

    await page.getByLabel('Environment').selectOption('development');
    await page.waitForURL('**/env/development/webhooks');
    await page.getByTestId('webhook-row').first().waitFor();
    const development = await page.locator('main').innerText();
    assert.match(development, /Local receiver/);
    assert.doesNotMatch(development, /Production receiver/);
    await screenshot(page, '09-webhooks');

    // And through the API: the development key sees only its own webhook.
    const listed = (await (await fetch(`${laurel.url}/admin/v1/webhooks`, { headers: { 'x-api-key': apiKey } })).json()) as { name: string }[];
    assert.deepEqual(listed.map((w) => w.name), ['Local receiver']);
  });

  await t.test('screenshots of the other main pages', async () => {
    await page.goto(devWebhookUrl);
    await page.getByTestId('delivery-row').first().waitFor();
    await screenshot(page, '10-webhook-detail');
    for (const [path, name, ready] of [
      ['users', '11-users', 'test-user'],
      ['users/test-user', '12-user-detail', 'Ten lessons'],
      ['streaks', '13-streaks', 'Streaks'],
      ['attributes', '14-attributes', 'Attributes'],
    ] as const) {
      await page.goto(`${laurel.url}/env/development/${path}`);
      await page.getByText(ready).first().waitFor();
      await screenshot(page, name);
    }
    await page.goto(`${laurel.url}/settings/environments`);
    await page.getByTestId('environment-row').first().waitFor();
    await screenshot(page, '15-environments');
  });
});
