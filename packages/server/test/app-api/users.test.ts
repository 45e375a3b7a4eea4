import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { appSchemaValidator } from '../support/reference-schemas.js';
import { count } from './setup.js';
import { developmentFixtures, type Fixtures } from '../support/fixtures.js';

forEachBackend('users API', (database) => {
  let laurel: TestLaurel;
  let dev: Fixtures;
  const validUser = appSchemaValidator('User');

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url });
    dev = await developmentFixtures(laurel);
    await dev.attribute('plan', 'user');
    await dev.attribute('team', 'user');
  });
  after(() => laurel.close());

  test('POST /users creates a user with every User field and defaults', async (t) => {
    const response = await laurel.api('POST', '/v1/users', { body: { id: 'create-1', email: 'a@example.com', name: 'Ada', tz: 'Europe/London', attributes: { plan: 'pro' } } });
    assert.equal(response.status, 201);
    const { created, updated, ...rest } = response.body;
    assert.deepEqual(rest, {
      id: 'create-1',
      email: 'a@example.com',
      name: 'Ada',
      tz: 'Europe/London',
      deviceTokens: null,
      subscribeToEmails: true,
      attributes: { plan: 'pro' },
      control: false,
      signUpDate: null,
    });
    assert.equal(created, updated);
    if (!validUser) return t.diagnostic('reference schemas not found: shape not checked');
    assert.deepEqual(validUser(response.body), []);
  });

  test('POST /users for an existing id is a 400 and changes nothing', async () => {
    await laurel.api('POST', '/v1/users', { body: { id: 'create-2', name: 'First' } });
    const response = await laurel.api('POST', '/v1/users', { body: { id: 'create-2', name: 'Second' } });
    assert.equal(response.status, 400);
    assert.match(response.body.error, /already exists/);
    assert.equal((await laurel.api('GET', '/v1/users/create-2')).body.name, 'First');
  });

  test('GET of an unknown user is a 404', async () => {
    const response = await laurel.api('GET', '/v1/users/nobody');
    assert.equal(response.status, 404);
    assert.match(response.body.error, /nobody/);
  });

  test('PUT identifies: creates, then updates only the fields sent, merging attributes', async () => {
    const first = await laurel.api('PUT', '/v1/users/identify-1', { body: { name: 'Grace', attributes: { plan: 'free' }, deviceTokens: ['t1', 't2'] } });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.deviceTokens, ['t1', 't2']);
    const second = await laurel.api('PUT', '/v1/users/identify-1', { body: { attributes: { team: 'core' }, deviceTokens: ['t3'] } });
    assert.equal(second.status, 200);
    assert.equal(second.body.name, 'Grace');
    assert.deepEqual(second.body.attributes, { plan: 'free', team: 'core' });
    assert.deepEqual(second.body.deviceTokens, ['t3']);
    const cleared = await laurel.api('PATCH', '/v1/users/identify-1', { body: { deviceTokens: null, attributes: { plan: 'pro' } } });
    assert.equal(cleared.body.deviceTokens, null);
    assert.deepEqual(cleared.body.attributes, { plan: 'pro', team: 'core' });
  });

  test('PATCH of an unknown user is a 404 and creates nobody', async () => {
    const before = await count(laurel, 'users');
    const response = await laurel.api('PATCH', '/v1/users/ghost', { body: { name: 'x' } });
    assert.equal(response.status, 404);
    assert.equal(await count(laurel, 'users'), before);
  });

  test('subscribeToEmails needs an email; opting out drops the stored address', async () => {
    const before = await count(laurel, 'users');
    const refused = await laurel.api('POST', '/v1/users', { body: { id: 'mail-1', subscribeToEmails: true } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error, /subscribeToEmails/);
    assert.equal(await count(laurel, 'users'), before);

    const optedOut = await laurel.api('POST', '/v1/users', { body: { id: 'mail-2', email: 'b@example.com', subscribeToEmails: false } });
    assert.equal(optedOut.status, 201);
    assert.equal(optedOut.body.email, null);
    assert.equal(optedOut.body.subscribeToEmails, false);
  });

  test('a user without an email address reads as not subscribed, and is subscribed once an address arrives', async () => {
    const bare = await laurel.api('POST', '/v1/users', { body: { id: 'mail-3' } });
    assert.equal(bare.status, 201);
    assert.equal(bare.body.email, null);
    assert.equal(bare.body.subscribeToEmails, false, 'nothing can be sent without an address');
    assert.equal((await laurel.api('GET', '/v1/users/mail-3')).body.subscribeToEmails, false);

    // The default opt-in was kept: an address is enough to subscribe.
    const addressed = await laurel.api('PATCH', '/v1/users/mail-3', { body: { email: 'c@example.com' } });
    assert.equal(addressed.status, 200);
    assert.equal(addressed.body.email, 'c@example.com');
    assert.equal(addressed.body.subscribeToEmails, true);

    // Clearing the address unsubscribes in what is reported; an empty string is no address either.
    assert.equal((await laurel.api('PATCH', '/v1/users/mail-3', { body: { email: null } })).body.subscribeToEmails, false);
    assert.equal((await laurel.api('PATCH', '/v1/users/mail-3', { body: { email: '' } })).body.subscribeToEmails, false);

    // An opted-out user stays out when an address comes without a new opt-in: the address is not kept.
    await laurel.api('POST', '/v1/users', { body: { id: 'mail-4', subscribeToEmails: false } });
    const stillOut = await laurel.api('PATCH', '/v1/users/mail-4', { body: { email: 'd@example.com' } });
    assert.equal(stillOut.body.email, null);
    assert.equal(stillOut.body.subscribeToEmails, false);
  });

  test('a user first seen in a metric event without an email is not subscribed, in the answer and the webhook body alike', async () => {
    await dev.metric({ key: 'mail-reps' });
    await dev.achievement({ key: 'mail-first-rep', trigger: 'metric', metricKey: 'mail-reps', metricValue: 1 });
    const event = await laurel.api('POST', '/v1/metrics/mail-reps/event', { body: { user: { id: 'mail-5' }, value: 1 } });
    assert.equal(event.status, 201, JSON.stringify(event.body));
    assert.equal((await laurel.api('GET', '/v1/users/mail-5')).body.subscribeToEmails, false);
    const listed = await laurel.api('GET', '/admin/v1/users?search=mail-5');
    assert.equal(listed.body[0].subscribeToEmails, false);
    const sent = await laurel.backend.db.selectFrom('events').select('payload').where('type', '=', 'achievement.completed').execute();
    const user = sent.map((row) => JSON.parse(row.payload).user).find((candidate) => candidate.id === 'mail-5');
    assert.deepEqual([user.subscribeToEmails, user.subscribedToEmails], [false, false]);
  });

  test('undeclared attribute keys are a 400 naming them, and nothing is written', async () => {
    const before = await count(laurel, 'users');
    const response = await laurel.api('POST', '/v1/users', { body: { id: 'attr-1', attributes: { plan: 'pro', shoeSize: '9' } } });
    assert.equal(response.status, 400);
    assert.match(response.body.error, /Invalid attribute keys: shoeSize/);
    assert.equal(await count(laurel, 'users'), before);
  });

  test('schema violations are 422 naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ id: 'tz-1', tz: 'Mars/Olympus' }, /tz/],
      [{ id: 'long-1', name: 'x'.repeat(256) }, /name/],
      [{ id: 'ok', email: 42 }, /email/],
      [{ id: 'ok', unknownField: 1 }, /unknownField/],
      [{ id: '' }, /id/],
      [{ id: 'ok', attributes: { plan: 7 } }, /attributes/],
    ];
    for (const [body, field] of cases) {
      const response = await laurel.api('POST', '/v1/users', { body });
      assert.equal(response.status, 422, JSON.stringify(body));
      assert.match(response.body.error, field);
    }
  });

  test('preferences: notifications merge by type; streak overrides need personalisation (403)', async () => {
    await dev.metric({ key: 'pref-metric' });
    await laurel.api('POST', '/v1/users', { body: { id: 'pref-1' } });
    const initial = await laurel.api('GET', '/v1/users/pref-1/preferences');
    assert.deepEqual(initial.body, { notifications: {} });

    const updated = await laurel.api('PATCH', '/v1/users/pref-1/preferences', { body: { notifications: { recap: ['email'], achievement_completed: [] } } });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.body.notifications, { recap: ['email'], achievement_completed: [] });

    const forbidden = await laurel.api('PATCH', '/v1/users/pref-1/preferences', { body: { streak: { metrics: [{ key: 'pref-metric', threshold: 2 }] } } });
    assert.equal(forbidden.status, 403);
    const disabled = await laurel.api('PATCH', '/v1/users/pref-1/preferences', { body: { streak: { enabled: false } } });
    assert.equal(disabled.status, 200);
    assert.deepEqual(disabled.body, { notifications: { recap: ['email'], achievement_completed: [] }, streak: { enabled: false } });
    assert.equal((await laurel.api('GET', '/v1/users/ghost/preferences')).status, 404);
  });

  test("a production key cannot see the development environment's users", async () => {
    await laurel.api('POST', '/v1/users', { body: { id: 'dev-only' } });
    const response = await laurel.api('GET', '/v1/users/dev-only', { key: laurel.keys.production });
    assert.equal(response.status, 404);
  });

  test('the Application API requires a key', async () => {
    const response = await laurel.api('GET', '/v1/users/create-1', { key: null });
    assert.equal(response.status, 401);
  });
});
