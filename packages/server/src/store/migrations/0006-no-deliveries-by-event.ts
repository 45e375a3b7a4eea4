import type { Kysely } from 'kysely';

/**
 * Drops the index of deliveries by event. Every emit wrote an entry in it for every subscribed
 * webhook, healthy or not, and only the retention sweep read it; the sweep now finds an event's
 * deliveries by webhook and creation time (`deliveries_by_webhook`), which the outbox writes equal
 * to the event's.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_by_event').ifExists().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('deliveries_by_event').ifNotExists().on('deliveries').column('event_id').execute();
}
