import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Backend } from '../../src/store/backends/backend.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openBackend } from '../../src/store/open-backend.js';
import { forEachBackend } from '../support/backends.js';
import { migrateBefore } from '../support/migrations.js';

const LOG_TABLES = ['events', 'deliveries', 'delivery_attempts'];

forEachBackend('upgrading a database with a delivery log (0005: no foreign keys on the log)', (database) => {
  let backend: Backend;
  before(async () => {
    backend = openBackend(database().url);
    // The database as the release before 0005 left it, with a delivery in its log.
    const pending = await migrateBefore(backend.db, '0005-delivery-log-keys');
    await sql`insert into environments (id, name, created_at, kind) values ('env', 'production', 1, 'production')`.execute(backend.db);
    await sql`insert into webhooks (id, environment_id, name, url, events, enabled, created_at, updated_at) values ('wh', 'env', 'w', 'http://example.com', '["points.changed"]', 1, 1, 1)`.execute(backend.db);
    await sql`insert into events (id, environment_id, type, payload, created_at) values ('ev', 'env', 'points.changed', '{"type":"points.changed"}', 1)`.execute(backend.db);
    await sql`insert into deliveries (id, event_id, webhook_id, environment_id, event_type, status, attempts, next_attempt_at, next_trigger, created_at, updated_at) values ('dl', 'ev', 'wh', 'env', 'points.changed', 'succeeded', 1, 1, 'first', 1, 1)`.execute(backend.db);
    await sql`insert into delivery_attempts (id, delivery_id, webhook_id, number, trigger, started_at, latency_ms, status_code, request_headers) values ('at', 'dl', 'wh', 1, 'first', 1, 3, 200, '{}')`.execute(backend.db);
    assert.deepEqual(await migrateToLatest(backend.db), pending);
  });
  after(() => backend.close());

  test('keeps every row of the log', async () => {
    const ids = await Promise.all(LOG_TABLES.map((table) => backend.db.selectFrom(table as 'events').select('id').execute()));
    assert.deepEqual(ids, [[{ id: 'ev' }], [{ id: 'dl' }], [{ id: 'at' }]]);
    const attempt = await backend.db.selectFrom('delivery_attempts').selectAll().executeTakeFirstOrThrow();
    assert.equal(attempt.status_code, 200);
    assert.equal(attempt.request_headers, '{}');
  });

  test('leaves the log tables without foreign keys, and with the indexes they need (none of deliveries by event since 0006)', async () => {
    const foreignKeys =
      backend.kind === 'postgres'
        ? (await sql<{ n: number }>`select count(*)::int as n from pg_constraint where contype = 'f' and conrelid::regclass::text in ('events', 'deliveries', 'delivery_attempts')`.execute(backend.db)).rows[0]!.n
        : (await sql<{ n: number }>`select count(*) as n from pragma_foreign_key_list('events'), pragma_foreign_key_list('deliveries'), pragma_foreign_key_list('delivery_attempts')`.execute(backend.db)).rows[0]!.n;
    assert.equal(foreignKeys, 0);
    const indexes =
      backend.kind === 'postgres'
        ? (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename in ('events', 'deliveries', 'delivery_attempts') and indexname not like '%_pkey'`.execute(backend.db)).rows
        : (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name in ('events', 'deliveries', 'delivery_attempts') and sql is not null`.execute(backend.db)).rows;
    assert.deepEqual(indexes.map((row) => row.name).sort(), ['deliveries_by_webhook', 'deliveries_due', 'deliveries_leased', 'delivery_attempts_by_delivery', 'events_by_age']);
  });
});
