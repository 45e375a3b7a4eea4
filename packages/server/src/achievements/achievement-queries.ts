import type { Kysely } from 'kysely';
import { attributesMatch, type AchievementRule } from '../engine/achievements/qualify.js';
import type { AchievementResponse, UserAchievementResponse } from '../events/payloads.js';
import type { AchievementRow, Schema } from '../store/schema.js';
import { toAchievementResponse, toRule, toUserAchievementResponse } from './achievement-view.js';

export interface AchievementWithStatsResponse extends AchievementResponse {
  completions: number;
  rarity: number;
}

export interface UserAchievementWithStatsResponse extends AchievementWithStatsResponse {
  achievedAt: string | null;
}

/** What the event path needs to complete achievements, in one call. */
export interface ActiveRules {
  /** Active achievements by id. */
  rows: Map<string, AchievementRow>;
  /** Their rules, in creation order. */
  rules: AchievementRule[];
  /** Metric id -> name, for the metrics of these achievements. */
  metricNames: Map<string, string>;
}

type RowWithMetricName = AchievementRow & { metric_name: string | null };

/** Achievements of the environment with the name of their metric, oldest first. */
function achievementsWithMetricNames(db: Kysely<Schema>, environmentId: string) {
  return db
    .selectFrom('achievements')
    .leftJoin('metrics', 'metrics.id', 'achievements.metric_id')
    .selectAll('achievements')
    .select('metrics.name as metric_name')
    .where('achievements.environment_id', '=', environmentId)
    .orderBy('achievements.created_at')
    .orderBy('achievements.id');
}

const metricName = (row: RowWithMetricName): string | undefined => row.metric_name ?? undefined;

function withoutMetricName({ metric_name: _name, ...row }: RowWithMetricName): AchievementRow {
  return row;
}

export async function activeRules(db: Kysely<Schema>, environmentId: string): Promise<ActiveRules> {
  const rows = await achievementsWithMetricNames(db, environmentId).where('achievements.status', '=', 'active').execute();
  const metricNames = new Map<string, string>();
  for (const row of rows) if (row.metric_id !== null && row.metric_name !== null) metricNames.set(row.metric_id, row.metric_name);
  const plain = rows.map(withoutMetricName);
  return { rows: new Map(plain.map((row) => [row.id, row])), rules: plain.map(toRule), metricNames };
}

/**
 * GET /achievements: every active achievement (inactive and locked ones are left out) with how
 * many users completed it and what percentage of the environment's users that is. With
 * `userAttributes`, only achievements whose user-attribute filters those attributes satisfy.
 */
export async function listWithStats(
  db: Kysely<Schema>,
  environmentId: string,
  userAttributes?: Readonly<Record<string, string>>,
): Promise<AchievementWithStatsResponse[]> {
  let rows = await achievementsWithMetricNames(db, environmentId).where('achievements.status', '=', 'active').execute();
  if (userAttributes) rows = rows.filter((row) => attributesMatch(toRule(row).userAttributes, userAttributes));
  const stats = await statsOf(db, environmentId, rows.map((row) => row.id));
  return rows.map((row) => ({ ...toAchievementResponse(withoutMetricName(row), metricName(row)), ...stats(row.id) }));
}

/**
 * GET /users/{id}/achievements: what the user completed (locked achievements they hold included)
 * and, with `includeIncomplete`, the active achievements they have not, with `achievedAt` null.
 * Achievements are listed in creation order, like GET /achievements.
 */
export async function userAchievements(
  db: Kysely<Schema>,
  environmentId: string,
  userId: string,
  includeIncomplete: boolean,
): Promise<UserAchievementWithStatsResponse[]> {
  const achieved = await completionsOf(db, environmentId, userId);
  const rows = (await achievementsWithMetricNames(db, environmentId).where('achievements.status', '!=', 'inactive').execute()).filter((row) =>
    achieved.has(row.id) ? true : includeIncomplete && row.status === 'active',
  );
  const stats = await statsOf(db, environmentId, rows.map((row) => row.id));
  return rows.map((row) => ({
    ...toUserAchievementResponse(withoutMetricName(row), metricName(row), achieved.get(row.id) ?? null),
    ...stats(row.id),
  }));
}

/**
 * For GET /users/{id}/metrics: per metric, its active achievements and the locked ones the user
 * holds, each with when the user completed it (or null). Every metric asked about has an entry.
 */
export async function metricAchievements(
  db: Kysely<Schema>,
  environmentId: string,
  metricIds: readonly string[],
  userId: string,
): Promise<Map<string, UserAchievementResponse[]>> {
  const result = new Map<string, UserAchievementResponse[]>(metricIds.map((id) => [id, []]));
  if (metricIds.length === 0) return result;
  const achieved = await completionsOf(db, environmentId, userId);
  const rows = await achievementsWithMetricNames(db, environmentId)
    .where('achievements.trigger', '=', 'metric')
    .where('achievements.metric_id', 'in', [...metricIds])
    .where('achievements.status', '!=', 'inactive')
    .execute();
  for (const row of rows) {
    if (row.status !== 'active' && !achieved.has(row.id)) continue;
    result.get(row.metric_id!)?.push(toUserAchievementResponse(withoutMetricName(row), metricName(row), achieved.get(row.id) ?? null));
  }
  return result;
}

/** Achievement id -> when the user completed it. */
async function completionsOf(db: Kysely<Schema>, environmentId: string, userId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('user_achievements')
    .select(['achievement_id', 'achieved_at'])
    .where('environment_id', '=', environmentId)
    .where('user_id', '=', userId)
    .execute();
  return new Map(rows.map((row) => [row.achievement_id, row.achieved_at]));
}

/** completions = users holding the achievement; rarity = their share of the environment's users, 0-100 (0 without users). */
async function statsOf(db: Kysely<Schema>, environmentId: string, achievementIds: readonly string[]): Promise<(id: string) => { completions: number; rarity: number }> {
  const counts = new Map<string, number>();
  let users = 0;
  if (achievementIds.length > 0) {
    const rows = await db
      .selectFrom('user_achievements')
      .select((eb) => ['achievement_id', eb.fn.countAll<number | string>().as('completions')])
      .where('environment_id', '=', environmentId)
      .where('achievement_id', 'in', [...achievementIds])
      .groupBy('achievement_id')
      .execute();
    for (const row of rows) counts.set(row.achievement_id, Number(row.completions));
    const total = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('users'))
      .where('environment_id', '=', environmentId)
      .executeTakeFirstOrThrow();
    users = Number(total.users);
  }
  return (id) => {
    const completions = counts.get(id) ?? 0;
    // Multiplying first keeps whole percentages exact (8 of 10 is 80, not 80.00000000000001).
    return { completions, rarity: users === 0 ? 0 : (completions * 100) / users };
  };
}
