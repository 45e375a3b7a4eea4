import type { Insertable, Kysely } from 'kysely';
import type { ActiveRules } from './achievement-queries.js';
import { yearsSince } from '../engine/achievements/anniversary.js';
import { attributesMatch, type KeyValue } from '../engine/achievements/qualify.js';
import { localDate } from '../engine/streaks/index.js';
import type { StreakSettings } from '../engine/streaks/index.js';
import { ConfigCache } from '../environments/config-cache.js';
import { runSilently } from '../pipeline/run-pipeline.js';
import type { AchievementsBackdatedChange } from '../pipeline/change.js';
import { startWalk, userWalkKind, type UserWalk } from '../schedule/user-walk.js';
import type { AchievementProgressTable, AchievementRow, Schema, UserRow } from '../store/schema.js';
import { streakEnabledFor } from '../users/preferences.js';

const INSERT_CHUNK = 500;

/** Whether the achievement counts only matching events, and so keeps its own totals in achievement_progress. */
export function tracksProgress(row: Pick<AchievementRow, 'trigger' | 'metric_id' | 'event_attributes'>): boolean {
  return row.trigger === 'metric' && row.metric_id !== null && (JSON.parse(row.event_attributes) as KeyValue[]).length > 0;
}

/**
 * Trophy's backdating, when an achievement goes live or a live one is edited: every user of the
 * environment who already meets the rule of an active achievement gets it, silently. The request
 * commits its change with this walk (BACKDATE_WALK), which then visits the users a chunk at a time:
 * work proportional to the users (and their events) never runs in the request.
 */
export const BACKDATE_WALK = userWalkKind('achievement-backdate');

export async function startBackdating(trx: Kysely<Schema>, environmentId: string, now: number): Promise<void> {
  await startWalk(trx, BACKDATE_WALK, environmentId, now);
}

/**
 * BACKDATE_WALK's chunks: users in id order. For each chunk, in its transaction, the users' rows
 * are locked like their other writes (`lockForUpdate`, backend.supportsSkipLocked), the filtered
 * totals of the active filtered achievements are counted again from their events (an achievement
 * whose filters or metric changed, or that came back to life, starts from the events as they are),
 * then each user goes through the pipeline as an `achievements_backdated` change: its achievement
 * stage judges what they already meet, the points stage pays achievement triggers, the boards
 * follow, all silently. The progress is read for the whole chunk at once, one query per kind.
 */
export function backdateWalk(deps: { lockForUpdate: boolean }): UserWalk {
  return {
    async page(trx, environmentId, after, limit) {
      let query = trx.selectFrom('users').select('id').where('environment_id', '=', environmentId);
      if (after !== null) query = query.where('id', '>', after);
      return (await query.orderBy('id').limit(limit).execute()).map((row) => row.id);
    },
    async visit(trx, environmentId, userIds, { now, startedAt }) {
      const users = await lockUsers(trx, environmentId, userIds, deps.lockForUpdate);
      const config = await new ConfigCache().get(trx, environmentId);
      await rebuildProgress(trx, environmentId, config.rules, userIds);
      const progress = await readProgress(trx, environmentId, config.rules, config.streakSettings, users, startedAt);
      for (const user of users) {
        const change: AchievementsBackdatedChange = { kind: 'achievements_backdated', progress: progress.get(user.id)!, at: startedAt };
        // Stamped with the time of the change that started the walk, however long after it the chunk runs.
        await runSilently(trx, { environmentId, user, userCreated: false, tzChanged: false, change, config, now });
      }
    },
  };
}

/** The chunk's users, in id order (the order every writer locks them in), locked on PostgreSQL. */
async function lockUsers(trx: Kysely<Schema>, environmentId: string, ids: readonly string[], lockForUpdate: boolean): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  const query = trx.selectFrom('users').selectAll().where('environment_id', '=', environmentId).where('id', 'in', ids).orderBy('id');
  return (lockForUpdate ? query.forUpdate() : query).execute();
}

/**
 * Counts again, for these users, the sum of their events of each active filtered achievement's
 * metric that match all its event-attribute filters (Trophy: "only events matching every filter
 * count"), replacing all their achievement_progress rows. Events are read in this environment only.
 */
