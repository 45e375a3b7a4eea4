import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { WEBHOOKS, createWebhook, listWebhooks, webhookInput } from '../support/webhooks.js';
import { assertError } from '../support/assert-error.js';
import { WEBHOOK_TABLES, assertNothingWritten } from '../support/stored-state.js';
import { request, setUpOwner, type Browser } from './console.js';

/** /admin/v1 and /v1 with the dashboard's session cookie instead of an API key. */
forEachBackend('console: the admin and application APIs with a session', (database) => {
  let laurel: TestLaurel;
  let browser: Browser;
  let productionHook: any;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    browser = await setUpOwner(laurel);
    productionHook = await createWebhook(laurel, { name: 'production hook' }, laurel.keys.production);
  });
  after(() => laurel.close());

  test('X-Laurel-Environment missing or naming no environment: 400 naming the header, and nothing written', async () => {
    assertError(await request(laurel, 'GET', WEBHOOKS, { as: browser }), 400, /X-Laurel-Environment/);
    assertError(await request(laurel, 'GET', WEBHOOKS, { as: browser, environment: '' }), 400, /X-Laurel-Environment/);
    assertError(await request(laurel, 'GET', WEBHOOKS, { as: browser, environment: 'nowhere' }), 400, /X-Laurel-Environment/, /nowhere/);
    await assertNothingWritten(laurel, WEBHOOK_TABLES, async () => {
      assertError(await request(laurel, 'POST', WEBHOOKS, { as: browser, environment: 'nowhere', body: [webhookInput()] }), 400, /X-Laurel-Environment/);
    });
    assertError(await request(laurel, 'GET', '/v1/achievements', { as: browser }), 400, /X-Laurel-Environment/);
  });

  test('the environment can be named by its name or by its id', async () => {
    const production = await findEnvironmentByName(laurel.backend.db, 'production');
    for (const environment of ['production', production!.id]) {
      const listed = await request(laurel, 'GET', `${WEBHOOKS}?limit=100`, { as: browser, environment });
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      assert.deepEqual(
        listed.body.map((w: any) => w.id),
        [productionHook.id],
      );
    }
  });

  test('a session in development never sees production\'s webhooks', async () => {
    const listed = await request(laurel, 'GET', `${WEBHOOKS}?limit=100`, { as: browser, environment: 'development' });
    assert.equal(listed.status, 200);
    assert.ok(!listed.body.some((w: any) => w.id === productionHook.id));
    assertError(await request(laurel, 'GET', `${WEBHOOKS}/${productionHook.id}`, { as: browser, environment: 'development' }), 404);
    await assertNothingWritten(laurel, WEBHOOK_TABLES, async () => {
      const deleted = await request(laurel, 'DELETE', `${WEBHOOKS}?ids=${productionHook.id}`, { as: browser, environment: 'development' });
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.body.deleted, []);
    });
  });

  test('a state change without the CSRF token, or with a wrong one, is 403 and creates nothing; with it, 201', async () => {
    for (const csrf of [false, 'not-the-token', `${browser.csrfToken}x`]) {
      await assertNothingWritten(laurel, WEBHOOK_TABLES, async () => {
        assertError(await request(laurel, 'POST', WEBHOOKS, { as: browser, csrf, environment: 'development', body: [webhookInput()] }), 403, /X-CSRF-Token/);
      });
    }
    assertError(await request(laurel, 'DELETE', `${WEBHOOKS}?ids=${productionHook.id}`, { as: browser, csrf: false, environment: 'production' }), 403);
    assertError(await request(laurel, 'POST', '/v1/metrics/x/event', { as: browser, csrf: false, environment: 'development', body: { user: { id: 'u' }, value: 1 } }), 403);
    // Reads need no token.
    assert.equal((await request(laurel, 'GET', WEBHOOKS, { as: browser, csrf: false, environment: 'development' })).status, 200);

    const created = await request(laurel, 'POST', WEBHOOKS, { as: browser, environment: 'development', body: [webhookInput({ name: 'from the dashboard' })] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(
      (await listWebhooks(laurel, laurel.keys.development)).map((w) => w.name),
      ['from the dashboard'],
    );
  });

  test('the Application API (/v1) works with a session too', async () => {
    const metric = await request(laurel, 'POST', '/admin/v1/metrics', { as: browser, environment: 'development', body: [{ key: 'lessons', name: 'Lessons' }] });
    assert.equal(metric.status, 201, JSON.stringify(metric.body));
    const event = await request(laurel, 'POST', '/v1/metrics/lessons/event', { as: browser, environment: 'development', body: { user: { id: 'ann' }, value: 2 } });
    assert.equal(event.status, 201, JSON.stringify(event.body));
    assert.equal(event.body.total, 2);
    const user = await request(laurel, 'GET', '/v1/users/ann', { as: browser, environment: 'development' });
    assert.equal(user.status, 200);
  });

  test('an API key wins over a session: its environment counts, and no CSRF token is needed', async () => {
    const answer = await laurel.app!.inject({
      method: 'GET',
      url: `${WEBHOOKS}?limit=100`,
      headers: { 'x-api-key': laurel.keys.production, cookie: browser.cookie, 'x-laurel-environment': 'development' },
    });
    assert.deepEqual(
      answer.json().map((w: any) => w.id),
      [productionHook.id],
    );
    const wrongKey = await laurel.app!.inject({ method: 'GET', url: WEBHOOKS, headers: { 'x-api-key': 'zzzzzzzz.abcdefghijklmnopqrstuvwxyz0123', cookie: browser.cookie, 'x-laurel-environment': 'development' } });
    assert.equal(wrongKey.statusCode, 401, 'a wrong key is not rescued by a valid session');
    const created = await laurel.api('POST', WEBHOOKS, { body: [webhookInput()], headers: { cookie: browser.cookie } });
    assert.equal(created.status, 201);
  });

  test('no key and no cookie is the usual 401 about X-API-KEY; an unknown cookie is 401 about signing in', async () => {
    assertError(await request(laurel, 'GET', WEBHOOKS), 401, /X-API-KEY/);
    assertError(await request(laurel, 'GET', WEBHOOKS, { headers: { cookie: 'other=1' } }), 401, /X-API-KEY/);
    assertError(await request(laurel, 'GET', WEBHOOKS, { headers: { cookie: 'laurel_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, environment: 'development' }), 401, /sign in/);
  });
});
