import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { assertError } from '../support/assert-error.js';
import { developmentFixtures, fixturesFor, UNKNOWN_ID, type Fixtures } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertAdminSchema } from '../support/reference-schemas.js';

/**
 * Application API keys (Trophy's /application-api-keys) through the whole app on both backends:
 * made and deleted with an admin key; a key reads what is not about one user and acts for its own
 * user only (403 application_key_forbidden otherwise, nothing written); the Admin and console APIs
 * refuse it; its requests count in the environment's rate limits like an admin key's.
 */
const KEYS = '/admin/v1/application-api-keys';

forEachBackend('application API keys', (database) => {
  let laurel: TestLaurel;
  let dev: Fixtures;
  let metricKey: string;
  let achievementKey: string;
  let boardKey: string;
  let aliceKey: { id: string; key: string; prefix: string };
  const alice = 'alice';
  const bob = 'bob';

  const count = async (table: 'metric_events' | 'users' | 'user_achievements', userId: string) => {
    const row = await laurel.backend.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .where('environment_id', '=', dev.id)
      .where(table === 'users' ? 'id' : 'user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    dev = await developmentFixtures(laurel);
    metricKey = (await dev.metric()).key;
    achievementKey = (await dev.achievement()).key;
    const metric = await laurel.api('GET', '/admin/v1/metrics');
    boardKey = (await dev.leaderboard({ rankBy: 'metric', metricId: metric.body.find((m: { key: string }) => m.key === metricKey).id })).key;
    await dev.user({ id: alice, name: 'Alice' });
    await dev.user({ id: bob, name: 'Bob' });
    const created = await laurel.api('POST', KEYS, { body: [{ userId: alice }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    aliceKey = created.body.created[0];
  });
  after(() => laurel.close());

  test('POST makes one key per existing user, marked app_ and with the environment, stored hashed; a missing user is an issue', async () => {
    const response = await laurel.api('POST', KEYS, { body: [{ userId: bob }, { userId: 'nobody' }, { userId: bob }] });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assertAdminSchema('CreateApplicationKeysResponse', response.body);
    const { created, issues } = response.body;
    assert.deepEqual(created.map((key: { userId: string }) => key.userId), [bob, bob]);
    for (const key of created) {
      assert.match(key.prefix, /^app_dev_[a-z0-9]{8}$/);
      assert.ok(key.key.startsWith(`${key.prefix}.`));
      const row = await laurel.backend.db.selectFrom('application_api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.environment_id, row.user_id, row.prefix], [dev.id, bob, key.prefix]);
      assert.equal(row.secret_hash, createHash('sha256').update(key.key.slice(key.prefix.length + 1)).digest('hex'));
      assert.ok(!JSON.stringify(row).includes(key.key.slice(key.prefix.length + 1)), 'the secret is not stored');
    }
    assert.notEqual(created[0].key, created[1].key);
    assert.deepEqual(issues, [{ index: 1, userId: 'nobody', severity: 'error', message: 'User does not exist' }]);

    const none = await laurel.api('POST', KEYS, { body: [{ userId: 'nobody' }] });
    assert.equal(none.status, 200);
    assert.deepEqual(none.body.created, []);
    // A production key cannot make keys for development's users.
    const elsewhere = await laurel.api('POST', KEYS, { key: laurel.keys.production, body: [{ userId: alice }] });
    assert.equal(elsewhere.status, 200);
    assert.deepEqual(elsewhere.body.issues, [{ index: 0, userId: alice, severity: 'error', message: 'User does not exist' }]);

    assertError(await laurel.api('POST', KEYS, { body: [] }), 422, /at least one user/);
    assertError(await laurel.api('POST', KEYS, { body: Array.from({ length: 101 }, () => ({ userId: alice })) }), 422, /at most 100/);
  });

  test("the key's own user: its paths, its events and completions, and reads about no one", async () => {
    const key = aliceKey.key;
    assert.equal((await laurel.api('GET', `/v1/users/${alice}`, { key })).body.name, 'Alice');
    const patched = await laurel.api('PATCH', `/v1/users/${alice}`, { key, body: { name: 'Alice A.' } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.name, 'Alice A.');
    const event = await laurel.api('POST', `/v1/metrics/${metricKey}/event`, { key, body: { user: { id: alice }, value: 3 } });
    assert.equal(event.status, 201, JSON.stringify(event.body));
    assert.equal((await laurel.api('GET', `/v1/users/${alice}/metrics/${metricKey}`, { key })).body.current, 3);
    const completed = await laurel.api('POST', `/v1/achievements/${achievementKey}/complete`, { key, body: { user: { id: alice } } });
    assert.equal(completed.status, 201, JSON.stringify(completed.body));
    assert.equal((await laurel.api('GET', `/v1/users/${alice}/streak`, { key })).status, 200);
    assert.equal((await laurel.api('GET', `/v1/users/${alice}/achievements`, { key })).status, 200);
    assert.equal((await laurel.api('GET', '/v1/achievements', { key })).status, 200);
    const board = await laurel.api('GET', `/v1/leaderboards/${boardKey}`, { key });
    assert.equal(board.status, 200, JSON.stringify(board.body));
    assert.equal((await laurel.api('GET', '/v1/leaderboards', { key })).status, 200);
    // Reads of what is not about one user still say what is missing, naming the key's environment.
    assertError(await laurel.api('GET', `/v1/leaderboards/${UNKNOWN_ID}`, { key }), 404, /looked in environment "development"/);
  });

  test("another user's paths, events, completions and creation: 403 application_key_forbidden, nothing written", async () => {
    const key = aliceKey.key;
    const forbidden = /acts for user "alice" only/;
    const bobBefore = await laurel.api('GET', `/v1/users/${bob}`);
    const eventsBefore = await count('metric_events', bob);
    for (const [method, path, body] of [
      ['GET', `/v1/users/${bob}`],
      ['GET', `/v1/users/${bob}/metrics`],
      ['GET', `/v1/users/${bob}/wrapped?year=2026`],
      ['GET', `/v1/users/${bob}/leaderboards/${boardKey}`],
      ['PATCH', `/v1/users/${bob}`, { name: 'Mallory' }],
      ['PUT', `/v1/users/${bob}`, { name: 'Mallory' }],
      ['PATCH', `/v1/users/${bob}/preferences`, { notifications: {} }],
      ['POST', `/v1/metrics/${metricKey}/event`, { user: { id: bob }, value: 5 }],
      ['POST', `/v1/achievements/${achievementKey}/complete`, { user: { id: bob } }],
      // Even a body the route would refuse is refused for its user first.
      ['POST', `/v1/metrics/${metricKey}/event`, { user: { id: bob }, value: 'lots' }],
    ] as const) {
      const response = await laurel.api(method, path, { key, ...(body === undefined ? {} : { body }) });
      assertError(response, 403, forbidden);
      assert.equal(response.body.code, 'application_key_forbidden', `${method} ${path}`);
    }
    assertError(await laurel.api('POST', '/v1/users', { key, body: { id: 'carol' } }), 403, /acts for user "alice" only/);
    assertError(await laurel.api('POST', `/v1/metrics/${metricKey}/event`, { key, body: { value: 1 } }), 403, /names no user/);
    assert.deepEqual(await laurel.api('GET', `/v1/users/${bob}`), bobBefore, "bob's user is unchanged");
    assert.equal(await count('metric_events', bob), eventsBefore);
    assert.equal(await count('user_achievements', bob), 0);
    assert.equal(await count('users', 'carol'), 0);
    // The same requests with the admin key go through: the refusal is the key's, not the route's.
    assert.equal((await laurel.api('GET', `/v1/users/${bob}`)).status, 200);
  });

  test('the Admin API and the console API refuse an application key with 403; a wrong one is 401', async () => {
    const key = aliceKey.key;
    for (const [method, path, body] of [
      ['GET', '/admin/v1/metrics'],
      ['GET', '/admin/v1/api-keys'],
      ['POST', KEYS, [{ userId: alice }]],
      ['DELETE', `${KEYS}?ids=${aliceKey.id}`],
      ['POST', '/admin/v1/metrics', [{ name: 'Sneaky', key: 'sneaky' }]],
    ] as const) {
      const response = await laurel.api(method, path, { key, ...(body === undefined ? {} : { body }) });
      assertError(response, 403, /can only call the Application API \(\/v1\)/);
      assert.equal(response.body.code, 'application_key_forbidden');
    }
    assertError(await laurel.api('GET', '/console/v1/session', { key }), 403, /cannot call the console API/);
    const metrics = await laurel.backend.db.selectFrom('metrics').select('key').where('key', '=', 'sneaky').execute();
    assert.deepEqual(metrics, []);
    const keys = await laurel.backend.db.selectFrom('application_api_keys').select('id').where('id', '=', aliceKey.id).execute();
    assert.equal(keys.length, 1, 'the key did not delete itself');

    const wrongSecret = `${aliceKey.prefix}.${'x'.repeat(43)}`;
    assertError(await laurel.api('GET', `/v1/users/${alice}`, { key: wrongSecret }), 401);
    assertError(await laurel.api('GET', '/admin/v1/metrics', { key: wrongSecret }), 401);
    assertError(await laurel.api('GET', `/v1/users/${alice}`, { key: 'app_dev_abcdefgh.not-a-key-of-anyone-at-all' }), 401);
  });

  test('DELETE removes keys by id (repeated or comma-separated); the key stops working at once; bad and unknown ids are issues', async () => {
    const made = await laurel.api('POST', KEYS, { body: [{ userId: alice }, { userId: alice }] });
    const [first, second] = made.body.created;
    assert.equal((await laurel.api('GET', `/v1/users/${alice}`, { key: first.key })).status, 200);

    // Another environment's admin key does not see these keys.
    const other = await fixturesFor(laurel);
    const elsewhere = await other.request('DELETE', `${KEYS}?ids=${first.id}`);
    assert.equal(elsewhere.status, 200);
    assert.deepEqual(elsewhere.body, { deleted: [], issues: [{ id: first.id, severity: 'error', message: 'Application API key not found by ID' }] });
    assert.equal((await laurel.api('GET', `/v1/users/${alice}`, { key: first.key })).status, 200);

    const response = await laurel.api('DELETE', `${KEYS}?ids=${first.id},not-a-uuid&ids=${second.id}&ids=${UNKNOWN_ID}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assertAdminSchema('DeleteApplicationKeysResponse', response.body);
    assert.deepEqual(response.body.deleted, [{ id: first.id }, { id: second.id }]);
    assert.deepEqual(response.body.issues, [
      { id: 'not-a-uuid', severity: 'error', message: 'id must be a valid UUID' },
      { id: UNKNOWN_ID, severity: 'error', message: 'Application API key not found by ID' },
    ]);
    assertError(await laurel.api('GET', `/v1/users/${alice}`, { key: first.key }), 401);
    assertError(await laurel.api('GET', `/v1/users/${alice}`, { key: second.key }), 401);
    assert.equal((await laurel.api('GET', `/v1/users/${alice}`, { key: aliceKey.key })).status, 200, 'the other key of the user still works');
    assertError(await laurel.api('DELETE', KEYS), 422, /ids/);
  });
});

forEachBackend('application API keys: rate limits', (database) => {
  const MINUTE = 60_000;
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  let laurel: TestLaurel;
  let appKey: string;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock, roles: ['api'], env: { LAUREL_RATE_LIMIT_APPLICATION: '3/1m' } });
    const dev = await developmentFixtures(laurel);
    await dev.user({ id: 'ada' });
    appKey = (await laurel.api('POST', KEYS, { body: [{ userId: 'ada' }] })).body.created[0].key;
  });
  after(() => laurel.close());

  test("an application key's requests count in its environment's tier, together with the admin key's", async () => {
    clock.set(clock.now() - (clock.now() % MINUTE) + MINUTE);
    const send = (key: string) => laurel.app.inject({ method: 'GET', url: '/v1/users/ada', headers: { 'x-api-key': key } });
    const answers = [await send(appKey), await send(laurel.keys.development), await send(appKey), await send(appKey)];
    assert.deepEqual(answers.map((a) => a.statusCode), [200, 200, 200, 429]);
    assert.deepEqual(answers.map((a) => a.headers['x-ratelimit-remaining']), ['2', '1', '0', '0']);
    assert.equal(JSON.parse(answers[3]!.body).code, 'rate_limited');
    // A refused request of another user is counted too, as an admin key's 404 would be.
    clock.set(clock.now() - (clock.now() % MINUTE) + MINUTE);
    const refused = await laurel.app.inject({ method: 'GET', url: '/v1/users/bob', headers: { 'x-api-key': appKey } });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['x-ratelimit-remaining'], '2');
  });
});
