import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { request, setUpOwner } from '../console/console.js';
import { count, sendEvent } from './setup.js';
import { developmentFixtures, type Fixtures } from '../support/fixtures.js';

/**
 * A valid key for the wrong environment: the metric, achievement and user exist in development,
 * and the request comes with the production key. The 404 must say where it looked.
 */
forEachBackend('Application API: a key for the wrong environment', (database) => {
  let laurel: TestLaurel;
  let dev: Fixtures;
  const inProduction = /\(looked in environment "production", kind production, the environment of this API key\)$/;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    dev = await developmentFixtures(laurel);
    await dev.metric({ key: 'lessons' });
    await dev.achievement({ key: 'onboarded', trigger: 'api' });
    assert.equal((await sendEvent(laurel, 'lessons', { user: { id: 'ada' }, value: 1 })).status, 201);
  });
  after(() => laurel.close());

  test('a metric event for a metric of another environment: 404 naming the key\'s environment, nothing written', async () => {
    const users = await count(laurel, 'users');
    const events = await count(laurel, 'metric_events');
    const response = await laurel.api('POST', '/v1/metrics/lessons/event', { key: laurel.keys.production, body: { user: { id: 'grace' }, value: 1 } });
    assertError(response, 404, /^Metric not found: lessons /, inProduction);
    assert.equal(await count(laurel, 'users'), users);
    assert.equal(await count(laurel, 'metric_events'), events);
  });

  test('the other lookups of the Application API say the same', async () => {
    const production = { key: laurel.keys.production };
    assertError(await laurel.api('POST', '/v1/achievements/onboarded/complete', { ...production, body: { user: { id: 'ada' } } }), 404, /^Achievement not found: onboarded /, inProduction);
    assertError(await laurel.api('GET', '/v1/users/ada', production), 404, /^User not found: ada /, inProduction);
    assertError(await laurel.api('GET', '/v1/users/ada/streak', production), 404, /^User not found: ada /, inProduction);
    assertError(await laurel.api('GET', '/v1/users/ada/metrics/lessons', production), 404, /^User not found: ada /, inProduction);
  });

  test('with the right key the same calls succeed, and a truly unknown metric names development', async () => {
    assert.equal((await laurel.api('GET', '/v1/users/ada/metrics/lessons')).status, 200);
    assertError(await sendEvent(laurel, 'lesons', { user: { id: 'ada' }, value: 1 }), 404, /^Metric not found: lesons \(looked in environment "development", kind development, /);
  });

  test('a dashboard session names the environment its X-Laurel-Environment chose', async () => {
    const browser = await setUpOwner(laurel);
    const response = await request(laurel, 'GET', '/v1/users/ada', { as: browser, environment: 'production' });
    assertError(response, 404, /^User not found: ada \(looked in environment "production", kind production, the one X-Laurel-Environment names\)$/);
  });

  test('the Admin API names the environment as well (admin-not-found-environment.test.ts); unknown routes keep their message', async () => {
    assertError(await laurel.api('GET', '/admin/v1/metrics/nope', { key: laurel.keys.production }), 404, /^Metric not found: nope /, inProduction);
    assertError(await laurel.api('GET', '/v1/nowhere', { key: laurel.keys.production }), 404, /^Route GET \/v1\/nowhere not found$/);
  });
});
