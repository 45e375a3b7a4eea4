import type { Kysely } from 'kysely';

/**
 * Where the scheduler puts a job it can never run: its stored payload does not match its kind's
 * schema (written by a broken or foreign version), so retrying it would fail forever. The row
 * keeps what the job was and why it was given up, for operators; nothing reads it back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('failed_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('payload', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('failed_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('failed_jobs').ifExists().execute();
}
