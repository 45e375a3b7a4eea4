import type { Kysely } from 'kysely';
import { boostStatusAt, compareLevels } from '../engine/points/index.js';
import type { PointsBoost, PointsLevel, PointsTrigger } from '../events/payloads.js';
import type { Schema } from '../store/schema.js';
import { boostDates, toPointsBoost } from './boost-view.js';
import { toLevelRule, toPointsLevel } from './level-view.js';
import { findSystemByKey } from './system-store.js';
import { toPointsResponse } from './system-view.js';
import { toPointsTrigger } from './trigger-view.js';

/** Trophy's PointsSystemResponse (GET /points/{key}). */
export interface PointsSystemResponse {
  id: string;
  name: string;
  description: string | null;
  badgeUrl: string | null;
  maxPoints: number | null;
  triggers: PointsTrigger[];
}

/** GET /points/{key}: the system with its active triggers, oldest first; undefined for an unknown key. */
export async function systemWithTriggers(db: Kysely<Schema>, environmentId: string, key: string): Promise<PointsSystemResponse | undefined> {
  const system = await findSystemByKey(db, environmentId, key);
  if (!system) return undefined;
  const rows = await db
    .selectFrom('points_triggers')
    .leftJoin('metrics', 'metrics.id', 'points_triggers.metric_id')
    .leftJoin('achievements', 'achievements.id', 'points_triggers.achievement_id')
    .selectAll('points_triggers')
    .select(['metrics.name as metric_name', 'achievements.name as achievement_name'])
    .where('points_triggers.system_id', '=', system.id)
    .where('points_triggers.status', '=', 'active')
    .orderBy('points_triggers.created_at')
    .orderBy('points_triggers.id')
    .execute();
  const { key: _key, ...fields } = toPointsResponse(system);
  return {
    ...fields,
    triggers: rows.map(({ metric_name, achievement_name, ...row }) =>
      toPointsTrigger(row, { metricName: () => metric_name ?? undefined, achievementName: () => achievement_name ?? undefined }),
    ),
  };
}

/**
 * GET /points/{key}/boosts: the boosts for everyone and those filtered by user attributes (not
 * a user's own), enabled ones only, by start date. Their status is the one every user's
 * calendar gives together (engine boostStatusAt); finished ones only with `includeFinished`.
 */
export async function systemBoosts(db: Kysely<Schema>, environmentId: string, key: string, includeFinished: boolean, now: number): Promise<PointsBoost[] | undefined> {
  const system = await findSystemByKey(db, environmentId, key);
  if (!system) return undefined;
  const rows = await db
    .selectFrom('points_boosts')
    .selectAll()
    .where('system_id', '=', system.id)
    .where('user_id', 'is', null)
    .where('enabled', '=', 1)
    .orderBy('start_date')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows
    .map((row) => toPointsBoost(row, boostStatusAt(boostDates(row), now, null)))
    .filter((boost) => includeFinished || boost.status !== 'finished');
}

/** GET /points/{key}/levels: every level, by threshold then key. */
export async function systemLevels(db: Kysely<Schema>, environmentId: string, key: string): Promise<PointsLevel[] | undefined> {
  const system = await findSystemByKey(db, environmentId, key);
  if (!system) return undefined;
  const rows = await db.selectFrom('points_levels').selectAll().where('system_id', '=', system.id).execute();
  return rows.sort((a, b) => compareLevels(toLevelRule(a), toLevelRule(b))).map(toPointsLevel);
}
