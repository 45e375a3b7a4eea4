import type { Kysely } from 'kysely';
import { compareLevels } from '../engine/points/index.js';
import type { PointsLevel } from '../events/payloads.js';
import type { Schema } from '../store/schema.js';
import { toLevelRule, toPointsLevel, type PointsLevelRow } from './level-view.js';

export interface LevelSummaryItem {
  level: PointsLevel;
  users: number;
}

/**
 * GET /points/{key}/level-summary: how many of the environment's users are at each level, the
 * levels by threshold then key. A user's level is the highest threshold their total has reached,
 * the first by key among levels sharing it (engine levelFor), so the others of a shared threshold
 * have no users; users below the lowest threshold are at none and not counted. A user with no
 * points in the system yet holds 0, so is at a 0-point level.
 *
 * Two statements: one pass over the system's range of user_points_by_total counting, per
 * threshold, the totals that reached it, and the environment's users (for a 0-point threshold,
 * which everyone has reached). `levels` is the system's levels, at least one.
 */
export async function levelSummary(db: Kysely<Schema>, environmentId: string, systemId: string, levels: readonly PointsLevelRow[]): Promise<LevelSummaryItem[]> {
  const sorted = [...levels].sort((a, b) => compareLevels(toLevelRule(a), toLevelRule(b)));
  const thresholds = [...new Set(sorted.map((level) => level.points))];
  const positive = thresholds.filter((points) => points > 0);

  const reached = new Map<number, number>();
  if (positive.length > 0) {
    const row = await db
      .selectFrom('user_points')
      .select((eb) => positive.map((points, i) => eb.fn.sum<number>(eb.case().when('total', '>=', points).then(eb.lit(1)).else(eb.lit(0)).end()).as(`t${i}`)))
      .where('system_id', '=', systemId)
      .executeTakeFirstOrThrow();
    positive.forEach((points, i) => reached.set(points, Number((row as Record<string, unknown>)[`t${i}`] ?? 0)));
  }
  if (thresholds[0] === 0) {
    const users = await db.selectFrom('users').select((eb) => eb.fn.countAll().as('users')).where('environment_id', '=', environmentId).executeTakeFirstOrThrow();
    reached.set(0, Number(users.users));
  }

  const counted = new Set<number>();
  return sorted.map((level) => {
    if (counted.has(level.points)) return { level: toPointsLevel(level), users: 0 };
    counted.add(level.points);
    const next = thresholds[thresholds.indexOf(level.points) + 1];
    const users = (reached.get(level.points) ?? 0) - (next === undefined ? 0 : (reached.get(next) ?? 0));
    return { level: toPointsLevel(level), users: Math.max(0, users) };
  });
}
