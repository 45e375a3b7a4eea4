import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { DeliveryStatus, Schema } from '../store/schema.js';
import { deleteDeliveryLog } from './delivery-log.js';

const FINISHED: readonly DeliveryStatus[] = ['succeeded', 'failed'];

/**
 * Deletes the delivery log older than the retention window: events created before `cutoff`
 * with their finished deliveries and those deliveries' attempts. Deliveries still pending, retrying or
 * in flight are kept, and so is their event, whatever their age.
 *
 * Walks old events in (created_at, id) order with a cursor, `batchSize` at a time, so every step
 * reads through an index and no batch holds a long lock, however large the backlog.
 *
 * A batch's deliveries are found through `deliveries_by_webhook (webhook_id, created_at)`: the
 * outbox writes an event and its deliveries with the same `created_at`, so they lie in the batch's
 * time range under some webhook's id. There is deliberately no index of deliveries by event: it
 * would be written by every emit, for every subscribed webhook, to serve only this sweep.
 */
export async function sweepExpiredLog(db: Kysely<Schema>, cutoff: number, batchSize = 1_000): Promise<{ deliveries: number; events: number }> {
  const removed = { deliveries: await deleteOrphanedDeliveries(db), events: 0 };
  let cursor: { created_at: number; id: string } | undefined;
  for (;;) {
    let query = db.selectFrom('events').select(['id', 'created_at']).where('created_at', '<', cutoff);
    if (cursor) {
      const after = cursor;
      query = query.where((eb) =>
        eb.or([eb('created_at', '>', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)])]),
      );
    }
    const batch = await query.orderBy('created_at').orderBy('id').limit(batchSize).execute();
    if (batch.length === 0) break;
    cursor = batch.at(-1);
    const ids = batch.map((event) => event.id);
    const [from, to] = [batch[0]!.created_at, cursor!.created_at];
    await db.transaction().execute(async (trx) => {
      // The deliveries written with this batch's events, read through deliveries_by_webhook.
      const inBatchRange = (eb: ExpressionBuilder<Schema, 'deliveries'>) =>
        eb.and([eb('webhook_id', 'in', trx.selectFrom('webhooks').select('id')), eb('created_at', '>=', from), eb('created_at', '<=', to)]);
      const deliveries = await trx
        .deleteFrom('deliveries')
        .where(inBatchRange)
        .where('event_id', 'in', ids)
        .where('status', 'in', FINISHED)
        .returning('id')
        .execute();
      // Their attempts, in slices (an event may have many webhooks; SQLite caps bound parameters).
      for (let i = 0; i < deliveries.length; i += batchSize) {
        const slice = deliveries.slice(i, i + batchSize).map((d) => d.id);
        await trx.deleteFrom('delivery_attempts').where('delivery_id', 'in', slice).execute();
      }
      const events = await trx
        .deleteFrom('events')
        .where('id', 'in', ids)
        .where('id', 'not in', trx.selectFrom('deliveries').select('event_id').where(inBatchRange))
        .executeTakeFirst();
      removed.deliveries += deliveries.length;
      removed.events += Number(events.numDeletedRows);
    });
    if (batch.length < batchSize) break;
  }
  return removed;
}

/**
 * Deletes the deliveries (and attempts) of webhooks that no longer exist. Deleting a webhook
 * deletes its log in the same transaction, but an emit that committed concurrently can still have
 * written a delivery for it (there is no foreign key to stop it, see migration 0005); the sweep
 * above, which looks for deliveries by existing webhook, would never find such rows.
 * The webhooks in the log are read with one seek per webhook into `deliveries_by_webhook` (a loose
 * index scan), so this costs as little as the number of webhooks, not the size of the log.
 */
async function deleteOrphanedDeliveries(db: Kysely<Schema>): Promise<number> {
  const { rows } = await sql<{ webhook_id: string }>`
    with recursive logged(webhook_id) as (
      select (select webhook_id from deliveries order by webhook_id limit 1)
      union all
      select (select webhook_id from deliveries where webhook_id > logged.webhook_id order by webhook_id limit 1)
      from logged where logged.webhook_id is not null
    )
    select webhook_id from logged
    where webhook_id is not null and not exists (select 1 from webhooks where webhooks.id = logged.webhook_id)
  `.execute(db);
  const gone = rows.map((row) => row.webhook_id);
  const deleted = await db.transaction().execute((trx) => deleteDeliveryLog(trx, gone));
  return deleted;
}
