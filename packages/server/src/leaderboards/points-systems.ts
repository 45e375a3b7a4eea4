import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';
import type { RankedThing } from './leaderboard.js';

/**
 * The environment's points systems among `ids` (any status), by id, with their keys and names:
 * how a points board's pointsSystemId is checked and shown. A plain read of the points store's
 * table (a deleted system sets its boards' points_system_id to null, migration 0010).
 */
export async function findPointsSystems(db: Kysely<Schema>, environmentId: string, ids: readonly string[]): Promise<Map<string, RankedThing>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('points_systems').select(['id', 'key', 'name']).where('environment_id', '=', environmentId).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((row) => [row.id, { key: row.key, name: row.name }]));
}
