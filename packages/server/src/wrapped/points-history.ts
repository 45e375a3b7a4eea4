import type { Kysely } from 'kysely';
import type { WrappedPointsSystem } from '../engine/wrapped/index.js';
import type { Schema } from '../store/schema.js';

/**
 * The user's awards in each active points system of the environment: the total after their last
 * award before the year and every award of the year. Both go through points_awards_by_user
 * (system_id, user_id, created_at), so the cost is the user's own awards.
 */
export async function readPointsHistory(
  db: Kysely<Schema>,
  environmentId: string,
  userId: string,
  year: { from: number; to: number },
): Promise<WrappedPointsSystem[]> {
  const systems = await db
    .selectFrom('points_systems')
    .select(['id', 'key', 'name', 'description'])
    .where('environment_id', '=', environmentId)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const result: WrappedPointsSystem[] = [];
  for (const system of systems) {
    const ofUser = db.selectFrom('points_awards').where('system_id', '=', system.id).where('user_id', '=', userId).where('environment_id', '=', environmentId);
    const before = await ofUser.select('total').where('created_at', '<', year.from).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const awards = await ofUser
      .select(['awarded', 'total', 'created_at'])
      .where('created_at', '>=', year.from)
      .where('created_at', '<', year.to)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    result.push({
      id: system.id,
      key: system.key,
      name: system.name,
      // The Admin API stores a missing description as ''; the Application API shows null.
      description: system.description === '' ? null : system.description,
      totalBefore: before ? Number(before.total) : 0,
      awards: awards.map((row) => ({ awarded: Number(row.awarded), total: Number(row.total), at: Number(row.created_at) })),
    });
  }
  return result;
}
