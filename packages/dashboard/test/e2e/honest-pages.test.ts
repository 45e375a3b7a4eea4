/**
 * What the dashboard says is true, against a real `laurel start` in production mode: every form
 * names what is missing and takes the focus (and the scroll) to the first error; event types
 * nothing emits yet are marked wherever events are listed, as the API's catalog says; the footer
 * shows the server's mode whatever environment is open; relative times move on while the page
 * stays open; turning streaks on says what counts; and the profile says what `subscribeToEmails`
 * says for a user without an email address.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkipReason, launchBrowser } from './support/browser.js';
import { assertFirstError } from './support/forms.js';
import { startLaurel, type LaurelProcess } from './support/laurel-process.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { owner } from './support/seed.js';

if (browserSkipReason) console.log(browserSkipReason);

const setupToken = 'a set-up token for the e2e test';

let laurel: LaurelProcess;
let receiver: Receiver;
let browser: Browser;
let context: BrowserContext;
let page: Page;

before(async () => {
  if (browserSkipReason) return;
  receiver = await startReceiver();
  // Production mode: set-up needs the token, and the receiver on loopback must be allowed explicitly.
  laurel = await startLaurel({ LAUREL_MODE: 'production', LAUREL_SETUP_TOKEN: setupToken, LAUREL_WEBHOOK_ALLOWLIST: '127.0.0.0/8' });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await laurel?.stop();
  await receiver?.close();
});

async function call(method: string, path: string, body?: unknown, environment = 'development'): Promise<any> {
  const cookies = await context.cookies(laurel.url);
  const session = await (await fetch(`${laurel.url}/console/v1/session`, { headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') } })).json();
  const response = await fetch(`${laurel.url}${path}`, {
    method,
    headers: {
      cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
      'x-csrf-token': session.csrfToken,
      'x-laurel-environment': environment,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

test('dashboard: forms, event types, modes and times say what is true', { skip: browserSkipReason, timeout: 240_000 }, async (t) => {
  await t.test('set-up: an empty form names each missing field and focuses the first', async () => {
    await page.goto(laurel.url);
    await page.waitForURL('**/setup');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await assertFirstError(page, 'Email', 'Email is required.');
    assert.match(await page.locator('.auth-card').innerText(), /Password is required\.[\s\S]*Set-up token is required\./);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password', { exact: true }).fill(owner.password);
    await page.getByLabel('Set-up token').fill('not the token at all');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    // The server refuses the token: its message sits under the token field, which gets the focus.
    await assertFirstError(page, 'Set-up token', /setup token|setupToken|LAUREL_SETUP_TOKEN/i);
    await page.getByLabel('Set-up token').fill(setupToken);
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.waitForURL('**/env/development/webhooks');
  });

  await t.test("the footer shows the server's mode, not the environment's", async () => {
    const mode = page.getByTestId('server-mode');
    assert.match(await mode.innerText(), /server in production mode/);
    await page.getByLabel('Environment').selectOption('production');
    await page.waitForURL('**/env/production/webhooks');
    assert.match(await mode.innerText(), /server in production mode/);
    await page.getByLabel('Environment').selectOption('development');
    await page.waitForURL('**/env/development/webhooks');
    assert.match(await mode.innerText(), /server in production mode/, 'a development environment on a production server');
  });

  await t.test('metrics, attributes and achievements: required fields are named, the first one focused', async () => {
    await page.getByRole('link', { name: 'Metrics', exact: true }).click();
    await page.getByRole('button', { name: 'Create metric' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create metric' }).click();
    await assertFirstError(dialog, 'Name', 'Name is required.');
    assert.match(await dialog.innerText(), /Key is required\./, 'not the pattern the server checks keys against');
    await dialog.getByLabel('Key').fill('lessons completed');
    assert.match(await dialog.innerText(), /Spaces are not allowed in a key/);
    await dialog.getByLabel('Name').fill('Lessons completed');
    await dialog.getByLabel('Key').fill('lessons');
    await dialog.getByRole('button', { name: 'Create metric' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('link', { name: 'Attributes', exact: true }).click();
    await page.getByRole('button', { name: 'Create attribute' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create attribute' }).click();
    await assertFirstError(dialog, 'Name', 'Name is required.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Achievements', exact: true }).click();
    await page.getByRole('button', { name: 'Create achievement' }).first().click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create achievement' }).click();
    await assertFirstError(dialog, 'Name', 'Name is required.');
    assert.match(await dialog.innerText(), /Metric is required/);
    assert.match(await dialog.innerText(), /Threshold is required\./);
    await dialog.getByLabel('Name').fill('Ten lessons');
    await dialog.getByLabel('Metric', { exact: true }).selectOption('lessons');
    await dialog.getByRole('button', { name: 'Create achievement' }).click();
    // Fixed fields lose their messages; the one left takes the focus.
    await assertFirstError(dialog, 'Threshold', 'Threshold is required.');
    assert.doesNotMatch(await dialog.innerText(), /Name is required/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  await t.test('API keys: the name is required; the created time moves on while the page stays open', async () => {
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByRole('button', { name: 'Add API key' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create API key' }).click();
    await assertFirstError(dialog, 'Name', 'Name is required.');
    await dialog.getByLabel('Name').fill('backend');
    await dialog.getByRole('button', { name: 'Create API key' }).click();
    await dialog.getByRole('button', { name: 'Done' }).click();

    // A second tab with a clock the test moves: five minutes pass without a reload or a refetch.
    const clocked = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await clocked.addCookies(await context.cookies(laurel.url));
    const tab = await clocked.newPage();
    await tab.clock.install();
    await tab.goto(`${laurel.url}/env/development/api-keys`);
    const created = tab.getByTestId('api-key-row').locator('time').first();
    await created.waitFor();
    assert.match(await created.innerText(), /now|seconds? ago/);
    await tab.clock.fastForward('05:00');
    await tab.waitForFunction(() => /5 minutes ago/.test(document.querySelector('[data-testid=api-key-row] time')?.textContent ?? ''));
    await clocked.close();
  });

  let webhookId = '';
  await t.test('webhooks: the form names what is missing and scrolls to it; nothing-emits-yet types are marked as the catalog says', async () => {
    // Which types are live is the server's to say (its catalog test pins them); the pages must follow it.
    const catalog = (await call('GET', '/admin/v1/webhook-event-types')) as { type: string; live: boolean }[];
    assert.ok(catalog.some((entry) => entry.live) && catalog.some((entry) => !entry.live), 'the catalog has both kinds to show');

    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('button', { name: 'Add webhook' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    await assertFirstError(dialog, 'Name', 'Name is required.');
    assert.match(await dialog.innerText(), /URL is required\./);
    for (const { type, live } of catalog) {
      const label = await dialog.getByRole('checkbox', { name: new RegExp(`^${type.replace('.', '\\.')}\\b`) }).evaluate((box) => (box as HTMLInputElement).labels?.[0]?.textContent ?? '');
      assert.equal(/test events only/.test(label), !live, `${type} in the form: "${label}"`);
    }
    await dialog.getByLabel('Name', { exact: true }).fill('Local receiver');
    await dialog.getByLabel('URL').fill(receiver.url);
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    // Below the fold of the dialog: the event list comes into view, its first box focused.
    const eventsError = dialog.locator('.event-picker .field-error');
    await eventsError.waitFor();
    assert.equal(await eventsError.innerText(), 'Choose at least one event type.');
    await page.waitForFunction(() => document.activeElement?.closest('.event-picker') !== null);
    const shown = await page.evaluate(() => {
      const box = document.activeElement!.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    });
    assert.ok(shown, 'the focused event box is scrolled into view');
    await dialog.getByRole('checkbox', { name: /^achievement\.completed/ }).check();
    const testOnly = catalog.find((entry) => !entry.live)!.type;
    await dialog.getByRole('checkbox', { name: new RegExp(`^${testOnly.replace('.', '\\.')}\\b`) }).check();
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    await dialog.getByRole('button', { name: 'Open webhook' }).click();
    await page.waitForURL(/\/webhooks\/[^/]+$/);
    webhookId = page.url().split('/').pop()!;

    const chips = await page.locator('.card .chips').first().innerText();
    assert.ok(chips.includes(`${testOnly} · test events only`), chips);
    assert.ok(!chips.includes('achievement.completed · test events only'), chips);
    for (const select of [page.getByLabel('Event type', { exact: true }), page.getByLabel('Filter by event type')]) {
      const options = await select.locator('option').evaluateAll((all) => all.map((option) => ({ value: (option as HTMLOptionElement).value, text: option.textContent ?? '' })));
      for (const { type, live } of catalog) {
        const option = options.find((candidate) => candidate.value === type);
        assert.ok(option, `${type} is offered`);
        assert.equal(option.text.includes('(test events only)'), !live, `${type}: "${option.text}"`);
      }
    }
    // A test event of a type nothing emits still goes out: that is what the mark promises.
    await page.getByLabel('Event type', { exact: true }).selectOption(testOnly);
    await page.getByRole('button', { name: 'Send test event' }).click();
    await receiver.waitFor((delivery) => delivery.body.includes(`"type":"${testOnly}"`));
  });

  await t.test('recover: a custom window without a start is named and focused', async () => {
    await page.getByRole('button', { name: 'Recover failed deliveries' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Window').selectOption('custom');
    await dialog.getByRole('button', { name: 'Resend failed deliveries' }).click();
    await assertFirstError(dialog, 'Since', 'Since is required: choose when the window starts.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.ok(webhookId);
  });

  await t.test('streaks: turning them on says that earlier periods do not count; an empty threshold is named and focused', async () => {
    await page.getByRole('link', { name: 'Streaks', exact: true }).click();
    await page.getByLabel('Enable streaks').check();
    const notice = page.getByTestId('streaks-start-now');
    await notice.waitFor();
    assert.match(await notice.innerText(), /count from the moment you save: periods before then are not counted/);
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 threshold').fill('');
    await page.getByRole('button', { name: 'Save streak settings' }).click();
    await assertFirstError(page, 'Condition 1 threshold', 'Threshold is required.');
    await page.getByLabel('Condition 1 threshold').fill('1');
    await page.getByRole('button', { name: 'Save streak settings' }).click();
    await page.getByText('Saved.').waitFor();
    await notice.waitFor({ state: 'detached' });
  });

  await t.test('settings: environments, members and the password form name what is missing', async () => {
    await page.getByRole('link', { name: 'Environments', exact: true }).click();
    await page.getByRole('button', { name: 'Add environment' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create environment' }).click();
    await assertFirstError(dialog, 'Name', 'Name is required.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Members', exact: true }).click();
    await page.getByRole('button', { name: 'Add member' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create member account' }).click();
    await assertFirstError(dialog, 'Email', 'Email is required.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Account', exact: true }).click();
    await page.getByRole('button', { name: 'Change password' }).click();
    await assertFirstError(page, 'Current password', 'Current password is required.');
    assert.match(await page.locator('main').innerText(), /New password is required\./);
  });

  await t.test('sign-in: empty fields are named; a wrong password is said and focused', async () => {
    const signedOut = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const login = await signedOut.newPage();
    await login.goto(`${laurel.url}/login`);
    await login.getByRole('button', { name: 'Sign in' }).click();
    const email = login.getByLabel('Email');
    await login.waitForFunction(() => document.activeElement?.getAttribute('type') === 'email');
    assert.match(await login.locator('.auth-card').innerText(), /Email is required\.[\s\S]*Password is required\./);
    await email.fill(owner.email);
    await login.getByLabel('Password').fill('not the password');
    await login.getByRole('button', { name: 'Sign in' }).click();
    await login.waitForFunction(() => document.activeElement?.getAttribute('role') === 'alert');
    assert.match(await login.getByRole('alert').innerText(), /email or password is wrong/);
    await signedOut.close();
  });

  await t.test("a user without an email address: the profile says what the API's subscribeToEmails says", async () => {
    await call('POST', '/v1/users', { id: 'no-address' });
    await call('POST', '/v1/users', { id: 'with-address', email: 'ann@example.com' });
    for (const [id, subscribed, badge] of [
      ['no-address', false, 'Not subscribed (no email address)'],
      ['with-address', true, 'Subscribed'],
    ] as const) {
      assert.equal((await call('GET', `/v1/users/${id}`)).subscribeToEmails, subscribed, `${id} in the API`);
      await page.goto(`${laurel.url}/env/development/users/${id}`);
      await page.getByRole('heading', { name: id, level: 1 }).waitFor();
      await page.locator('.badge', { hasText: new RegExp(`^${badge.replace(/[()]/g, '\\$&')}$`) }).waitFor();
    }
  });
});
