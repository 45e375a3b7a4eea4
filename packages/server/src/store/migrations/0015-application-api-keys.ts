import type { Kysely } from 'kysely';

/**
 * Application API keys (Trophy's `/application-api-keys`): each is bound to one user of its
 * environment and may call only the Application API, on that user's behalf
 * (http/access-policy.ts). Kept apart from `api_keys`, whose rows are admin keys, so that no
 * list, rotation or count of admin keys can mistake one for the other. Hashed like admin keys;
 * the prefix is unique across both tables by its `app_` start. Deleting the user deletes its keys.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('application_api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addForeignKeyConstraint('application_api_keys_user_fk', ['environment_id', 'user_id'], 'users', ['environment_id', 'id'], (c) => c.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('application_api_keys_by_user').on('application_api_keys').columns(['environment_id', 'user_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('application_api_keys').ifExists().execute();
}
