import type { Insertable, Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import type { Schema, UserAchievementTable } from '../store/schema.js';

// 6 columns a row: well inside SQLite's and PostgreSQL's limits on bound parameters.
const INSERT_CHUNK = 500;

export function completionRow(
  environmentId: string,
  userId: string,
  achievementId: string,
  now: number,
  backdated: boolean,
): Insertable<UserAchievementTable> & { id: string; achievement_id: string; achieved_at: number } {
  return { id: newId(), environment_id: environmentId, user_id: userId, achievement_id: achievementId, achieved_at: now, backdated: backdated ? 1 : 0 };
}

/** Inserts completion rows of any users, skipping ones already held; returns the ids inserted. */
export async function insertCompletionRows(trx: Kysely<Schema>, rows: readonly Insertable<UserAchievementTable>[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const inserted = await trx
      .insertInto('user_achievements')
      .values(rows.slice(start, start + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['environment_id', 'user_id', 'achievement_id']).doNothing())
      .returning('id')
      .execute();
    ids.push(...inserted.map((row) => row.id));
  }
  return ids;
}
