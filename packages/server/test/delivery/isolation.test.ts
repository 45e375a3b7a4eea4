import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalog } from '../../src/events/catalog.js';
import { forEachBackend } from '../support/backends.js';
import { startHarness } from './helpers.js';

const EVENTS = 20;
const PER_WEBHOOK = 4;

forEachBackend('isolation between webhooks', (database) => {
  test('a receiver that hangs until the timeout does not hold up a healthy one', async (t) => {
    const h = await startHarness(database(), { env: { LAUREL_WEBHOOK_CONCURRENCY: String(PER_WEBHOOK) } });
    t.after(() => h.close());
    const slow = await h.receiver();
    slow.reply = () => 'hang';
    const healthy = await h.receiver();
    const slowHook = await h.createWebhook({ receiver: slow, events: ['points.changed'] });
    const healthyHook = await h.createWebhook({ receiver: healthy, events: ['points.changed'] });

    // One commit of N events, each delivered to both webhooks: 2N deliveries due at the same instant.
    const environmentId = await h.environmentId('development');
    const now = h.clock.now();
    await h.laurel.backend.db.transaction().execute(async (trx) => {
      for (let i = 0; i < EVENTS; i++) {
        await h.laurel.outbox.emit(trx, { environmentId, type: 'points.changed', payload: catalog['points.changed'].sample(new Date(now)) }, now);
      }
    });

    const delivered = await h.events.waitForAll('delivery:succeeded', (a) => a.webhookId === healthyHook.id, { count: EVENTS });
    // At this instant every slow attempt is still waiting on its receiver.
    assert.equal(h.events.all('delivery:attempt', (a) => a.webhookId === slowHook.id).length, 0, 'no slow attempt has finished yet');
    assert.ok(slow.received.length >= 1, 'slow deliveries were in flight');
    assert.ok(slow.received.length <= PER_WEBHOOK, `at most ${PER_WEBHOOK} slow attempts in flight (got ${slow.received.length})`);
    assert.equal(healthy.received.length, EVENTS);
    assert.equal(new Set(delivered.map((a) => a.deliveryId)).size, EVENTS);
    assert.ok(healthy.received.every((r) => r.trophyVerified && r.standardVerified));

    // The slow ones then time out and are scheduled for a retry; they never fail a healthy delivery.
    const timedOut = await h.events.waitForAll('delivery:retrying', (a) => a.webhookId === slowHook.id, { count: PER_WEBHOOK, timeoutMs: 5_000 });
    assert.ok(timedOut.every((a) => a.errorKind === 'timeout'));
    const attempts = h.events.all('delivery:attempt');
    const firstSlow = attempts.findIndex((a) => a.webhookId === slowHook.id);
    const lastHealthy = attempts.findLastIndex((a) => a.webhookId === healthyHook.id);
    assert.ok(lastHealthy < firstSlow, 'every healthy attempt was recorded before the first slow one');
  });

  test('hanging receivers never take the global slots a healthy webhook needs', async (t) => {
    // Tight caps: the two hanging webhooks' attempts in flight (3 each) leave 2 of the 8 global
    // slots; the rows they have queued behind those must not count against the global cap.
    // The poll is an hour, so progress must come from the worker itself, not from a timer.
    const h = await startHarness(database(), {
      env: { LAUREL_DELIVERY_CONCURRENCY: '8', LAUREL_WEBHOOK_CONCURRENCY: '3' },
      pollIntervalMs: 3_600_000,
    });
    t.after(() => h.close());
    const hanging = [await h.receiver(), await h.receiver()];
    for (const receiver of hanging) {
      receiver.reply = () => 'hang';
      await h.createWebhook({ receiver, events: ['points.changed'] });
    }
    const healthy = await h.receiver();
    const healthyHook = await h.createWebhook({ receiver: healthy, events: ['points.changed'] });

    const environmentId = await h.environmentId('development');
    const now = h.clock.now();
    const events = 3 * EVENTS;
    await h.laurel.backend.db.transaction().execute(async (trx) => {
      const payload = catalog['points.changed'].sample(new Date(now));
      await h.laurel.outbox.emitAll(trx, Array.from({ length: events }, () => ({ environmentId, type: 'points.changed' as const, payload })), now);
    });

    await h.events.waitForAll('delivery:succeeded', (a) => a.webhookId === healthyHook.id, { count: events, timeoutMs: 5_000 });
    assert.equal(healthy.received.length, events);
    assert.ok(hanging.every((r) => r.received.length <= 3), 'each hanging webhook had at most its own cap in flight');
  });
});
