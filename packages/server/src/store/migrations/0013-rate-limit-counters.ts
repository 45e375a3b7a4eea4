import type { Kysely } from 'kysely';

/**
 * One row per environment and rate-limit tier: the requests counted in its current fixed window.
 * Only PostgreSQL uses it, where several server processes must count together
 * (http/rate-limit-counters.ts); the row is overwritten when a new window starts, so the table
 * holds at most three rows per environment and needs no sweeping.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_counters')
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_counters_pkey', ['environment_id', 'tier'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_counters').ifExists().execute();
}
