import { loadStreakSettings } from '../streaks/streak-settings.js';
import { streakEnabledFor } from '../users/preferences.js';
import type { Insertable, Kysely } from 'kysely';
import { attributesMatch, newlyCompleted, type KeyValue, type UserProgress } from '../engine/achievements/qualify.js';
import { startWalk, userWalkKind, type UserWalk } from '../schedule/user-walk.js';
import type { AchievementProgressTable, AchievementRow, Schema } from '../store/schema.js';
import { ConfigCache } from '../environments/config-cache.js';
import { runSilently } from '../pipeline/run-pipeline.js';
import { findUser } from '../users/user-store.js';
import { toRule } from './achievement-view.js';
import { completionRow, insertCompletionRows } from './completions.js';

// Events read per page while rebuilding progress.
const EVENT_PAGE = 5_000;
const INSERT_CHUNK = 500;

/** Whether the achievement counts only matching events, and so keeps its own totals in achievement_progress. */
export function tracksProgress(row: Pick<AchievementRow, 'trigger' | 'metric_id' | 'event_attributes'>): boolean {
  return row.trigger === 'metric' && row.metric_id !== null && (JSON.parse(row.event_attributes) as KeyValue[]).length > 0;
}

/**
 * Recomputes, for every user, the sum of their events of the achievement's metric that match all
 * its event-attribute filters (Trophy: "only events matching every filter count"). Achievements
 * without filters (or without a metric) keep no progress rows: they use the metric total.
 */
export async function rebuildProgress(trx: Kysely<Schema>, environmentId: string, achievement: AchievementRow): Promise<void> {
  await trx.deleteFrom('achievement_progress').where('environment_id', '=', environmentId).where('achievement_id', '=', achievement.id).execute();
  if (!tracksProgress(achievement)) return;
  const filters = JSON.parse(achievement.event_attributes) as KeyValue[];

  const totals = new Map<string, number>();
  let after: string | undefined;
  for (;;) {
    let query = trx
      .selectFrom('metric_events')
      .select(['id', 'user_id', 'value', 'attributes'])
      .where('environment_id', '=', environmentId)
      .where('metric_id', '=', achievement.metric_id!);
    if (after !== undefined) query = query.where('id', '>', after);
    const events = await query.orderBy('id').limit(EVENT_PAGE).execute();
    for (const event of events) {
      if (!attributesMatch(filters, JSON.parse(event.attributes) as Record<string, string>)) continue;
      totals.set(event.user_id, (totals.get(event.user_id) ?? 0) + event.value);
    }
    if (events.length < EVENT_PAGE) break;
    after = events.at(-1)!.id;
  }

  const rows: Insertable<AchievementProgressTable>[] = [...totals].map(([userId, total]) => ({
    environment_id: environmentId,
    user_id: userId,
    achievement_id: achievement.id,
    total,
  }));
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await trx.insertInto('achievement_progress').values(rows.slice(start, start + INSERT_CHUNK)).execute();
  }
}

export interface BackdatedCompletion {
  id: string;
  userId: string;
  achievementId: string;
}

/**
 * Trophy's backdating, when an achievement goes live or a live one is edited: every user of the
 * environment who already meets the rule of an active achievement gets it, silently. The request
 * commits its change with this walk (BACKDATE_WALK), which then visits the users a chunk at a time.
 */
export const BACKDATE_WALK = userWalkKind('achievement-backdate');

export async function startBackdating(trx: Kysely<Schema>, environmentId: string, now: number): Promise<void> {
  await startWalk(trx, BACKDATE_WALK, environmentId, now);
}

/**
 * BACKDATE_WALK's chunks: users in id order. What the backdated completions pay through points
 * achievement triggers is awarded silently, through the pipeline, each affected user's row locked
 * like their other writes (`lockForUpdate`, backend.supportsSkipLocked).
 */
export function backdateWalk(deps: { lockForUpdate: boolean }): UserWalk {
  return {
    async page(trx, environmentId, after, limit) {
      let query = trx.selectFrom('users').select('id').where('environment_id', '=', environmentId);
      if (after !== null) query = query.where('id', '>', after);
      return (await query.orderBy('id').limit(limit).execute()).map((row) => row.id);
    },
    async visit(trx, environmentId, userIds, { now, startedAt }) {
      // Stamped with the time of the change that started the walk, however long after it the chunk runs.
      const completions = await backdateUsers(trx, environmentId, userIds, startedAt);
      await awardBackdated(trx, environmentId, completions, now, deps.lockForUpdate);
    },
  };
}

/**
 * Trophy's reading 20: backdated completions still pay what achievement triggers award, without a
 * webhook. Only users whose completions some active trigger pays for are visited.
 */
