import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { EmitInput } from '../../src/delivery/outbox.js';
import type { EventType } from '../../src/events/event-types.js';
import { catalog } from '../../src/events/catalog.js';
import { forEachBackend } from '../support/backends.js';
import { startHarness, type Harness } from './helpers.js';

class Rollback extends Error {}

forEachBackend('transactional outbox', (database) => {
  let h: Harness;
  before(async () => {
    h = await startHarness(database());
  });
  after(() => h.close());

  const input = async (type: EventType = 'achievement.completed', environment: 'development' | 'production' = 'development'): Promise<EmitInput> => ({
    environmentId: await h.environmentId(environment),
    type,
    payload: catalog[type].sample(new Date(h.clock.now())),
  });

  const emit = (event: EmitInput) => h.laurel.backend.db.transaction().execute((trx) => h.laurel.outbox.emit(trx, event, h.clock.now()));

  test('an emit whose transaction rolls back leaves no rows and sends nothing', async () => {
    const receiver = await h.receiver();
    const { id: webhookId } = await h.createWebhook({ receiver });
    const db = h.laurel.backend.db;

    // Inputs are built before each transaction: on SQLite a query outside it would wait for its one connection.
    const event = await input();
    let emitted: { eventId: string; deliveryIds: string[] } | undefined;
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        emitted = await h.laurel.outbox.emit(trx, event, h.clock.now());
        throw new Rollback('the caller failed after emitting');
      }),
      Rollback,
    );
    assert.equal(emitted!.deliveryIds.length, 1, 'inside the transaction the delivery row was written');
    assert.equal((await db.selectFrom('events').select('id').where('id', '=', emitted!.eventId).execute()).length, 0);
    assert.equal((await db.selectFrom('deliveries').select('id').where('webhook_id', '=', webhookId).execute()).length, 0);

    // A committed emit right after it is delivered, and it is the only thing the receiver ever sees.
    const committed = await emit(event);
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === committed.deliveryIds[0]);
    assert.deepEqual(receiver.received.map((r) => r.headers['webhook-id']), committed.deliveryIds);
    assert.ok(receiver.received[0]!.trophyVerified && receiver.received[0]!.standardVerified);
    const rows = await db.selectFrom('deliveries').select(['id', 'event_id', 'status']).where('webhook_id', '=', webhookId).execute();
    assert.deepEqual(rows, [{ id: committed.deliveryIds[0], event_id: committed.eventId, status: 'succeeded' }]);
  });

  test('only enabled webhooks of the same environment subscribed to the type get a delivery', async () => {
    const receivers = {
      subscribed: await h.receiver(),
      alsoSubscribed: await h.receiver(),
      otherType: await h.receiver(),
      disabled: await h.receiver(),
      production: await h.receiver(),
    };
    const subscribed = await h.createWebhook({ receiver: receivers.subscribed, events: ['points.changed'] });
    const alsoSubscribed = await h.createWebhook({ receiver: receivers.alsoSubscribed, events: ['streak.started', 'points.changed'] });
    await h.createWebhook({ receiver: receivers.otherType, events: ['streak.started'] });
    await h.createWebhook({ receiver: receivers.disabled, events: ['points.changed'], enabled: false });
    const production = await h.createWebhook({ receiver: receivers.production, events: ['points.changed'], key: h.laurel.keys.production });

    const db = h.laurel.backend.db;
    const dev = await emit(await input('points.changed'));
    const targets = await db.selectFrom('deliveries').select('webhook_id').where('event_id', '=', dev.eventId).execute();
    assert.deepEqual(targets.map((r) => r.webhook_id).sort(), [subscribed.id, alsoSubscribed.id].sort());

    await h.events.waitForAll('delivery:succeeded', (a) => dev.deliveryIds.includes(a.deliveryId), { count: 2 });
    assert.equal(receivers.subscribed.received.length, 1);
    assert.equal(receivers.alsoSubscribed.received.length, 1);

    const prod = await emit(await input('points.changed', 'production'));
    assert.equal(prod.deliveryIds.length, 1);
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === prod.deliveryIds[0]);
    assert.equal((await db.selectFrom('deliveries').select('webhook_id').where('event_id', '=', prod.eventId).executeTakeFirst())?.webhook_id, production.id);
    assert.equal(receivers.production.received.length, 1);

    const none = await emit(await input('leaderboard.finished'));
    assert.deepEqual(none.deliveryIds, [], 'nobody subscribes to this type: the event is stored, no delivery is made');
    assert.equal(receivers.otherType.received.length + receivers.disabled.received.length, 0);
  });
});
