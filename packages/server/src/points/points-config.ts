import type { Kysely } from 'kysely';
import { compareLevels, type BoostRule, type PointsSystemRules, type TriggerRule } from '../engine/points/index.js';
import type { PointsBoost, PointsLevel, PointsResponse, PointsTrigger } from '../events/payloads.js';
import type { Schema } from '../store/schema.js';
import { toBoostRule, toPointsBoost, type PointsBoostRow } from './boost-view.js';
import { toLevelRule, toPointsLevel } from './level-view.js';
import { toPointsResponse, type PointsSystemRow } from './system-view.js';
import { toPointsTrigger, toTriggerRule } from './trigger-view.js';

/** One active points system, as awarding needs it. */
export interface PointsSystemConfig {
  system: PointsSystemRow;
  /** The system's fields in responses and webhook bodies. */
  response: PointsResponse;
  /** Active triggers, every level, and the enabled boosts for everyone (a user's own boosts: userBoostRules). */
  rules: PointsSystemRules;
  /** Every trigger of the system, archived ones included, as award records show them. */
  triggers: ReadonlyMap<string, PointsTrigger>;
  /** When each active trigger was activated: time schedules and metric progress count from then. */
  activatedAt: ReadonlyMap<string, number>;
  /** Levels by id, in their order (by threshold, then key). */
  levels: ReadonlyMap<string, PointsLevel>;
  /** The boosts of `rules`, as award records show them (status `active`: they applied). */
  boosts: ReadonlyMap<string, PointsBoost>;
}

/** An environment's points configuration: its active systems, in creation order. */
export interface PointsConfig {
  systems: readonly PointsSystemConfig[];
  byKey: ReadonlyMap<string, PointsSystemConfig>;
}

/**
 * Reads the environment's points configuration for the ConfigCache (environments/config-cache.ts),
 * which reloads it whenever config_version moves: every write to points_systems, points_triggers,
 * points_levels, and to boosts for everyone bumps it (migration 0009). Archived systems award
 * nothing and are left out. Boosts for one user are per-user state, read by userBoostRules.
 */
export async function loadPointsConfig(db: Kysely<Schema>, environmentId: string): Promise<PointsConfig> {
  const systems = await db.selectFrom('points_systems').selectAll().where('environment_id', '=', environmentId).where('status', '=', 'active').orderBy('created_at').orderBy('id').execute();
  if (systems.length === 0) return { systems: [], byKey: new Map() };
  const [triggers, levels, boosts] = await Promise.all([
    db
      .selectFrom('points_triggers')
      .leftJoin('metrics', 'metrics.id', 'points_triggers.metric_id')
      .leftJoin('achievements', 'achievements.id', 'points_triggers.achievement_id')
      .selectAll('points_triggers')
      .select(['metrics.name as metric_name', 'achievements.name as achievement_name'])
      .where('points_triggers.environment_id', '=', environmentId)
      .orderBy('points_triggers.created_at')
      .orderBy('points_triggers.id')
      .execute(),
    db.selectFrom('points_levels').selectAll().where('environment_id', '=', environmentId).execute(),
    db.selectFrom('points_boosts').selectAll().where('environment_id', '=', environmentId).where('user_id', 'is', null).where('enabled', '=', 1).orderBy('created_at').orderBy('id').execute(),
  ]);

  const configs = systems.map((system): PointsSystemConfig => {
    const own = triggers.filter((row) => row.system_id === system.id);
    const rules: TriggerRule[] = [];
    const views = new Map<string, PointsTrigger>();
    const activatedAt = new Map<string, number>();
    for (const { metric_name, achievement_name, ...row } of own) {
      views.set(row.id, toPointsTrigger(row, { metricName: () => metric_name ?? undefined, achievementName: () => achievement_name ?? undefined }));
      const rule = row.status === 'active' ? toTriggerRule(row) : undefined;
      if (rule) rules.push(rule);
      if (row.status === 'active' && row.activated_at !== null) activatedAt.set(row.id, row.activated_at);
    }
    const levelRows = levels.filter((row) => row.system_id === system.id).sort((a, b) => compareLevels(toLevelRule(a), toLevelRule(b)));
    const boostRows = boosts.filter((row) => row.system_id === system.id);
    return {
      system,
      response: toPointsResponse(system),
      rules: { maxPoints: system.max_points, triggers: rules, levels: levelRows.map(toLevelRule), boosts: boostRows.map(toBoostRule) },
      triggers: views,
      activatedAt,
      levels: new Map(levelRows.map((row) => [row.id, toPointsLevel(row)])),
      boosts: new Map(boostRows.map((row) => [row.id, toPointsBoost(row, 'active')])),
    };
  });
  return { systems: configs, byKey: new Map(configs.map((config) => [config.system.key, config])) };
}

/** A user's own boosts (those given to them through the Admin API), by system id, oldest first. */
export async function userBoostRules(db: Kysely<Schema>, environmentId: string, userId: string): Promise<Map<string, { rule: BoostRule; boost: PointsBoost }[]>> {
  const rows: PointsBoostRow[] = await db
    .selectFrom('points_boosts')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const bySystem = new Map<string, { rule: BoostRule; boost: PointsBoost }[]>();
  for (const row of rows) {
    const list = bySystem.get(row.system_id) ?? [];
    list.push({ rule: toBoostRule(row), boost: toPointsBoost(row, 'active') });
    bySystem.set(row.system_id, list);
  }
  return bySystem;
}
