import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOutbox } from '../../src/delivery/outbox.js';
import { sweepExpiredLog } from '../../src/delivery/retention.js';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { catalog } from '../../src/events/catalog.js';
import type { Backend } from '../../src/store/backends/backend.js';
import type { DeliveryStatus } from '../../src/store/schema.js';
import { newId } from '../../src/store/ids.js';
import { createWebhooks } from '../../src/webhooks/webhook-store.js';
import { forEachBackend } from '../support/backends.js';
import { openTestStore } from '../support/store.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const CUTOFF = NOW - 7 * DAY;

forEachBackend('delivery log retention', (database) => {
  let backend: Backend;
  let environmentId: string;
  let webhookIds: [string, string];

  before(async () => {
    ({ backend, environmentId } = await openTestStore(database().url, NOW - 30 * DAY));
    const hooks = await createWebhooks(
      backend.db,
      environmentId,
      [
        { name: 'a', url: 'http://127.0.0.1:9/a', events: ['points.changed'] },
        { name: 'b', url: 'http://127.0.0.1:9/b', events: ['points.changed'] },
      ],
      NOW - 30 * DAY,
    );
    webhookIds = [hooks[0]!.id, hooks[1]!.id];
  });
  after(() => backend.close());

  const outbox = () => createOutbox(backend, () => {});

  /**
   * An event created at `at` with one delivery per status (to webhook a, then both a and b), each
   * delivery in that status with one logged attempt unless pending. No statuses: an event nobody
   * was subscribed to.
   */
  async function seed(at: number, statuses: DeliveryStatus[]): Promise<{ eventId: string; deliveryIds: string[] }> {
    assert.ok(statuses.length <= 2);
    const payload = catalog['points.changed'].sample(new Date(at));
    const production = (await findEnvironmentByName(backend.db, 'production'))!.id;
    const input =
      statuses.length === 0
        ? { environmentId: production, type: 'points.changed' as const, payload }
        : { environmentId, type: 'points.changed' as const, payload, ...(statuses.length === 1 ? { onlyWebhookId: webhookIds[0] } : {}) };
    const emitted = await backend.db.transaction().execute((trx) => outbox().emit(trx, input, at));
    assert.equal(emitted.deliveryIds.length, statuses.length);
    for (const [i, id] of emitted.deliveryIds.entries()) {
      const status = statuses[i]!;
      const row = await backend.db
        .updateTable('deliveries')
        .set({ status, attempts: status === 'pending' ? 0 : 1 })
        .where('id', '=', id)
        .returning('webhook_id')
        .executeTakeFirstOrThrow();
      if (status === 'pending') continue;
      await backend.db
        .insertInto('delivery_attempts')
        .values({ id: newId(), delivery_id: id, webhook_id: row.webhook_id, number: 1, trigger: 'first', started_at: at, status_code: 500, error_kind: null, error_message: null, latency_ms: 3, response_body: 'no', request_headers: '{}' })
        .execute();
    }
    return emitted;
  }

  const count = async (table: 'events' | 'deliveries' | 'delivery_attempts', column: 'id' | 'delivery_id', ids: string[]) =>
    ids.length === 0 ? 0 : (await backend.db.selectFrom(table).select(column).where(column, 'in', ids).execute()).length;

  test('deletes finished deliveries, their attempts and their events older than the cutoff, in batches; keeps the rest', async () => {
    const old = CUTOFF - DAY;
    const oldFinished = [
      ...(await Promise.all([1, 2, 3, 4, 5].map(() => seed(old, ['succeeded'])))),
      ...(await Promise.all([1, 2].map(() => seed(old, ['failed'])))),
    ];
    const oldUnsent = await seed(old, []);
    const oldPending = await seed(old, ['pending']);
    const oldRetrying = await seed(old, ['retrying']);
    const oldDelivering = await seed(old, ['delivering']);
    // One event, two webhooks: one delivery done, the other still retrying.
    const oldHalfDone = await seed(old, ['succeeded', 'retrying']);
    const recent = await Promise.all([1, 2].map(() => seed(CUTOFF + DAY, ['succeeded'])));
    const atCutoff = await seed(CUTOFF, ['failed']);

    const removed = await sweepExpiredLog(backend.db, CUTOFF, 2);
    assert.deepEqual(removed, { deliveries: 8, events: 8 }, 'seven finished old deliveries and one of the half-done event; their seven events and the unsent one');

    const deletedDeliveries = [...oldFinished.flatMap((e) => e.deliveryIds), oldHalfDone.deliveryIds[0]!];
    assert.equal(await count('deliveries', 'id', deletedDeliveries), 0);
    assert.equal(await count('delivery_attempts', 'delivery_id', deletedDeliveries), 0, 'attempts go with their delivery');
    assert.equal(await count('events', 'id', [...oldFinished.map((e) => e.eventId), oldUnsent.eventId]), 0);

    const kept = [oldPending, oldRetrying, oldDelivering, ...recent, atCutoff];
    assert.equal(await count('deliveries', 'id', kept.flatMap((e) => e.deliveryIds)), kept.length, 'unfinished or recent deliveries stay, whatever their age');
    assert.equal(await count('delivery_attempts', 'delivery_id', [...oldRetrying.deliveryIds, ...oldDelivering.deliveryIds, ...recent.flatMap((e) => e.deliveryIds)]), 4);
    assert.equal(await count('events', 'id', [...kept.map((e) => e.eventId), oldHalfDone.eventId]), kept.length + 1, 'an event stays while any of its deliveries does');
    assert.equal(await count('deliveries', 'id', [oldHalfDone.deliveryIds[1]!]), 1);

    assert.deepEqual(await sweepExpiredLog(backend.db, CUTOFF, 2), { deliveries: 0, events: 0 }, 'a second sweep finds nothing');
  });

  test('deletes the deliveries of a webhook deleted while an emit wrote to it, whatever their age; their events then go as usual', async () => {
    // What a concurrent emit can leave behind: deliveries whose webhook row is gone (no foreign key stops it).
    const [gone] = await createWebhooks(backend.db, environmentId, [{ name: 'gone', url: 'http://127.0.0.1:9/gone', events: ['points.changed'] }], NOW - 30 * DAY);
    const write = async (at: number) => {
      const payload = catalog['points.changed'].sample(new Date(at));
      return backend.db.transaction().execute((trx) => outbox().emit(trx, { environmentId, type: 'points.changed', payload, onlyWebhookId: gone!.id }, at));
    };
    const [old, recent] = [await write(CUTOFF - DAY), await write(NOW)];
    const orphans = [...old.deliveryIds, ...recent.deliveryIds];
    await backend.db.insertInto('delivery_attempts').values({ id: newId(), delivery_id: orphans[0]!, webhook_id: gone!.id, number: 1, trigger: 'first', started_at: NOW, status_code: null, error_kind: 'webhook_disabled', error_message: null, latency_ms: 0, response_body: null, request_headers: '{}' }).execute();
    await backend.db.deleteFrom('webhooks').where('id', '=', gone!.id).execute();
    const kept = await seed(CUTOFF + DAY, ['succeeded']);

    assert.deepEqual(await sweepExpiredLog(backend.db, CUTOFF), { deliveries: 2, events: 1 });
    assert.equal(await count('deliveries', 'id', orphans), 0);
    assert.equal(await count('delivery_attempts', 'delivery_id', orphans), 0);
    assert.equal(await count('events', 'id', [old.eventId, recent.eventId]), 1, 'the old event went with its delivery; the recent one waits for its age');
    assert.equal(await count('deliveries', 'id', kept.deliveryIds), 1, "other webhooks' deliveries stay");
  });
});
