import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { appSchemaValidator } from '../support/reference-schemas.js';
import { count, sendEvent } from './setup.js';
import { developmentFixtures, type Fixtures } from '../support/fixtures.js';

forEachBackend('metric events', (database) => {
  let laurel: TestLaurel;
  let dev: Fixtures;
  let wordsId: string;
  const validEventResponse = appSchemaValidator('EventResponse');

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url });
    dev = await developmentFixtures(laurel);
    wordsId = (await dev.metric({ key: 'words' })).id;
    await dev.metric({ key: 'minutes' });
    await dev.attribute('source', 'event');
    await dev.attribute('plan', 'user');
  });
  after(() => laurel.close());

  test('an event upserts the user, adds to the total and answers a full EventResponse (201)', async (t) => {
    const response = await sendEvent(laurel, 'words', { user: { id: 'e-1', name: 'Ada' }, value: 10.5 });
    assert.equal(response.status, 201);
    assert.equal(response.body.metricId, wordsId);
    assert.equal(response.body.total, 10.5);
    assert.deepEqual(response.body.achievements, []);
    assert.deepEqual(response.body.points, {});
    assert.deepEqual(response.body.leaderboards, {});
    assert.equal(response.body.currentStreak.extended, false);
    assert.equal('idempotentReplayed' in response.body, false);
    const second = await sendEvent(laurel, 'words', { user: { id: 'e-1' }, value: -3 });
    assert.equal(second.body.total, 7.5);
    assert.notEqual(second.body.eventId, response.body.eventId);
    assert.equal((await laurel.api('GET', '/v1/users/e-1')).body.name, 'Ada');
    if (!validEventResponse) return t.diagnostic('reference schemas not found: shape not checked');
    assert.deepEqual(validEventResponse(response.body), []);
  });

  test('a value of 0 is accepted; totals are per metric', async () => {
    assert.equal((await sendEvent(laurel, 'minutes', { user: { id: 'e-1' }, value: 0 })).body.total, 0);
    assert.equal((await sendEvent(laurel, 'words', { user: { id: 'e-1' }, value: 0 })).body.total, 7.5);
  });

  test('unknown metric: 404, nothing written', async () => {
    const before = await count(laurel, 'users');
    const response = await sendEvent(laurel, 'nope', { user: { id: 'e-404' }, value: 1 });
    assert.equal(response.status, 404);
    assert.match(response.body.error, /nope/);
    assert.equal(await count(laurel, 'users'), before);
  });

  test('bad input is refused with the field named, and nothing is written', async () => {
    const usersBefore = await count(laurel, 'users');
    const eventsBefore = await count(laurel, 'metric_events');
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ user: { id: 'bad-1' } }, 422, /value/],
      [{ user: { id: 'bad-1' }, value: '5' }, 422, /value/],
      [{ value: 1 }, 422, /user/],
      [{ user: { id: 'bad-1' }, value: 1, attributes: { colour: 'red' } }, 400, /Invalid attribute keys: colour/],
      [{ user: { id: 'bad-1', attributes: { shoe: '9' } }, value: 1 }, 400, /Invalid attribute keys: shoe/],
      [{ user: { id: 'bad-1', tz: 'Nowhere/City' }, value: 1 }, 422, /tz/],
      [{ user: { id: 'bad-1', subscribeToEmails: true }, value: 1 }, 400, /subscribeToEmails/],
      [{ user: { id: 'x'.repeat(256) }, value: 1 }, 422, /id/],
    ];
    for (const [body, status, message] of cases) {
      const response = await sendEvent(laurel, 'words', body);
      assert.equal(response.status, status, JSON.stringify(body));
      assert.match(response.body.error, message);
    }
    const huge = await laurel.api('POST', '/v1/metrics/words/event', { rawBody: '{"user":{"id":"bad-1"},"value":1e400}' });
    assert.equal(huge.status, 422, 'a value beyond double range is not finite');
    assert.equal(await count(laurel, 'users'), usersBefore);
    assert.equal(await count(laurel, 'metric_events'), eventsBefore);
  });

  test('Idempotency-Key: the first use answers 201, a repeat 202 with the original event and no side effects', async () => {
    const first = await sendEvent(laurel, 'words', { user: { id: 'idem-1' }, value: 5 }, 'key-1');
    assert.equal(first.status, 201);
    assert.equal(first.body.idempotencyKey, 'key-1');
    assert.equal(first.body.idempotentReplayed, false);
    const eventsBefore = await count(laurel, 'metric_events');
    const repeat = await sendEvent(laurel, 'words', { user: { id: 'idem-1', name: 'Changed' }, value: 100 }, 'key-1');
    assert.equal(repeat.status, 202);
    assert.equal(repeat.body.idempotentReplayed, true);
    assert.equal(repeat.body.eventId, first.body.eventId);
    assert.equal(repeat.body.total, 5);
    assert.equal(await count(laurel, 'metric_events'), eventsBefore);
    assert.equal((await laurel.api('GET', '/v1/users/idem-1')).body.name, null, 'a replay does not update the user');
    // The same key on another metric, or for another user, is a different event.
    assert.equal((await sendEvent(laurel, 'minutes', { user: { id: 'idem-1' }, value: 1 }, 'key-1')).status, 201);
    assert.equal((await sendEvent(laurel, 'words', { user: { id: 'idem-2' }, value: 1 }, 'key-1')).status, 201);
  });

  test('concurrent duplicates of one key record the event exactly once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => sendEvent(laurel, 'words', { user: { id: 'race-1' }, value: 3 }, 'race-key')),
    );
    const statuses = responses.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array(11).fill(202)]);
    assert.ok(responses.every((r) => r.body.eventId === responses[0]!.body.eventId && r.body.total === 3));
    const user = await laurel.api('GET', '/v1/users/race-1/metrics/words');
    assert.equal(user.body.current, 3);
  });

  test('concurrent events of one user all count', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => sendEvent(laurel, 'words', { user: { id: 'busy-1' }, value: 1 })));
    assert.ok(responses.every((r) => r.status === 201));
    assert.deepEqual(responses.map((r) => r.body.total).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('concurrent events where some are refused: the refused ones change nothing, the rest all count', async () => {
    const eventsBefore = await count(laurel, 'metric_events');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sendEvent(laurel, 'words', { user: { id: `mixed-${i % 2}` }, value: 1, ...(i % 2 === 1 ? { attributes: { colour: 'red' } } : {}) }),
      ),
    );
    assert.deepEqual(responses.map((r) => r.status), [201, 400, 201, 400, 201, 400, 201, 400, 201, 400]);
    assert.equal((await laurel.api('GET', '/v1/users/mixed-0/metrics/words')).body.current, 5);
    assert.equal((await laurel.api('GET', '/v1/users/mixed-1')).status, 404, 'a refused event creates no user');
    assert.equal(await count(laurel, 'metric_events'), eventsBefore + 5);
  });

  test('metric achievements complete once, when the total reaches the value, in order', async () => {
    await dev.metric({ key: 'pages' });
    const ten = await dev.achievement({ key: 'pages-10', trigger: 'metric', metricKey: 'pages', metricValue: 10 });
    const twenty = await dev.achievement({ key: 'pages-20', trigger: 'metric', metricKey: 'pages', metricValue: 20 });
    const first = await sendEvent(laurel, 'pages', { user: { id: 'ach-1' }, value: 9 });
    assert.deepEqual(first.body.achievements, []);
    const second = await sendEvent(laurel, 'pages', { user: { id: 'ach-1' }, value: 15 });
    assert.deepEqual(second.body.achievements.map((a: any) => a.id), [ten.id, twenty.id]);
    assert.ok(second.body.achievements.every((a: any) => typeof a.achievedAt === 'string'));
    // Falling below and rising again never completes twice.
    await sendEvent(laurel, 'pages', { user: { id: 'ach-1' }, value: -20 });
    const again = await sendEvent(laurel, 'pages', { user: { id: 'ach-1' }, value: 20 });
    assert.deepEqual(again.body.achievements, []);
  });

  test('event-attribute filters count only matching events; user-attribute filters restrict who can unlock', async () => {
    await dev.metric({ key: 'steps' });
    const mobile = await dev.achievement({ key: 'mobile-5', trigger: 'metric', metricKey: 'steps', metricValue: 5, eventAttributes: [{ key: 'source', value: 'mobile' }] });
    const pro = await dev.achievement({ key: 'pro-1', trigger: 'metric', metricKey: 'steps', metricValue: 1, userAttributes: [{ key: 'plan', value: 'pro' }] });
    const web = await sendEvent(laurel, 'steps', { user: { id: 'filter-1' }, value: 10, attributes: { source: 'web' } });
    assert.deepEqual(web.body.achievements, [], 'web events do not count and the user is not pro');
    const phone = await sendEvent(laurel, 'steps', { user: { id: 'filter-1' }, value: 4, attributes: { source: 'mobile' } });
    assert.deepEqual(phone.body.achievements, []);
    const more = await sendEvent(laurel, 'steps', { user: { id: 'filter-1', attributes: { plan: 'pro' } }, value: 1, attributes: { source: 'mobile' } });
    assert.deepEqual(more.body.achievements.map((a: any) => a.id).sort(), [mobile.id, pro.id].sort());
    assert.deepEqual(more.body.achievements.find((a: any) => a.id === mobile.id).eventAttribute, { key: 'source', value: 'mobile' });
  });

  test('a composite completes in the same event as its last prerequisite', async () => {
    await dev.metric({ key: 'quiz' });
    const a = await dev.achievement({ key: 'quiz-1', trigger: 'metric', metricKey: 'quiz', metricValue: 1 });
    const b = await dev.achievement({ key: 'quiz-api', trigger: 'api' });
    const both = await dev.achievement({ key: 'quiz-master', trigger: 'achievement', achievementIds: [a.id, b.id] });
    const completed = await laurel.api('POST', '/v1/achievements/quiz-api/complete', { body: { user: { id: 'combo-1' } } });
    assert.equal(completed.status, 201);
    const event = await sendEvent(laurel, 'quiz', { user: { id: 'combo-1' }, value: 1 });
    assert.deepEqual(event.body.achievements.map((x: any) => x.id), [a.id, both.id]);
  });

  test('events of the production key land in production only', async () => {
    const production = await sendEvent(laurel, 'words', { user: { id: 'env-1' }, value: 1 });
    assert.equal(production.status, 201);
    const elsewhere = await laurel.api('POST', '/v1/metrics/words/event', { key: laurel.keys.production, body: { user: { id: 'env-1' }, value: 1 } });
    assert.equal(elsewhere.status, 404, 'production has no metric "words"');
  });
});
