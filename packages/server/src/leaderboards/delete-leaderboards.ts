import type { Kysely } from 'kysely';
import type { AdminIssue } from '../admin-issue.js';
import type { Schema } from '../store/schema.js';
import { unscheduleLeaderboardLifecycle } from './leaderboard-lifecycle.js';
import { deleteScoringState } from './scoring-state.js';

/** Deletes leaderboards by id, with everything they scored, in one transaction; unknown ids are issues. */
export async function deleteLeaderboards(db: Kysely<Schema>, environmentId: string, ids: readonly string[]): Promise<{ deleted: string[]; issues: AdminIssue[] }> {
  const requested = [...new Set(ids)];
  return db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('leaderboards').select('id').where('environment_id', '=', environmentId).where('id', 'in', requested).execute();
    const gone = new Set(found.map((row) => row.id));
    const deleted = requested.filter((id) => gone.has(id));
    await deleteScoringState(trx, deleted);
    for (const id of deleted) await unscheduleLeaderboardLifecycle(trx, environmentId, id);
    if (deleted.length > 0) await trx.deleteFrom('leaderboards').where('environment_id', '=', environmentId).where('id', 'in', deleted).execute();
    return {
      deleted,
      issues: requested.filter((id) => !gone.has(id)).map((id) => ({ id, severity: 'error' as const, message: 'Leaderboard not found by ID' })),
    };
  });
}
