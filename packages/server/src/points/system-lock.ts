import type { Transaction } from 'kysely';
import type { Schema } from '../store/schema.js';
import type { PointsSystemRow } from './system-view.js';

/**
 * The system a write to its triggers, levels or boosts is for, locked until the transaction
 * ends; undefined when the environment has no such system. A no-op update takes the row lock on
 * both backends (SQLite has one writer anyway), so a system deleted at the same moment cannot
 * make the write's foreign key fail: the delete waits, or ran first and the write answers 404.
 * Touching only updated_at, it does not bump config_version (migration 0009's trigger).
 */
export async function lockSystem(trx: Transaction<Schema>, environmentId: string, systemId: string): Promise<PointsSystemRow | undefined> {
  return trx
    .updateTable('points_systems')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('environment_id', '=', environmentId)
    .where('id', '=', systemId)
    .returningAll()
    .executeTakeFirst();
}
