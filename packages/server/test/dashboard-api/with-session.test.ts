import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sendEvent } from '../app-api/setup.js';
import { request, setUpOwner, type Browser } from '../console/console.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { developmentFixtures, type Fixtures } from '../support/fixtures.js';

/** The dashboard's reads with a session instead of an API key, scoped by X-Laurel-Environment. */
forEachBackend('dashboard reads with a session', (database) => {
  let laurel: TestLaurel;
  let dev: Fixtures;
  let browser: Browser;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    dev = await developmentFixtures(laurel);
    browser = await setUpOwner(laurel);
    await dev.metric({ key: 'words' });
    assert.equal((await sendEvent(laurel, 'words', { user: { id: 'u1', email: 'u1@example.com' }, value: 4 })).status, 201);
  });
  after(() => laurel.close());

  test('stats, users and events answer for the environment the header names, and only for it', async () => {
    const inDevelopment = async (url: string) => {
      const answer = await request(laurel, 'GET', url, { as: browser, environment: 'development' });
      assert.equal(answer.status, 200, `${url}: ${JSON.stringify(answer.body)}`);
      return answer.body;
    };
    assert.deepEqual(await inDevelopment('/admin/v1/webhooks/stats'), []);
    assert.deepEqual((await inDevelopment('/admin/v1/metrics/stats')).map((m: any) => [m.key, m.total, m.users]), [['words', 4, 1]]);
    assert.deepEqual((await inDevelopment('/admin/v1/users?search=U1@')).map((u: any) => u.id), ['u1']);
    assert.deepEqual((await inDevelopment('/admin/v1/users/u1/events')).map((e: any) => [e.metricKey, e.value, e.total]), [['words', 4, 4]]);

    const production = await request(laurel, 'GET', '/admin/v1/users', { as: browser, environment: 'production' });
    assert.deepEqual(production.body, []);
    const missing = await request(laurel, 'GET', '/admin/v1/users/u1/events', { as: browser, environment: 'production' });
    assert.equal(missing.status, 404);
    const noHeader = await request(laurel, 'GET', '/admin/v1/webhooks/stats', { as: browser });
    assert.equal(noHeader.status, 400);
    assert.match(noHeader.body.error, /X-Laurel-Environment/i);
  });
});
