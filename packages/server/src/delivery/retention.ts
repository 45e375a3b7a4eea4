import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';

/**
 * Deletes finished deliveries (and their attempts, by cascade) and events older than the
 * retention window, in bounded batches so a large backlog never holds a long lock.
 * Deliveries still pending or retrying are kept whatever their age.
 */
export async function sweepExpiredLog(db: Kysely<Schema>, cutoff: number, batchSize = 1_000): Promise<{ deliveries: number; events: number }> {
  let deliveries = 0;
  for (;;) {
    const batch = db
      .selectFrom('deliveries')
      .select('id')
      .where('created_at', '<', cutoff)
      .where('status', 'in', ['succeeded', 'failed'])
      .limit(batchSize);
    const result = await db.deleteFrom('deliveries').where('id', 'in', batch).executeTakeFirst();
    const count = Number(result.numDeletedRows);
    deliveries += count;
    if (count < batchSize) break;
  }
  let events = 0;
  for (;;) {
    const batch = db
      .selectFrom('events')
      .select('id')
      .where('created_at', '<', cutoff)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('deliveries').select('id').whereRef('deliveries.event_id', '=', 'events.id'))))
      .limit(batchSize);
    const result = await db.deleteFrom('events').where('id', 'in', batch).executeTakeFirst();
    const count = Number(result.numDeletedRows);
    events += count;
    if (count < batchSize) break;
  }
  return { deliveries, events };
}
