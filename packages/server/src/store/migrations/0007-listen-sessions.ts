import type { Kysely } from 'kysely';

/**
 * `laurel listen` sessions and what each reported for the events it forwarded, so `laurel
 * trigger` can say which listeners got an event and what their receivers answered. Both tables
 * are small and short-lived: a session row per running `laurel listen`, a forward row per event
 * it forwarded in the last hour (see listen/listen-sessions.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('listen_sessions')
    // Made by the CLI (a UUID) and sent on every connection, so a reconnect is the same session.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    // The connection that holds the session now; an older connection closing late must not end it.
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('forward_to', 'text')
    // JSON array of the event types it asked for; null for every type.
    .addColumn('types', 'text')
    .addColumn('first_connected_at', 'bigint', (c) => c.notNull())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  await db.schema.createIndex('listen_sessions_by_environment').on('listen_sessions').columns(['environment_id', 'seen_at']).execute();

  await db.schema
    .createTable('listen_forwards')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('reported_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('listen_forwards_pkey', ['event_id', 'session_id'])
    .execute();
  await db.schema.createIndex('listen_forwards_by_session').on('listen_forwards').columns(['session_id', 'reported_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['listen_forwards', 'listen_sessions']) await db.schema.dropTable(table).ifExists().execute();
}
