import type { Kysely } from 'kysely';
import { boostStatusOn, levelFor } from '../engine/points/index.js';
import { localDate } from '../engine/streaks/index.js';
import type { PointsAward, PointsBoost, PointsLevel, PointsResponse, PointsTrigger } from '../events/payloads.js';
import type { Schema, UserRow } from '../store/schema.js';
import { awardBoostIds, toPointsAward } from './award-view.js';
import { boostDates, toPointsBoost } from './boost-view.js';
import { toLevelRule, toPointsLevel } from './level-view.js';
import { toPointsResponse, type PointsSystemRow } from './system-view.js';
import { toPointsTrigger } from './trigger-view.js';

/** Trophy's GetUserPointsResponse. */
export interface UserPointsResponse extends PointsResponse {
  total: number;
  level: PointsLevel | null;
  awards: Required<PointsAward>[];
}

/**
 * GET /users/{id}/points/{key}: the user's total in the system (0 before any award), the level
 * the current thresholds give that total (null without levels or below the lowest), and their
 * latest `awards` awards, newest first. Each award shows its trigger as it is now (archived once
 * deleted) and the boosts that multiplied it, with their status in the user's calendar today.
 *
 * Statements: the total by primary key, the levels, the awards (a backward range scan of
 * points_awards_by_user), then their triggers and boosts by id.
 */
export async function userPoints(db: Kysely<Schema>, system: PointsSystemRow, user: UserRow, awards: number, now: number): Promise<UserPointsResponse> {
  const state = await db
    .selectFrom('user_points')
    .select('total')
    .where('environment_id', '=', user.environment_id)
    .where('user_id', '=', user.id)
    .where('system_id', '=', system.id)
    .executeTakeFirst();
  const total = Number(state?.total ?? 0);

  const levels = await db.selectFrom('points_levels').selectAll().where('system_id', '=', system.id).execute();
  const reached = levelFor(levels.map(toLevelRule), total);
  const levelRow = reached === null ? undefined : levels.find((row) => row.id === reached.id);

  const rows = await db
    .selectFrom('points_awards')
    .selectAll()
    .where('system_id', '=', system.id)
    .where('user_id', '=', user.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(awards)
    .execute();
  const triggers = await triggersById(db, [...new Set(rows.map((row) => row.trigger_id))]);
  const boosts = await boostsById(db, [...new Set(rows.flatMap(awardBoostIds))], localDate(now, user.tz));

  return {
    ...toPointsResponse(system),
    total,
    level: levelRow === undefined ? null : toPointsLevel(levelRow),
    awards: rows.flatMap((row) => {
      const trigger = triggers.get(row.trigger_id);
      // Awards live as long as their system, and deleting a trigger archives it: never absent.
      if (trigger === undefined) return [];
      return [toPointsAward(row, trigger, awardBoostIds(row).flatMap((id) => boosts.get(id) ?? []))];
    }),
  };
}

async function triggersById(db: Kysely<Schema>, ids: string[]): Promise<Map<string, PointsTrigger>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('points_triggers')
    .leftJoin('metrics', 'metrics.id', 'points_triggers.metric_id')
    .leftJoin('achievements', 'achievements.id', 'points_triggers.achievement_id')
    .selectAll('points_triggers')
    .select(['metrics.name as metric_name', 'achievements.name as achievement_name'])
    .where('points_triggers.id', 'in', ids)
    .execute();
  return new Map(
    rows.map(({ metric_name, achievement_name, ...row }) => [
      row.id,
      toPointsTrigger(row, { metricName: () => metric_name ?? undefined, achievementName: () => achievement_name ?? undefined }),
    ]),
  );
}

async function boostsById(db: Kysely<Schema>, ids: string[], today: string): Promise<Map<string, PointsBoost>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('points_boosts').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, toPointsBoost(row, boostStatusOn(boostDates(row), today))]));
}
