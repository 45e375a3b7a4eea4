import assert from 'node:assert/strict';
import { Migrator, type Kysely } from 'kysely';
import { migrations } from '../../src/store/migrate.js';
import type { Schema } from '../../src/store/schema.js';

/**
 * Brings a database to where the release before migration `name` left it, to test that
 * migration on existing data. Returns the names `migrateToLatest` will then apply.
 */
export async function migrateBefore(db: Kysely<Schema>, name: string): Promise<string[]> {
  const earlier = Object.fromEntries(Object.entries(migrations).filter(([migration]) => migration < name));
  const migrator = new Migrator({ db, provider: { getMigrations: async () => earlier }, migrationTableName: 'laurel_migrations', migrationLockTableName: 'laurel_migrations_lock' });
  const { error } = await migrator.migrateToLatest();
  assert.ifError(error);
  return Object.keys(migrations).filter((migration) => migration >= name);
}
