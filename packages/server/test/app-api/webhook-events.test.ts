import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { startReceiver, type Receiver, type ReceivedRequest } from '../support/receiver.js';
import { loadReference, webhookValidator } from '../support/reference-schemas.js';
import { sendEvent } from './setup.js';
import { developmentFixtures, type Fixtures } from '../support/fixtures.js';

const DAY = 86_400_000;
const ENGINE_EVENTS = ['achievement.completed', 'streak.started', 'streak.extended', 'streak.lost', 'streak.freeze_consumed', 'streak.freeze_earned'];

/**
 * Each of the engine's six webhook events, end to end: an API call or the clock moving on, then a
 * signed POST at a real receiver on loopback, its body valid against Trophy's reference schema.
 */
forEachBackend('engine webhook events end to end', (database) => {
  let laurel: TestLaurel;
  let dev: Fixtures;
  let receiver: Receiver;
  // 2026-03-02 10:00 in New York (a Monday); the user lives there.
  const clock = new ManualClock(Date.UTC(2026, 2, 2, 15, 0));
  const user = { id: 'hook-user', name: 'Maya', tz: 'America/New_York' };
  let seen = 0;

  /** The next `count` deliveries, checked: Trophy's signature, the type header, the reference schema. */
  async function nextDeliveries(count: number): Promise<ReceivedRequest[]> {
    const all = await receiver.waitFor(seen + count, 10_000);
    const fresh = all.slice(seen, seen + count);
    seen += count;
    for (const request of fresh) {
      assert.ok(request.trophyVerified, 'X-Trophy-Signature is the base64 HMAC-SHA256 of the raw body');
      // (Standard Webhooks receivers also refuse timestamps 5 minutes from their own clock, and this
      // test's clock is in March 2026; the delivery tests check that signature with real time.)
      assert.equal(request.headers['x-trophy-event-type'], request.payload.type);
      if (loadReference()) assert.deepEqual(webhookValidator(request.payload.type)(request.payload), [], request.payload.type);
    }
    return fresh;
  }

  async function runScheduledJobs(): Promise<void> {
    await laurel.scheduler!.runDue();
  }

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
    dev = await developmentFixtures(laurel);
    receiver = await startReceiver();
    // Accept on Trophy's signature alone (see nextDeliveries on the Standard Webhooks timestamp).
    receiver.reply = (request) => ({ status: request.trophyVerified ? 200 : 400 });
    await dev.metric({ key: 'lessons' });
    await dev.achievement({ key: 'first-lesson', trigger: 'metric', metricKey: 'lessons', metricValue: 1 });
    const settings = await laurel.api('PUT', '/admin/v1/streaks/settings', {
      body: {
        enabled: true,
        frequency: 'daily',
        conditions: [{ metricKey: 'lessons', threshold: 1 }],
        evaluationMode: 'AND',
        weekStart: 0,
        freezes: { enabled: true, initial: 0, max: 2, autoEarnInterval: 3, autoEarnAmount: 1 },
        personalization: false,
      },
    });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    const created = await laurel.api('POST', '/admin/v1/webhooks', { body: [{ name: 'engine', url: receiver.url, events: ENGINE_EVENTS }] });
    assert.equal(created.status, 201);
    receiver.secrets = [created.body.created[0].secret];
  });
  after(async () => {
    await laurel.close();
    await receiver.close();
  });

  test('a first event: achievement.completed and streak.started, signed and valid', async () => {
    const response = await sendEvent(laurel, 'lessons', { user, value: 1 });
    assert.equal(response.status, 201);
    assert.equal(response.body.currentStreak.length, 1);
    const deliveries = await nextDeliveries(2);
    const byType = new Map(deliveries.map((d) => [d.payload.type, d.payload]));
    assert.deepEqual([...byType.keys()].sort(), ['achievement.completed', 'streak.started']);
    assert.equal(byType.get('achievement.completed').achievement.key, 'first-lesson');
    assert.equal(byType.get('achievement.completed').user.id, 'hook-user');
    assert.equal(byType.get('streak.started').streak.length, 1);
    assert.equal(byType.get('streak.started').streak.started, '2026-03-02');
  });

  test('the next local day: streak.extended', async () => {
    clock.advance(DAY);
    const response = await sendEvent(laurel, 'lessons', { user, value: 2 });
    assert.equal(response.body.currentStreak.extended, true);
    const [delivery] = await nextDeliveries(1);
    assert.equal(delivery!.payload.type, 'streak.extended');
    assert.equal(delivery!.payload.streak.length, 2);
    assert.equal(delivery!.payload.streak.periodStart, '2026-03-03');
  });

  test('local midnight after a missed day: streak.freeze_earned (due that day), then streak.freeze_consumed pays for the miss', async () => {
    // 2026-03-04 had no activity. At 00:10 on 2026-03-05 in New York, the auto-earn due three days
    // after the user's creation is granted first, then spent on the missed day: the length holds.
    clock.set(Date.UTC(2026, 2, 5, 5, 10));
    await runScheduledJobs();
    const deliveries = await nextDeliveries(2);
    const byType = new Map(deliveries.map((d) => [d.payload.type, d.payload]));
    assert.equal(byType.get('streak.freeze_earned').earned, 1);
    assert.equal(byType.get('streak.freeze_earned').freezes, 1);
    assert.equal(byType.get('streak.freeze_consumed').consumed, 1);
    assert.equal(byType.get('streak.freeze_consumed').freezes, 0);
    const streak = await laurel.api('GET', '/v1/users/hook-user/streak');
    assert.equal(streak.body.length, 2);
    assert.equal(streak.body.freezes, 0);
  });

  test('another missed day without freezes: streak.lost with the lost length; running again changes nothing', async () => {
    clock.set(Date.UTC(2026, 2, 6, 5, 30)); // 2026-03-05 ended in New York with no activity
    await runScheduledJobs();
    const [delivery] = await nextDeliveries(1);
    assert.equal(delivery!.payload.type, 'streak.lost');
    assert.equal(delivery!.payload.length, 2);
    await runScheduledJobs();
    const streak = await laurel.api('GET', '/v1/users/hook-user/streak');
    assert.equal(streak.body.length, 0);
    assert.equal(await laurel.backend.db.selectFrom('events').select('id').where('type', '=', 'streak.lost').execute().then((rows) => rows.length), 1);
  });

  test('an admin grant: streak.freeze_earned', async () => {
    const response = await laurel.api('POST', '/admin/v1/streaks/freezes', { body: { freezes: [{ userId: 'hook-user' }] } });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const [delivery] = await nextDeliveries(1);
    assert.equal(delivery!.payload.type, 'streak.freeze_earned');
    assert.equal(delivery!.payload.earned, 1);
  });
});