async function awardBackdated(trx: Kysely<Schema>, environmentId: string, completions: readonly BackdatedCompletion[], now: number, lockForUpdate: boolean): Promise<void> {
  if (completions.length === 0) return;
  const config = await new ConfigCache().get(trx, environmentId);
  const paid = new Set(config.points.systems.flatMap((system) => system.rules.triggers.flatMap((trigger) => (trigger.type === 'achievement' ? [trigger.achievementId] : []))));
  const byUser = new Map<string, string[]>();
  for (const completion of completions) {
    if (paid.has(completion.achievementId)) byUser.set(completion.userId, [...(byUser.get(completion.userId) ?? []), completion.achievementId]);
  }
  for (const [userId, achievementIds] of byUser) {
    const user = await findUser(trx, environmentId, userId, lockForUpdate);
    if (!user) continue;
    await runSilently(trx, { environmentId, user, userCreated: false, tzChanged: false, change: { kind: 'achievements_backdated', achievementIds }, config, now });
  }
}

/**
 * Grants every active achievement to each of these users who already meets its rule, composites
 * cascading, with the rules as they are now. Completions are marked backdated and stamped `at`;
 * no webhook events are recorded; one already held is kept. One query per kind of progress for
 * all the users.
 */
export async function backdateUsers(trx: Kysely<Schema>, environmentId: string, userIds: readonly string[], at: number): Promise<BackdatedCompletion[]> {
  const rows = await trx.selectFrom('achievements').selectAll().where('environment_id', '=', environmentId).where('status', '=', 'active').execute();
  const rules = rows.map(toRule).filter((rule) => rule.trigger !== 'api');
  if (rules.length === 0 || userIds.length === 0) return [];

  const metricIds = [...new Set(rules.flatMap((r) => (r.trigger === 'metric' && r.metricId !== null && r.eventAttributes.length === 0 ? [r.metricId] : [])))];
  const filteredIds = rules.filter((r) => r.trigger === 'metric' && r.metricId !== null && r.eventAttributes.length > 0).map((r) => r.id);
  const needsStreaks = rules.some((r) => r.trigger === 'streak');
  const streakSettings = await loadStreakSettings(trx, environmentId);
  const users = await trx.selectFrom('users').select(['id', 'attributes', 'preferences']).where('environment_id', '=', environmentId).where('id', 'in', userIds).execute();

  const metricTotals = new Map<string, Map<string, number>>();
  if (metricIds.length > 0) {
    const totals = await trx
      .selectFrom('user_metrics')
      .select(['user_id', 'metric_id', 'total'])
      .where('environment_id', '=', environmentId)
      .where('user_id', 'in', userIds)
      .where('metric_id', 'in', metricIds)
      .execute();
    for (const t of totals) entry(metricTotals, t.user_id).set(t.metric_id, t.total);
  }
  const filteredTotals = new Map<string, Map<string, number>>();
  if (filteredIds.length > 0) {
    const totals = await trx
      .selectFrom('achievement_progress')
      .select(['user_id', 'achievement_id', 'total'])
      .where('environment_id', '=', environmentId)
      .where('user_id', 'in', userIds)
      .where('achievement_id', 'in', filteredIds)
      .execute();
    for (const t of totals) entry(filteredTotals, t.user_id).set(t.achievement_id, t.total);
  }
  const streaks = new Map<string, number>();
  // Where streaks are off (for the environment or by the user's preference) the length is 0.
  if (needsStreaks && streakSettings.enabled) {
    const lengths = await trx
      .selectFrom('user_streaks')
      .select(['user_id', 'length'])
      .where('environment_id', '=', environmentId)
      .where('user_id', 'in', userIds)
      .execute();
    for (const s of lengths) streaks.set(s.user_id, s.length);
  }
  const completed = new Map<string, Set<string>>();
  const held = await trx
    .selectFrom('user_achievements')
    .select(['user_id', 'achievement_id'])
    .where('environment_id', '=', environmentId)
    .where('user_id', 'in', userIds)
    .execute();
  for (const h of held) {
    let set = completed.get(h.user_id);
    if (!set) completed.set(h.user_id, (set = new Set()));
    set.add(h.achievement_id);
  }

  const inserts = [];
  for (const user of users) {
    const progress: UserProgress = {
      attributes: JSON.parse(user.attributes) as Record<string, string>,
      metricTotals: metricTotals.get(user.id) ?? new Map(),
      filteredTotals: filteredTotals.get(user.id) ?? new Map(),
      streakLength: streakEnabledFor(user) ? (streaks.get(user.id) ?? 0) : 0,
      completed: completed.get(user.id) ?? new Set(),
    };
    for (const achievementId of newlyCompleted(rules, progress)) inserts.push(completionRow(environmentId, user.id, achievementId, at, true));
  }
  const inserted = new Set(await insertCompletionRows(trx, inserts));
  return inserts.filter((row) => inserted.has(row.id)).map((row) => ({ id: row.id, userId: row.user_id, achievementId: row.achievement_id }));
}

function entry<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = map.get(key);
  if (!inner) map.set(key, (inner = new Map()));
  return inner;
}
