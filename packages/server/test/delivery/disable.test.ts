import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalog } from '../../src/events/catalog.js';
import { forEachBackend } from '../support/backends.js';
import { MINUTE, startHarness, type Harness } from './helpers.js';

/** Emits an achievement.completed event in the development environment, as the engine will. */
async function emit(h: Harness): Promise<string[]> {
  const environmentId = await h.environmentId('development');
  const now = h.clock.now();
  const payload = catalog['achievement.completed'].sample(new Date(now));
  const { deliveryIds } = await h.laurel.backend.db
    .transaction()
    .execute((trx) => h.laurel.outbox.emit(trx, { environmentId, type: 'achievement.completed', payload }, now));
  return deliveryIds;
}

async function getWebhook(h: Harness, id: string) {
  const response = await h.laurel.api('GET', `/admin/v1/webhooks/${id}`);
  assert.equal(response.status, 200);
  return response.body;
}

forEachBackend('disabling webhooks', (database) => {
  test('410 Gone fails the delivery at once and disables the webhook; enabling it again is one call', async (t) => {
    const h = await startHarness(database());
    t.after(() => h.close());
    const receiver = await h.receiver();
    receiver.reply = (_request, index) => (index === 0 ? { status: 410, body: 'this endpoint was removed' } : { status: 200 });
    const { id: webhookId } = await h.createWebhook({ receiver });

    const deliveryId = await h.sendTestEvent(webhookId);
    const [disabled] = await Promise.all([
      h.events.waitFor('webhook:disabled', (w) => w.id === webhookId),
      h.events.waitFor('delivery:failed', (a) => a.deliveryId === deliveryId),
    ]);
    assert.match(disabled.reason, /410 Gone/);

    const log = await h.delivery(webhookId, deliveryId);
    assert.equal(log.status, 'failed');
    assert.equal(log.nextAttemptAt, null, 'not retried');
    assert.deepEqual(log.attempts.map((a: any) => [a.trigger, a.statusCode]), [['first', 410]]);

    const webhook = await getWebhook(h, webhookId);
    assert.equal(webhook.enabled, false);
    assert.equal(webhook.disabledReason, disabled.reason);

    assert.deepEqual(await emit(h), [], 'a disabled webhook gets no deliveries');
    const refused = await h.laurel.api('POST', `/admin/v1/webhooks/${webhookId}/test`, { body: { type: 'achievement.completed' } });
    assert.equal(refused.status, 422);
    assert.match(refused.body.error, /disabled/);

    const enabled = await h.laurel.api('PATCH', '/admin/v1/webhooks', { body: [{ id: webhookId, enabled: true }] });
    assert.equal(enabled.status, 200);
    assert.equal(enabled.body.updated[0].enabled, true);
    assert.equal(enabled.body.updated[0].disabledReason, null);
    assert.equal((await getWebhook(h, webhookId)).disabledReason, null);

    const [again] = await emit(h);
    assert.ok(again, 'subscribed again');
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === again);
    assert.equal(receiver.received.length, 2);
  });

  test('after a 410 Gone, nothing more is sent: deliveries already claimed behind it fail as the webhook is disabled', async (t) => {
    // One request at a time, so the first answer comes while the rest wait in the worker's lane.
    const h = await startHarness(database(), { env: { LAUREL_WEBHOOK_CONCURRENCY: '1' } });
    t.after(() => h.close());
    const receiver = await h.receiver();
    receiver.reply = () => ({ status: 410 });
    const { id: webhookId } = await h.createWebhook({ receiver });

    const environmentId = await h.environmentId('development');
    const now = h.clock.now();
    const payload = catalog['achievement.completed'].sample(new Date(now));
    const emitted = await h.laurel.backend.db
      .transaction()
      .execute((trx) => h.laurel.outbox.emitAll(trx, Array.from({ length: 6 }, () => ({ environmentId, type: 'achievement.completed' as const, payload })), now));
    const deliveryIds = emitted.flatMap((e) => e.deliveryIds);
    assert.equal(deliveryIds.length, 6);
    await h.events.waitFor('delivery:failed', (a) => deliveryIds.includes(a.deliveryId), { count: 6 });

    assert.equal(receiver.received.length, 1, 'only the first delivery reached the receiver');
    const logs = await Promise.all(deliveryIds.map((id) => h.delivery(webhookId, id)));
    const outcomes = logs.map((log) => [log.status, log.attempts.map((a: any) => a.statusCode ?? a.errorKind)]);
    const sent = outcomes.filter(([, attempts]) => attempts[0] === 410);
    assert.equal(sent.length, 1);
    assert.deepEqual(
      outcomes.filter(([, attempts]) => attempts[0] !== 410),
      Array.from({ length: 5 }, () => ['failed', ['webhook_disabled']]),
    );
    assert.equal((await getWebhook(h, webhookId)).enabled, false);
  });

  test('a webhook failing without a success for LAUREL_AUTO_DISABLE_AFTER is disabled; what is still queued is not sent', async (t) => {
    const h = await startHarness(database(), { env: { LAUREL_AUTO_DISABLE_AFTER: '10m' } });
    t.after(() => h.close());
    const receiver = await h.receiver();
    receiver.reply = () => ({ status: 500 });
    const { id: webhookId } = await h.createWebhook({ receiver });

    // t = 0, 1, 3, 7 minutes: four failures, but only 7 minutes of them.
    const first = await h.sendTestEvent(webhookId);
    for (const [index, delay] of [1 * MINUTE, 2 * MINUTE, 4 * MINUTE].entries()) {
      await h.events.waitFor('delivery:retrying', (a) => a.deliveryId === first, { count: index + 1 });
      h.advance(delay);
    }
    await h.events.waitFor('delivery:failed', (a) => a.deliveryId === first);
    assert.equal((await getWebhook(h, webhookId)).enabled, true, 'seven minutes of failures are not ten');

    // t = 10 minutes: the next failure completes ten minutes without a success.
    h.advance(3 * MINUTE);
    const second = await h.sendTestEvent(webhookId);
    const disabled = await h.events.waitFor('webhook:disabled', (w) => w.id === webhookId);
    assert.equal(disabled.reason, 'disabled automatically: every delivery failed for 10 minutes without a success');
    const webhook = await getWebhook(h, webhookId);
    assert.equal(webhook.enabled, false);
    assert.equal(webhook.disabledReason, disabled.reason);
    assert.equal(receiver.received.length, 5);

    // The second delivery was scheduled for a retry before the webhook was disabled: it is not sent.
    assert.equal((await h.delivery(webhookId, second)).status, 'retrying');
    h.advance(MINUTE);
    await h.events.waitFor('delivery:failed', (a) => a.deliveryId === second);
    const log = await h.delivery(webhookId, second);
    assert.equal(log.status, 'failed');
    assert.deepEqual(log.attempts.map((a: any) => [a.trigger, a.statusCode, a.errorKind]), [['first', 500, null], ['retry', null, 'webhook_disabled']]);
    assert.equal(receiver.received.length, 5, 'nothing was sent to the disabled webhook');
    assert.deepEqual(await emit(h), []);

    // Enabling clears the reason and the failure streak: one new failure does not disable it again.
    const enabled = await h.laurel.api('PATCH', '/admin/v1/webhooks', { body: [{ id: webhookId, enabled: true }] });
    assert.equal(enabled.body.updated[0].disabledReason, null);
    const third = await h.sendTestEvent(webhookId);
    await h.events.waitFor('delivery:retrying', (a) => a.deliveryId === third);
    assert.equal((await getWebhook(h, webhookId)).enabled, true);
    receiver.reply = () => ({ status: 200 });
    h.advance(MINUTE);
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === third);
  });
});
