import { sql, type Kysely } from 'kysely';

// The dashboard's accounts and sessions, the login throttle, and an environment's kind.
export async function up(db: Kysely<any>): Promise<void> {
  // The dashboard colours environments by kind; until now only the name said which was production.
  await db.schema.alterTable('environments').addColumn('kind', 'text', (c) => c.notNull().defaultTo('development')).execute();
  await db.updateTable('environments').set({ kind: 'production' }).where('name', '=', 'production').execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Stored lowercased, so the unique constraint is case-insensitive.
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('must_change_password', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_login_at', 'bigint')
    .execute();
  // One owner per instance: two concurrent first-run set-ups cannot both succeed, on any backend.
  await db.schema.createIndex('accounts_one_owner').on('accounts').column('role').unique().where(sql.ref('role'), '=', sql.lit('owner')).execute();

  await db.schema
    .createTable('sessions')
    // SHA-256 of the cookie's token: a database dump holds no usable session.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_by_account').on('sessions').column('account_id').execute();
  await db.schema.createIndex('sessions_by_expiry').on('sessions').column('expires_at').execute();

  // One row per failed sign-in per key ('email:...', 'ip:...'), so every process counts the same failures.
  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_by_key').on('login_failures').columns(['key', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['login_failures', 'sessions', 'accounts']) await db.schema.dropTable(table).ifExists().execute();
  await db.schema.alterTable('environments').dropColumn('kind').execute();
}
