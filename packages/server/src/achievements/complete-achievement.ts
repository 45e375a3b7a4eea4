import type { ConfigCache } from '../environments/config-cache.js';
import { attributesMatch } from '../engine/achievements/qualify.js';
import { errors } from '../errors.js';
import type { UserAchievementResponse } from '../events/payloads.js';
import { pointsMap, type SystemPointsResponse } from '../pipeline/points-response.js';
import { runPipeline, type PipelineDeps } from '../pipeline/run-pipeline.js';
import type { Backend } from '../store/backends/backend.js';
import type { UpsertedUserInput } from '../users/user-input.js';
import { upsertUser } from '../users/user-store.js';
import { toRule, toUserAchievementResponse } from './achievement-view.js';

export interface CompletionResponse {
  completionId: string;
  achievement: UserAchievementResponse;
  /** The points systems the completion changed, by key. */
  points: Record<string, SystemPointsResponse>;
}

/**
 * `POST /achievements/{key}/complete`: completes an `api` achievement for a user (upserted inline)
 * in one transaction, as a change through the pipeline (which also completes the composites it
 * completes). Completing it again answers with the original completion and changes nothing.
 */
export async function completeAchievement(
  deps: PipelineDeps & { backend: Backend; configCache: ConfigCache },
  input: { environmentId: string; key: string; user: UpsertedUserInput },
  now: number,
): Promise<CompletionResponse> {
  const { environmentId } = input;
  return deps.backend.db.transaction().execute(async (trx) => {
    const achievement = await trx.selectFrom('achievements').selectAll().where('environment_id', '=', environmentId).where('key', '=', input.key).executeTakeFirst();
    if (!achievement || achievement.status === 'inactive') throw errors.notFound('Achievement', input.key);
    if (achievement.trigger !== 'api') {
      throw errors.invalid(`Achievement ${input.key} is completed by its ${achievement.trigger} trigger, not through the API`);
    }
    const config = await deps.configCache.get(trx, environmentId);
    const { user, created, previous } = await upsertUser(trx, environmentId, input.user, 'identify', now, deps.backend.supportsSkipLocked, config.attributeKeys.user);
    const write = { environmentId, user, userCreated: created, tzChanged: previous !== undefined && previous.tz !== user.tz, config, now };

    const existing = created
      ? undefined
      : await trx
          .selectFrom('user_achievements')
          .select(['id', 'achieved_at'])
          .where('environment_id', '=', environmentId)
          .where('user_id', '=', user.id)
          .where('achievement_id', '=', achievement.id)
          .executeTakeFirst();
    if (existing) {
      if (write.tzChanged) await runPipeline(trx, deps, { ...write, change: { kind: 'user_written' } });
      return { completionId: existing.id, achievement: toUserAchievementResponse(achievement, undefined, Number(existing.achieved_at)), points: {} };
    }
    if (achievement.status === 'locked') throw errors.invalid(`Achievement ${input.key} is locked: no new completions are accepted`);
    if (!attributesMatch(toRule(achievement).userAttributes, JSON.parse(user.attributes) as Record<string, string>)) {
      throw errors.invalid(`User ${user.id} does not have the user attributes achievement ${input.key} requires`);
    }

    const result = await runPipeline(trx, deps, { ...write, change: { kind: 'achievement_completed', achievement } });
    const [completion] = result.achievements.completed;
    return { completionId: completion!.completionId!, achievement: completion!.response!, points: pointsMap(result.points.systems, result.levels, now) };
  });
}
