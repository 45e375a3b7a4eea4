import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeWakeUp, encodeWakeUp } from '../../src/delivery/outbox.js';
import { catalog } from '../../src/events/catalog.js';
import { forEachBackend } from '../support/backends.js';
import { startHarness, type Harness } from './helpers.js';

// The worker starts each claim where its previous one reached (see the worker's scan floors). A
// delivery due earlier than that can still appear: an emit whose transaction commits after later
// ones. Its wake-up must make the worker look back for it; the poll that would also find it is an
// hour away here.
forEachBackend('claims resume where they stopped, and look back for late commits', (database) => {
  let h: Harness;
  before(async () => {
    h = await startHarness(database(), { pollIntervalMs: 3_600_000 });
  });
  after(() => h.close());

  test('an event committed after later ones is delivered at once, not at the next poll', async () => {
    const receiver = await h.receiver();
    const { id: webhookId } = await h.createWebhook({ receiver, events: ['points.changed'] });
    const environmentId = await h.environmentId('development');
    const emitAt = (now: number) =>
      h.laurel.backend.db.transaction().execute((trx) =>
        h.laurel.outbox.emit(trx, { environmentId, type: 'points.changed', payload: catalog['points.changed'].sample(new Date(now)) }, now),
      );

    const now = h.clock.now();
    const first = await emitAt(now - 2_000);
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === first.deliveryIds[0]);
    const second = await emitAt(now - 1_000);
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === second.deliveryIds[0]);

    // The manual clock stands still, so every emit is due at once. This one is written as due
    // earlier than both, as by a long transaction that began before them.
    const late = await emitAt(now - 10_000);
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === late.deliveryIds[0], { timeoutMs: 5_000 });
    assert.deepEqual(
      receiver.received.map((r) => r.headers['webhook-id']),
      [first.deliveryIds[0], second.deliveryIds[0], late.deliveryIds[0]],
    );
    const statuses = await h.laurel.backend.db.selectFrom('deliveries').select('status').where('webhook_id', '=', webhookId).execute();
    assert.deepEqual(statuses.map((row) => row.status), ['succeeded', 'succeeded', 'succeeded']);
  });
});

describe('wake-up payloads', () => {
  const ids = ['0197f1c2-5b6e-7aaa-8bbb-0123456789ab', '0197f1c2-5b6e-7aaa-8bbb-0123456789ac'];

  test('carry the webhook ids and, from emits, the due time they wrote', () => {
    assert.deepEqual(decodeWakeUp(encodeWakeUp(ids, 1_764_280_000_000)), { webhookIds: ids, since: 1_764_280_000_000 });
    assert.deepEqual(decodeWakeUp(encodeWakeUp(ids)), { webhookIds: ids });
  });

  test('past 100 webhooks say only "look at every webhook", within the 8000 bytes NOTIFY allows', () => {
    const many = Array.from({ length: 101 }, (_, i) => `0197f1c2-5b6e-7aaa-8bbb-${String(i).padStart(12, '0')}`);
    assert.equal(encodeWakeUp(many, 1), '');
    assert.deepEqual(decodeWakeUp(''), { webhookIds: undefined });
    assert.ok(encodeWakeUp(many.slice(0, 100), 1_764_280_000_000).length < 8000);
  });
});
