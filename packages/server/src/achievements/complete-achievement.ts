import { buildPayload } from '../events/catalog.js';
import type { UserAchievementResponse } from '../events/payloads.js';
import type { Outbox } from '../delivery/outbox.js';
import { attributesMatch, newlyCompleted } from '../engine/achievements/qualify.js';
import { errors } from '../errors.js';
import type { Backend } from '../store/backends/backend.js';
import { loadStreakSettings } from '../streaks/streak-settings.js';
import { createUserStreak, loadUserStreak, streakActive } from '../streaks/user-streak.js';
import type { UpsertedUserInput } from '../users/user-input.js';
import { toWebhookUser, upsertUser } from '../users/user-store.js';
import { activeRules } from './achievement-queries.js';
import { toRule, toUserAchievementResponse } from './achievement-view.js';
import { insertCompletions } from './completions.js';

export interface CompletionResponse {
  completionId: string;
  achievement: UserAchievementResponse;
  points: Record<string, never>;
}

/**
 * `POST /achievements/{key}/complete`: completes an `api` achievement for a user (upserted inline)
 * and any composite that completes with it, in one transaction. Completing it again answers with
 * the original completion and changes nothing.
 */
export async function completeAchievement(
  deps: { backend: Backend; outbox: Outbox },
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
    const { user, created } = await upsertUser(trx, environmentId, input.user, 'identify', now, deps.backend.supportsSkipLocked);
    const settings = await loadStreakSettings(trx, environmentId);
    if (created) await createUserStreak(trx, environmentId, user, settings, now);

    const existing = await trx
      .selectFrom('user_achievements')
      .select(['id', 'achieved_at'])
      .where('environment_id', '=', environmentId)
      .where('user_id', '=', user.id)
      .where('achievement_id', '=', achievement.id)
      .executeTakeFirst();
    if (existing) {
      return { completionId: existing.id, achievement: toUserAchievementResponse(achievement, undefined, Number(existing.achieved_at)), points: {} };
    }
    if (achievement.status === 'locked') throw errors.invalid(`Achievement ${input.key} is locked: no new completions are accepted`);
    const attributes = JSON.parse(user.attributes) as Record<string, string>;
    if (!attributesMatch(toRule(achievement).userAttributes, attributes)) {
      throw errors.invalid(`User ${user.id} does not have the user attributes achievement ${input.key} requires`);
    }

    const done = await trx.selectFrom('user_achievements').select('achievement_id').where('environment_id', '=', environmentId).where('user_id', '=', user.id).execute();
    const rules = await activeRules(trx, environmentId);
    const streak = await loadUserStreak(trx, environmentId, user, settings, now);
    const cascade = newlyCompleted(rules.rules, {
      attributes,
      metricTotals: new Map(),
      filteredTotals: new Map(),
      streakLength: streakActive(streak) ? streak.state.length : 0,
      completed: new Set([...done.map((row) => row.achievement_id), achievement.id]),
    }).filter((id) => rules.rows.get(id)?.trigger === 'achievement');
    const completions = await insertCompletions(trx, environmentId, user.id, [achievement.id, ...cascade], now, false);

    const webhookUser = toWebhookUser(user);
    const responses = completions.map((completion) => {
      const row = completion.achievementId === achievement.id ? achievement : rules.rows.get(completion.achievementId)!;
      return toUserAchievementResponse(row, row.metric_id ? rules.metricNames.get(row.metric_id) : undefined, completion.achievedAt);
    });
    await deps.outbox.emitAll(
      trx,
      responses.map((response) => ({ environmentId, type: 'achievement.completed' as const, payload: buildPayload('achievement.completed', { user: webhookUser, achievement: response }) })),
      now,
    );
    return { completionId: completions[0]!.id, achievement: responses[0]!, points: {} };
  });
}
