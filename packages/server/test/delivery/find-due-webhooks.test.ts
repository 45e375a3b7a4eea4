import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOutbox } from '../../src/delivery/outbox.js';
import { findDueWebhooks } from '../../src/delivery/queue/find-due-webhooks.js';
import { catalog } from '../../src/events/catalog.js';
import type { Backend } from '../../src/store/backends/backend.js';
import { createWebhooks } from '../../src/webhooks/webhook-store.js';
import { forEachBackend } from '../support/backends.js';
import { openTestStore } from '../support/store.js';

forEachBackend("the poll's question: which webhooks have deliveries due", (database) => {
  let backend: Backend;
  let environmentId: string;
  const T = Date.UTC(2026, 0, 1);

  before(async () => {
    ({ backend, environmentId } = await openTestStore(database().url, T));
  });
  after(() => backend.close());

  /** A webhook with `count` deliveries due at `dueAt`; returns its id. */
  async function webhookWith(name: string, count: number, dueAt: number): Promise<string> {
    const [webhook] = await createWebhooks(backend.db, environmentId, [{ name, url: 'http://127.0.0.1:9/', events: ['points.changed'] }], T);
    const outbox = createOutbox(backend, () => {});
    const payload = catalog['points.changed'].sample(new Date(T));
    const inputs = Array.from({ length: count }, () => ({ environmentId, type: 'points.changed' as const, payload, onlyWebhookId: webhook!.id }));
    await backend.db.transaction().execute((trx) => outbox.emitAll(trx, inputs, dueAt));
    return webhook!.id;
  }

  test('oldest due first; not yet due, finished and delivering rows do not count', async () => {
    const later = await webhookWith('due later', 1, T + 200);
    const backlog = await webhookWith('long backlog', 3_000, T + 100);
    const oldest = await webhookWith('oldest', 1, T + 50);
    await webhookWith('not due yet', 1, T + 10_000);
    const finished = await webhookWith('finished', 2, T);
    await backend.db.updateTable('deliveries').set({ status: 'succeeded' }).where('webhook_id', '=', finished).execute();
    const inFlight = await webhookWith('in flight', 1, T);
    await backend.db.updateTable('deliveries').set({ status: 'delivering', lease_owner: 'w', lease_expires_at: T + 60_000 }).where('webhook_id', '=', inFlight).execute();

    assert.deepEqual(await findDueWebhooks(backend, T + 500), [oldest, backlog, later]);
    assert.deepEqual(await findDueWebhooks(backend, T + 500, 2), [oldest, backlog]);
    assert.deepEqual(await findDueWebhooks(backend, T + 150), [oldest, backlog]);
    assert.deepEqual(await findDueWebhooks(backend, T + 10), []);
  });
});
