import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';

/**
 * Serialises leaderboard writes per environment (a no-op update takes the environment row's lock
 * on PostgreSQL; SQLite's write transactions are serial anyway), so two requests cannot both
 * find a key free and then collide on the unique constraint.
 */
export async function lockEnvironment(trx: Kysely<Schema>, environmentId: string): Promise<void> {
  await trx.updateTable('environments').set((eb) => ({ name: eb.ref('name') })).where('id', '=', environmentId).execute();
}
