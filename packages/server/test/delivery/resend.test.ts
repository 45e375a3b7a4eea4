import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { MINUTE, startHarness } from './helpers.js';

const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

forEachBackend('manual resend and recovery', (database) => {
  test('resending a failed delivery attempts it now as manual, and a failed manual attempt is not retried', async (t) => {
    const h = await startHarness(database(), { env: { LAUREL_RETRY_SCHEDULE: '1m' } });
    t.after(() => h.close());
    const receiver = await h.receiver();
    receiver.reply = () => ({ status: 500 });
    const { id: webhookId } = await h.createWebhook({ receiver });

    const deliveryId = await h.sendTestEvent(webhookId);
    await h.events.waitFor('delivery:retrying', (a) => a.deliveryId === deliveryId);
    h.advance(MINUTE);
    await h.events.waitFor('delivery:failed', (a) => a.deliveryId === deliveryId);

    const resent = await h.laurel.api('POST', `/admin/v1/webhooks/${webhookId}/deliveries/${deliveryId}/resend`);
    assert.equal(resent.status, 202);
    // Its status in the answer races the worker (pending, delivering, or already failed again); the attempts below are the proof.
    const manual = await h.events.waitFor('delivery:attempt', (a) => a.deliveryId === deliveryId, { count: 3 });
    assert.equal(manual.trigger, 'manual');
    assert.equal(manual.next.status, 'failed', 'a failed manual attempt fails the delivery instead of scheduling a retry');

    let log = await h.delivery(webhookId, deliveryId);
    assert.equal(log.status, 'failed');
    assert.equal(log.nextAttemptAt, null);
    assert.deepEqual(log.attempts.map((a: any) => [a.number, a.trigger, a.statusCode]), [[1, 'first', 500], [2, 'retry', 500], [3, 'manual', 500]]);

    // Hours later nothing has been retried on its own; a second resend, once the receiver is fixed, succeeds.
    h.advance(5 * HOUR);
    receiver.reply = () => ({ status: 200 });
    await h.laurel.api('POST', `/admin/v1/webhooks/${webhookId}/deliveries/${deliveryId}/resend`);
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === deliveryId);
    log = await h.delivery(webhookId, deliveryId);
    assert.deepEqual(log.attempts.map((a: any) => [a.trigger, a.statusCode]), [['first', 500], ['retry', 500], ['manual', 500], ['manual', 200]]);
    assert.equal(receiver.received.length, 4);
    assert.deepEqual(new Set(receiver.received.map((r) => r.headers['webhook-id'])), new Set([deliveryId]), 'a resend is the same delivery: same webhook-id');
  });

  test('recover resends the failed deliveries created in the window, and only those', async (t) => {
    const h = await startHarness(database(), { env: { LAUREL_RETRY_SCHEDULE: '' } });
    t.after(() => h.close());
    const receiver = await h.receiver();
    const { id: webhookId } = await h.createWebhook({ receiver });
    const t0 = h.clock.now();

    const send = async (status: number) => {
      receiver.reply = () => ({ status });
      const id = await h.sendTestEvent(webhookId);
      await h.events.waitFor(status === 200 ? 'delivery:succeeded' : 'delivery:failed', (a) => a.deliveryId === id);
      return id;
    };
    const before = await send(500); // t0, outside the window
    h.advance(HOUR);
    const inside = await send(500); // t0 + 1h
    h.advance(MINUTE);
    const delivered = await send(200); // t0 + 1h01, in the window but not failed
    h.advance(HOUR);
    const afterWindow = await send(500); // t0 + 2h01

    receiver.reply = () => ({ status: 200 });
    const recovered = await h.laurel.api('POST', `/admin/v1/webhooks/${webhookId}/recover`, { body: { since: iso(t0 + 30 * MINUTE), until: iso(t0 + 90 * MINUTE) } });
    assert.equal(recovered.status, 202);
    assert.deepEqual(recovered.body, { recovered: 1 });
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === inside);

    const log = await h.delivery(webhookId, inside);
    assert.deepEqual(log.attempts.map((a: any) => [a.trigger, a.statusCode]), [['first', 500], ['manual', 200]]);
    for (const id of [before, afterWindow]) {
      const untouched = await h.delivery(webhookId, id);
      assert.equal(untouched.status, 'failed');
      assert.equal(untouched.attempts.length, 1);
    }
    assert.equal((await h.delivery(webhookId, delivered)).attempts.length, 1);
    const failed = await h.laurel.api('GET', `/admin/v1/webhooks/${webhookId}/deliveries?status=failed`);
    assert.deepEqual(failed.body.map((d: any) => d.id), [afterWindow, before], 'newest first');

    // `until` defaults to now.
    h.advance(MINUTE);
    const rest = await h.laurel.api('POST', `/admin/v1/webhooks/${webhookId}/recover`, { body: { since: iso(t0 + 2 * HOUR) } });
    assert.deepEqual(rest.body, { recovered: 1 });
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === afterWindow);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    assert.deepEqual(ids, [before, inside, delivered, afterWindow, inside, afterWindow]);
  });
});
