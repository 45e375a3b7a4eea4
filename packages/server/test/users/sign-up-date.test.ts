import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { appSchemaValidator, loadReference, webhookValidator } from '../support/reference-schemas.js';

/**
 * Trophy 1.24.0's `signUpDate`: accepted on create, identify and update (a date, or a date-time
 * stored as its UTC day; null clears it; later than the user's today is a 400), and present on
 * every user object, the users inside webhook bodies included.
 */
forEachBackend('users: signUpDate', (database) => {
  let laurel: TestLaurel;
  let receiver: Receiver;
  // 2026-05-10 23:30 UTC: still the 10th in UTC, already the 11th (08:30) in Tokyo.
  const clock = new ManualClock(Date.UTC(2026, 4, 10, 23, 30));
  const validUser = appSchemaValidator('User');

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
    receiver = await startReceiver();
    receiver.reply = () => ({ status: 200 });
  });
  after(async () => {
    await laurel.close();
    await receiver.close();
  });

  test('a user without one answers signUpDate null, valid against spec 1.24.0', async (t) => {
    const created = await laurel.api('POST', '/v1/users', { body: { id: 'sud-none' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.signUpDate, null);
    if (!validUser) return t.diagnostic('reference schemas not found: shape not checked');
    assert.deepEqual(validUser(created.body), []);
  });

  test('create, identify and update set it; fields left out keep it; null clears it', async () => {
    const created = await laurel.api('POST', '/v1/users', { body: { id: 'sud-1', signUpDate: '2024-02-29' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.signUpDate, '2024-02-29');
    const renamed = await laurel.api('PATCH', '/v1/users/sud-1', { body: { name: 'Ada' } });
    assert.equal(renamed.body.signUpDate, '2024-02-29');
    // A date-time is stored as its UTC calendar day (01:30 in Tokyo on the 2nd is the 1st in UTC).
    const identified = await laurel.api('PUT', '/v1/users/sud-1', { body: { signUpDate: '2025-03-02T01:30:00+09:00' } });
    assert.equal(identified.status, 200, JSON.stringify(identified.body));
    assert.equal(identified.body.signUpDate, '2025-03-01');
    assert.equal((await laurel.api('GET', '/v1/users/sud-1')).body.signUpDate, '2025-03-01');
    const cleared = await laurel.api('PATCH', '/v1/users/sud-1', { body: { signUpDate: null } });
    assert.equal(cleared.body.signUpDate, null);
    assert.equal((await laurel.api('GET', '/v1/users/sud-1')).body.signUpDate, null);
  });

  test('the identified user inside a metric event takes it too', async () => {
    await laurel.api('POST', '/admin/v1/metrics', { body: [{ key: 'sud-lessons', name: 'Lessons' }] });
    const event = await laurel.api('POST', '/v1/metrics/sud-lessons/event', { body: { user: { id: 'sud-event', signUpDate: '2023-01-15' }, value: 1 } });
    assert.equal(event.status, 201, JSON.stringify(event.body));
    assert.equal((await laurel.api('GET', '/v1/users/sud-event')).body.signUpDate, '2023-01-15');
  });

  test("later than the user's today is a 400 that writes nothing; today in their time zone is fine", async () => {
    // UTC (no time zone) is still on the 10th.
    const utc = await laurel.api('POST', '/v1/users', { body: { id: 'sud-future', signUpDate: '2026-05-11' } });
    assert.equal(utc.status, 400);
    assert.equal(utc.body.code, 'rule_broken');
    assert.match(utc.body.error, /signUpDate: 2026-05-11 is later than/);
    assert.equal((await laurel.api('GET', '/v1/users/sud-future')).status, 404);
    // Tokyo is already on the 11th.
    const tokyo = await laurel.api('POST', '/v1/users', { body: { id: 'sud-future', tz: 'Asia/Tokyo', signUpDate: '2026-05-11' } });
    assert.equal(tokyo.status, 201, JSON.stringify(tokyo.body));
    // Moving the user back to UTC with the same date in one write is checked against the new zone.
    const moved = await laurel.api('PATCH', '/v1/users/sud-future', { body: { tz: 'UTC', signUpDate: '2026-05-11' } });
    assert.equal(moved.status, 400);
    assert.equal((await laurel.api('GET', '/v1/users/sud-future')).body.tz, 'Asia/Tokyo');
  });

  test('a malformed value is a 422 naming the field', async () => {
    for (const signUpDate of ['2026-02-30', '10/05/2026', 20260510, '']) {
      const response = await laurel.api('POST', '/v1/users', { body: { id: 'sud-bad', signUpDate } });
      assert.equal(response.status, 422, `${JSON.stringify(signUpDate)}: ${JSON.stringify(response.body)}`);
      assert.match(response.body.error, /signUpDate/);
    }
    assert.equal((await laurel.api('GET', '/v1/users/sud-bad')).status, 404);
  });

  test("webhook bodies carry the user's signUpDate, valid against spec 1.24.0", async () => {
    await laurel.api('POST', '/admin/v1/achievements', { body: [{ key: 'sud-first', name: 'First', trigger: 'metric', metricKey: 'sud-lessons', metricValue: 1, status: 'active' }] });
    const hook = await laurel.api('POST', '/admin/v1/webhooks', { body: [{ name: 'sud', url: receiver.url, events: ['achievement.completed'] }] });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const event = await laurel.api('POST', '/v1/metrics/sud-lessons/event', { body: { user: { id: 'sud-hook', signUpDate: '2022-06-01' }, value: 1 } });
    assert.equal(event.status, 201);
    const [delivery] = await receiver.waitFor(1, 10_000);
    assert.equal(delivery!.payload.type, 'achievement.completed');
    assert.equal(delivery!.payload.user.signUpDate, '2022-06-01');
    if (loadReference()) assert.deepEqual(webhookValidator('achievement.completed')(delivery!.payload), []);
  });
});