export async function rebuildProgress(trx: Kysely<Schema>, environmentId: string, rules: ActiveRules, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  // All of the users' rows go: those of achievements no longer filtered, or not live, mean nothing
  // (an achievement coming back to life is counted again by the walk its activation starts).
  await trx.deleteFrom('achievement_progress').where('environment_id', '=', environmentId).where('user_id', 'in', userIds).execute();
  const filtered = [...rules.rows.values()].filter(tracksProgress);
  if (filtered.length === 0) return;
  const events = await trx
    .selectFrom('metric_events')
    .select(['user_id', 'metric_id', 'value', 'attributes'])
    .where('environment_id', '=', environmentId)
    .where('user_id', 'in', userIds)
    .where('metric_id', 'in', [...new Set(filtered.map((row) => row.metric_id!))])
    .execute();
  const totals = new Map<string, Insertable<AchievementProgressTable>>();
  for (const event of events) {
    const attributes = JSON.parse(event.attributes) as Record<string, string>;
    for (const achievement of filtered) {
      if (achievement.metric_id !== event.metric_id || !attributesMatch(JSON.parse(achievement.event_attributes) as KeyValue[], attributes)) continue;
      const key = `${event.user_id}\u0000${achievement.id}`;
      const row = totals.get(key) ?? { environment_id: environmentId, user_id: event.user_id, achievement_id: achievement.id, total: 0 };
      row.total = Number(row.total) + Number(event.value);
      totals.set(key, row);
    }
  }
  const rows = [...totals.values()];
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await trx.insertInto('achievement_progress').values(rows.slice(start, start + INSERT_CHUNK)).execute();
  }
}

/** What the achievement rules read, for each of these users, one query per kind of progress. */
async function readProgress(
  trx: Kysely<Schema>,
  environmentId: string,
  rules: ActiveRules,
  streakSettings: StreakSettings,
  users: readonly UserRow[],
  /** When the walk was started: anniversaries are judged on the users' local day then. */
  at: number,
): Promise<Map<string, AchievementsBackdatedChange['progress']>> {
  const userIds = users.map((user) => user.id);
  const live = rules.rules.filter((rule) => rule.trigger !== 'api');
  const metricIds = [...new Set(live.flatMap((r) => (r.trigger === 'metric' && r.metricId !== null && r.eventAttributes.length === 0 ? [r.metricId] : [])))];
  const filteredIds = live.filter((r) => r.trigger === 'metric' && r.metricId !== null && r.eventAttributes.length > 0).map((r) => r.id);
  const needsStreaks = live.some((r) => r.trigger === 'streak');

  const metricTotals = new Map<string, Map<string, number>>();
  if (metricIds.length > 0 && userIds.length > 0) {
    const totals = await trx
      .selectFrom('user_metrics')
      .select(['user_id', 'metric_id', 'total'])
      .where('environment_id', '=', environmentId)
      .where('user_id', 'in', userIds)
      .where('metric_id', 'in', metricIds)
      .execute();
    for (const t of totals) entry(metricTotals, t.user_id).set(t.metric_id, Number(t.total));
  }
  const filteredTotals = new Map<string, Map<string, number>>();
  if (filteredIds.length > 0 && userIds.length > 0) {
    const totals = await trx
      .selectFrom('achievement_progress')
      .select(['user_id', 'achievement_id', 'total'])
      .where('environment_id', '=', environmentId)
      .where('user_id', 'in', userIds)
      .where('achievement_id', 'in', filteredIds)
      .execute();
    for (const t of totals) entry(filteredTotals, t.user_id).set(t.achievement_id, Number(t.total));
  }
  const streaks = new Map<string, number>();
  // Where streaks are off (for the environment or by the user's preference) the length is 0.
  if (needsStreaks && streakSettings.enabled && userIds.length > 0) {
    const lengths = await trx.selectFrom('user_streaks').select(['user_id', 'length']).where('environment_id', '=', environmentId).where('user_id', 'in', userIds).execute();
    for (const s of lengths) streaks.set(s.user_id, Number(s.length));
  }
  const completed = new Map<string, Set<string>>();
  if (userIds.length > 0) {
    const held = await trx.selectFrom('user_achievements').select(['user_id', 'achievement_id']).where('environment_id', '=', environmentId).where('user_id', 'in', userIds).execute();
    for (const h of held) {
      let set = completed.get(h.user_id);
      if (!set) completed.set(h.user_id, (set = new Set()));
      set.add(h.achievement_id);
    }
  }
  return new Map(
    users.map((user) => [
      user.id,
      {
        metricTotals: metricTotals.get(user.id) ?? new Map(),
        filteredTotals: filteredTotals.get(user.id) ?? new Map(),
        streakLength: streakEnabledFor(user) ? (streaks.get(user.id) ?? 0) : 0,
        completed: completed.get(user.id) ?? new Set(),
        ...(user.sign_up_date !== null ? { yearsSinceSignUp: yearsSince(user.sign_up_date, localDate(at, user.tz)) } : {}),
      },
    ]),
  );
}

function entry<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = map.get(key);
  if (!inner) map.set(key, (inner = new Map()));
  return inner;
}
