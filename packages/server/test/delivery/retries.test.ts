import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { MINUTE, isoToMs, startHarness } from './helpers.js';

/** `webhook-timestamp` of each request, in Unix seconds. */
const timestamps = (requests: { headers: Record<string, unknown> }[]) => requests.map((r) => Number(r.headers['webhook-timestamp']));

forEachBackend('retries walked with the clock', (database) => {
  test('500 then 200: retrying in between, then delivered once the clock reaches the retry', async (t) => {
    const h = await startHarness(database());
    t.after(() => h.close());
    const receiver = await h.receiver();
    receiver.reply = (request, index) => (index === 0 ? { status: 500, body: 'database is down' } : { status: request.standardVerified && request.trophyVerified ? 200 : 400 });
    const { id: webhookId } = await h.createWebhook({ receiver });

    const deliveryId = await h.sendTestEvent(webhookId);
    const failed = await h.events.waitFor('delivery:retrying', (a) => a.deliveryId === deliveryId);
    const between = await h.delivery(webhookId, deliveryId);
    assert.equal(between.status, 'retrying');
    assert.equal(between.attemptCount, 1);
    assert.deepEqual(
      between.attempts.map((a: any) => [a.trigger, a.statusCode, a.responseBody]),
      [['first', 500, 'database is down']],
    );
    const wait = isoToMs(between.nextAttemptAt) - h.clock.now();
    assert.ok(wait >= 0.8 * MINUTE && wait <= 1.2 * MINUTE, `next attempt in ${wait} ms is 1 minute ±20%`);
    assert.equal(wait, MINUTE, 'with the harness random source at 0.5 the jitter is neutral');
    assert.equal(failed.next.status === 'retrying' && failed.next.at, isoToMs(between.nextAttemptAt));

    h.advance(MINUTE);
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === deliveryId);
    const after = await h.delivery(webhookId, deliveryId);
    assert.equal(after.status, 'succeeded');
    assert.equal(after.nextAttemptAt, null);
    assert.deepEqual(after.attempts.map((a: any) => [a.number, a.trigger, a.statusCode]), [[1, 'first', 500], [2, 'retry', 200]]);
    assert.equal(isoToMs(after.attempts[1].startedAt) - isoToMs(after.attempts[0].startedAt), MINUTE);

    assert.equal(receiver.received.length, 2);
    assert.deepEqual(receiver.received.map((r) => r.headers['webhook-id']), [deliveryId, deliveryId], 'the same webhook-id on every attempt');
    const [first, second] = timestamps(receiver.received);
    assert.equal(second! - first!, 60, 'webhook-timestamp is set per attempt');
    assert.ok(receiver.received.every((r) => r.trophyVerified && r.standardVerified), 'each attempt is signed for its own timestamp');
    assert.equal(receiver.received[0]!.body, receiver.received[1]!.body, 'the body is byte for byte the same');
  });

  test("default schedule (1m, 2m, 4m): four attempts, then failed for good", async (t) => {
    const h = await startHarness(database());
    t.after(() => h.close());
    const receiver = await h.receiver();
    receiver.reply = () => ({ status: 500 });
    const { id: webhookId } = await h.createWebhook({ receiver });

    const deliveryId = await h.sendTestEvent(webhookId);
    const start = h.clock.now();
    for (const [index, delay] of [1 * MINUTE, 2 * MINUTE, 4 * MINUTE].entries()) {
      await h.events.waitFor('delivery:retrying', (a) => a.deliveryId === deliveryId, { count: index + 1 });
      const log = await h.delivery(webhookId, deliveryId);
      assert.equal(log.status, 'retrying');
      assert.equal(log.attemptCount, index + 1);
      assert.equal(isoToMs(log.nextAttemptAt) - h.clock.now(), delay);
      h.advance(delay);
    }
    await h.events.waitFor('delivery:failed', (a) => a.deliveryId === deliveryId);

    const log = await h.delivery(webhookId, deliveryId);
    assert.equal(log.status, 'failed');
    assert.equal(log.nextAttemptAt, null);
    assert.deepEqual(log.attempts.map((a: any) => a.trigger), ['first', 'retry', 'retry', 'retry']);
    assert.deepEqual(log.attempts.map((a: any) => isoToMs(a.startedAt) - start), [0, 1 * MINUTE, 3 * MINUTE, 7 * MINUTE]);
    assert.deepEqual(new Set(receiver.received.map((r) => r.headers['webhook-id'])), new Set([deliveryId]));
    const sent = timestamps(receiver.received);
    assert.deepEqual(sent.map((s) => s - sent[0]!), [0, 60, 180, 420]);

    // Long after the schedule ran out: a later delivery goes through, this one is not tried again.
    h.advance(24 * 60 * MINUTE);
    const sentinel = await h.receiver();
    // The manual clock is a day ahead of the receiver's, so its timestamp check would refuse.
    sentinel.reply = () => ({ status: 200 });
    const { id: otherId } = await h.createWebhook({ receiver: sentinel });
    const otherDelivery = await h.sendTestEvent(otherId);
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === otherDelivery);
    assert.equal(receiver.received.length, 4);
    assert.equal((await h.delivery(webhookId, deliveryId)).attempts.length, 4);
  });

  test('LAUREL_RETRY_SCHEDULE sets the delays and the number of retries', async (t) => {
    const h = await startHarness(database(), { env: { LAUREL_RETRY_SCHEDULE: '5s,30s' } });
    t.after(() => h.close());
    const receiver = await h.receiver();
    receiver.reply = () => ({ status: 503 });
    const { id: webhookId } = await h.createWebhook({ receiver });

    const deliveryId = await h.sendTestEvent(webhookId);
    const start = h.clock.now();
    for (const [index, delay] of [5_000, 30_000].entries()) {
      const retrying = await h.events.waitFor('delivery:retrying', (a) => a.deliveryId === deliveryId, { count: index + 1 });
      assert.deepEqual(retrying.next, { status: 'retrying', at: h.clock.now() + delay });
      h.advance(delay);
    }
    await h.events.waitFor('delivery:failed', (a) => a.deliveryId === deliveryId);
    const log = await h.delivery(webhookId, deliveryId);
    assert.deepEqual(log.attempts.map((a: any) => [a.trigger, isoToMs(a.startedAt) - start]), [['first', 0], ['retry', 5_000], ['retry', 35_000]]);
    assert.equal(receiver.received.length, 3);
  });

  test('Retry-After is honoured between the scheduled delay and twice that', async (t) => {
    const h = await startHarness(database());
    t.after(() => h.close());
    const receiver = await h.receiver();
    const answers = [
      { status: 503, headers: { 'retry-after': '90' } }, // scheduled 1m: 90 s is within bounds
      { status: 429, headers: { 'retry-after': '3600' } }, // scheduled 2m: capped at 4m
      { status: 200 },
    ];
    receiver.reply = (_request, index) => answers[index] ?? { status: 500 };
    const { id: webhookId } = await h.createWebhook({ receiver });

    const deliveryId = await h.sendTestEvent(webhookId);
    await h.events.waitFor('delivery:retrying', (a) => a.deliveryId === deliveryId);
    let log = await h.delivery(webhookId, deliveryId);
    assert.equal(isoToMs(log.nextAttemptAt) - h.clock.now(), 90_000, 'Retry-After: 90 delays past the scheduled minute');

    h.advance(MINUTE);
    log = await h.delivery(webhookId, deliveryId);
    assert.equal(log.status, 'retrying');
    assert.ok(isoToMs(log.nextAttemptAt) > h.clock.now(), 'not due at the scheduled minute: the receiver asked for 90 s');

    h.advance(30_000);
    await h.events.waitFor('delivery:retrying', (a) => a.deliveryId === deliveryId, { count: 2 });
    log = await h.delivery(webhookId, deliveryId);
    assert.equal(isoToMs(log.nextAttemptAt) - h.clock.now(), 4 * MINUTE, 'Retry-After: 3600 is capped at twice the scheduled 2 minutes');

    h.advance(4 * MINUTE);
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === deliveryId);
    log = await h.delivery(webhookId, deliveryId);
    assert.deepEqual(log.attempts.map((a: any) => a.statusCode), [503, 429, 200]);
    assert.equal(receiver.received.length, 3);
  });

  test("Retry-After as an HTTP-date is read against Laurel's clock", async (t) => {
    const h = await startHarness(database());
    t.after(() => h.close());
    const receiver = await h.receiver();
    // 90 s after Laurel's (manual) clock, whole seconds as HTTP-dates have no fraction.
    const retryAt = Math.ceil((h.clock.now() + 90_000) / 1000) * 1000;
    receiver.reply = (_request, index) => (index === 0 ? { status: 503, headers: { 'retry-after': new Date(retryAt).toUTCString() } } : { status: 200 });
    const { id: webhookId } = await h.createWebhook({ receiver });

    const deliveryId = await h.sendTestEvent(webhookId);
    await h.events.waitFor('delivery:retrying', (a) => a.deliveryId === deliveryId);
    const log = await h.delivery(webhookId, deliveryId);
    assert.equal(isoToMs(log.nextAttemptAt), retryAt);
  });
});
