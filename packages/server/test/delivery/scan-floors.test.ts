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

// Deliveries that waited too long in a lane are given back with the due time they had, behind the
// floor the claim that took them set. The worker must look for them again at once.
forEachBackend('claims look back for deliveries the worker gave back', (database) => {
  let h: Harness;
  before(async () => {
    // One attempt at a time per webhook, a 1 s timeout and a 15 s lease (FAST_ENV); no poll to help.
    h = await startHarness(database(), { env: { LAUREL_WEBHOOK_CONCURRENCY: '1' }, pollIntervalMs: 3_600_000 });
  });
  after(() => h.close());

  test('a delivery released from the lane behind the scan floor is claimed and delivered again', async () => {
    const receiver = await h.receiver();
    receiver.reply = (request, index) => ({ status: request.trophyVerified && request.standardVerified ? 200 : 400, delayMs: index === 0 ? 500 : 0 });
    const { id: webhookId } = await h.createWebhook({ receiver, events: ['points.changed'] });
    const environmentId = await h.environmentId('development');
    const now = h.clock.now();
    const emitAt = (dueAt: number) =>
      h.laurel.backend.db.transaction().execute((trx) =>
        h.laurel.outbox.emit(trx, { environmentId, type: 'points.changed', payload: catalog['points.changed'].sample(new Date(dueAt)) }, dueAt),
      );
    const status = async (id: string) => (await h.laurel.backend.db.selectFrom('deliveries').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    // Due 3 and 2 s ago: the first is sent (its answer takes 500 ms), the second waits in the lane.
    const emitted = [await emitAt(now - 3_000), await emitAt(now - 2_000)];
    await receiver.waitFor(1);
    // Due 1 s ago: claimed next, which moves the floor past the one waiting.
    emitted.push(await emitAt(now - 1_000));
    const claimedBy = Date.now() + 5_000;
    while ((await status(emitted[2]!.deliveryIds[0]!)) !== 'delivering') {
      assert.ok(Date.now() < claimedBy, 'the third delivery was claimed');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // While the first is still in flight, time jumps past what the waiting ones' lease allows for
    // an attempt (lease 15 s, timeout 1 s, margin 5 s): when the lane frees, both are given back.
    h.clock.advance(10_000);

    const ids = emitted.map((e) => e.deliveryIds[0]!);
    await h.events.waitForAll('delivery:succeeded', (a) => ids.includes(a.deliveryId), { count: 3, timeoutMs: 5_000 });
    const rows = await h.laurel.backend.db.selectFrom('deliveries').select(['id', 'status', 'attempts']).where('webhook_id', '=', webhookId).orderBy('next_attempt_at').execute();
    assert.deepEqual(rows, ids.map((id) => ({ id, status: 'succeeded', attempts: 1 })), 'each sent once; the release undid the claim\'s attempt count');
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
