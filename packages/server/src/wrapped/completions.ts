import type { Kysely } from 'kysely';
import { toUserAchievementResponse } from '../achievements/achievement-view.js';
import type { UserAchievementResponse } from '../events/payloads.js';
import type { Schema } from '../store/schema.js';

/** The user's achievement completions in the year, oldest first, as Trophy's UserAchievementResponse (through user_achievements_once). */
export async function readCompletions(
  db: Kysely<Schema>,
  environmentId: string,
  userId: string,
  year: { from: number; to: number },
): Promise<{ at: number; view: UserAchievementResponse }[]> {
  const rows = await db
    .selectFrom('user_achievements')
    .innerJoin('achievements', 'achievements.id', 'user_achievements.achievement_id')
    .leftJoin('metrics', 'metrics.id', 'achievements.metric_id')
    .selectAll('achievements')
    .select(['metrics.name as metric_name', 'user_achievements.achieved_at as completed_at', 'user_achievements.id as completion_id'])
    .where('user_achievements.environment_id', '=', environmentId)
    .where('user_achievements.user_id', '=', userId)
    .where('user_achievements.achieved_at', '>=', year.from)
    .where('user_achievements.achieved_at', '<', year.to)
    .orderBy('user_achievements.achieved_at')
    .orderBy('user_achievements.id')
    .execute();
  return rows.map(({ metric_name, completed_at, completion_id: _completion, ...achievement }) => ({
    at: Number(completed_at),
    view: toUserAchievementResponse(achievement, metric_name ?? undefined, Number(completed_at)),
  }));
}
