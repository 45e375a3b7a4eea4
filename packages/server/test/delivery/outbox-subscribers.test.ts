import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOutbox, type Outbox } from '../../src/delivery/outbox.js';
import { catalog } from '../../src/events/catalog.js';
import type { Backend } from '../../src/store/backends/backend.js';
import { openBackend } from '../../src/store/open-backend.js';
import { createWebhooks, deleteWebhooks, updateWebhooks } from '../../src/webhooks/webhook-store.js';
import { forEachBackend } from '../support/backends.js';
import { openTestStore } from '../support/store.js';

/**
 * The outbox remembers each environment's subscribers between emits (on PostgreSQL it then checks
 * them inside the emitting statement instead of reading them first). Every change to the webhooks,
 * made by another process, must show in the very next emit.
 */
forEachBackend('outbox subscribers across processes', (database) => {
  let emitter: Backend;
  let other: Backend;
  let outbox: Outbox;
  let environmentId: string;
  const T = Date.UTC(2026, 0, 1);
  const url = 'http://127.0.0.1:9/';

  before(async () => {
    ({ backend: emitter, environmentId } = await openTestStore(database().url, T));
    other = openBackend(database().url);
    outbox = createOutbox(emitter, () => {});
  });
  after(async () => {
    await other.close();
    await emitter.close();
  });

  /** Emits one points.changed event from the emitting process; returns the webhooks it was queued for. */
  async function emitOne(): Promise<string[]> {
    const payload = catalog['points.changed'].sample(new Date(T));
    const { eventId } = await emitter.db.transaction().execute((trx) => outbox.emit(trx, { environmentId, type: 'points.changed', payload }, T));
    const rows = await emitter.db.selectFrom('deliveries').select('webhook_id').where('event_id', '=', eventId).execute();
    return rows.map((row) => row.webhook_id).sort();
  }

  test('created, disabled, re-subscribed and deleted webhooks are seen by the next emit', async () => {
    assert.deepEqual(await emitOne(), [], 'no webhooks yet');
    assert.deepEqual(await emitOne(), [], 'still none (now from what was remembered)');

    const [a, b] = await createWebhooks(other.db, environmentId, [
      { name: 'a', url, events: ['points.changed'] },
      { name: 'b', url, events: ['points.changed', 'achievement.completed'] },
    ], T);
    assert.deepEqual(await emitOne(), [a!.id, b!.id].sort(), 'two new subscribers');
    assert.deepEqual(await emitOne(), [a!.id, b!.id].sort(), 'the same two, remembered');

    await updateWebhooks(other.db, environmentId, [{ id: a!.id, enabled: false }], T);
    assert.deepEqual(await emitOne(), [b!.id], 'a disabled webhook gets nothing');

    await updateWebhooks(other.db, environmentId, [{ id: b!.id, events: ['achievement.completed'] }], T);
    assert.deepEqual(await emitOne(), [], 'b no longer subscribes to points.changed');

    await updateWebhooks(other.db, environmentId, [{ id: a!.id, enabled: true }], T);
    assert.deepEqual(await emitOne(), [a!.id], 're-enabled');

    await deleteWebhooks(other.db, environmentId, [a!.id]);
    assert.deepEqual(await emitOne(), [], 'deleted');
  });

  test('a rolled-back emit leaves nothing, whatever was remembered', async () => {
    const [c] = await createWebhooks(other.db, environmentId, [{ name: 'c', url, events: ['points.changed'] }], T);
    assert.deepEqual(await emitOne(), [c!.id]);
    const before = await emitter.db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const payload = catalog['points.changed'].sample(new Date(T));
    await assert.rejects(
      emitter.db.transaction().execute(async (trx) => {
        await outbox.emit(trx, { environmentId, type: 'points.changed', payload }, T);
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    const afterRollback = await emitter.db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(afterRollback.n), Number(before.n));
  });
});
