import type { Kysely, UpdateObject } from 'kysely';
import type { AdminIssue } from '../admin-issue.js';
import { newId } from '../store/ids.js';
import type { Schema } from '../store/schema.js';
import { unscheduleBoostLifecycles } from './boost-lifecycle.js';
import { adminBoostView, insertBoost, type BoostInput } from './boost-store.js';
import type { AdminPointsBoost } from './boost-view.js';
import { loadReferences } from './config-references.js';
import { Problems } from './invalid-config.js';
import { notFoundIssue, repeatedIdIssue } from './issues.js';
import { insertLevel, type LevelInput } from './level-store.js';
import { toAdminLevel, type AdminPointsLevel } from './level-view.js';
import { toAdminSystem, type AdminPointsSystem, type PointsSystemRow } from './system-view.js';
import { insertTrigger, type TriggerInput } from './trigger-store.js';
import { toAdminTrigger, type AdminPointsTrigger } from './trigger-view.js';

export interface SystemInput {
  name: string;
  key: string;
  description?: string | undefined;
  badge?: { url: string } | null | undefined;
  maxPoints?: number | null | undefined;
  /** Made together with the system, in the same transaction. */
  levels?: LevelInput[] | undefined;
  boosts?: BoostInput[] | undefined;
  triggers?: TriggerInput[] | undefined;
}

/** The key cannot change; fields left out are kept. */
export interface SystemChange {
  id: string;
  name?: string | undefined;
  description?: string | undefined;
  badge?: { url: string } | null | undefined;
  maxPoints?: number | null | undefined;
}

/** Trophy's CreatedAdminPointsSystem: the sub-entities appear when the request had them. */
export interface CreatedAdminPointsSystem extends AdminPointsSystem {
  levels?: AdminPointsLevel[];
  boosts?: AdminPointsBoost[];
  triggers?: AdminPointsTrigger[];
}

export const SYSTEM_KEY_TAKEN = 'Key already in use by another points system';
const SYSTEM = 'Points system';

/** Oldest first. */
export async function listSystems(db: Kysely<Schema>, environmentId: string, limit: number, skip: number): Promise<AdminPointsSystem[]> {
  const rows = await db.selectFrom('points_systems').selectAll().where('environment_id', '=', environmentId).orderBy('created_at').orderBy('id').limit(limit).offset(skip).execute();
  return rows.map(toAdminSystem);
}

/** The system with this id in the environment; ids of other environments are as unknown as ids never made. */
export async function findSystem(db: Kysely<Schema>, environmentId: string, id: string): Promise<PointsSystemRow | undefined> {
  return db.selectFrom('points_systems').selectAll().where('environment_id', '=', environmentId).where('id', '=', id).executeTakeFirst();
}

export async function findSystemByKey(db: Kysely<Schema>, environmentId: string, key: string): Promise<PointsSystemRow | undefined> {
  return db.selectFrom('points_systems').selectAll().where('environment_id', '=', environmentId).where('key', '=', key).executeTakeFirst();
}

/**
 * POST /points: each system with the levels, boosts and triggers it brings, in one transaction.
 * A key already in use in the environment (or earlier in the request) is an issue for that item,
 * which is then not created; anything else wrong with an item or its sub-entities (a trigger
 * combination, an unknown metric, achievement, attribute or user, two levels with one key)
 * refuses the whole request (InvalidPointsConfig: nothing is written).
 */
export async function createSystems(
  db: Kysely<Schema>,
  environmentId: string,
  inputs: readonly SystemInput[],
  now: number,
): Promise<{ created: CreatedAdminPointsSystem[]; issues: AdminIssue[] }> {
  return db.transaction().execute(async (trx) => {
    const references = await loadReferences(trx, environmentId);
    const problems = new Problems();
    const created: CreatedAdminPointsSystem[] = [];
    const issues: AdminIssue[] = [];
    for (const [index, input] of inputs.entries()) {
      const where = `body[${index}]`;
      const row: PointsSystemRow = {
        id: newId(),
        environment_id: environmentId,
        key: input.key,
        name: input.name,
        description: input.description ?? '',
        badge_url: input.badge?.url ?? null,
        max_points: input.maxPoints ?? null,
        status: 'active',
        created_at: now,
        updated_at: now,
      };
      const inserted = await trx
        .insertInto('points_systems')
        .values(row)
        .onConflict((conflict) => conflict.columns(['environment_id', 'key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) {
        issues.push({ index, severity: 'error', message: SYSTEM_KEY_TAKEN });
        continue;
      }
      const system: CreatedAdminPointsSystem = toAdminSystem(row);
      if (input.levels) {
        system.levels = [];
        for (const [i, level] of input.levels.entries()) {
          const levelRow = await insertLevel(trx, environmentId, row.id, level, now);
          if (levelRow) system.levels.push(toAdminLevel(levelRow));
          else problems.add(`${where}.levels[${i}]`, 'key', `"${level.key}" is used by an earlier level of this system`);
        }
      }
      if (input.boosts) {
        system.boosts = [];
        for (const [i, boost] of input.boosts.entries()) {
          const outcome = await insertBoost(trx, environmentId, row.id, boost, references, problems, `${where}.boosts[${i}]`, now);
          if ('row' in outcome) system.boosts.push(adminBoostView(outcome.row, now));
          else problems.add(`${where}.boosts[${i}]`, 'userId', 'no user with this id in this environment');
        }
      }
      if (input.triggers) {
        system.triggers = [];
        for (const [i, trigger] of input.triggers.entries()) {
          system.triggers.push(toAdminTrigger(await insertTrigger(trx, environmentId, row.id, trigger, references, problems, `${where}.triggers[${i}]`, now)));
        }
      }
      created.push(system);
    }
    problems.throwIfAny();
    return { created, issues };
  });
}

/** PATCH /points: unknown or repeated ids are issues; the others are applied. */
export async function updateSystems(
  db: Kysely<Schema>,
  environmentId: string,
  changes: readonly SystemChange[],
  now: number,
): Promise<{ updated: AdminPointsSystem[]; issues: AdminIssue[] }> {
  return db.transaction().execute(async (trx) => {
    const updated: AdminPointsSystem[] = [];
    const issues: AdminIssue[] = [];
    const seen = new Set<string>();
    for (const change of changes) {
      if (seen.has(change.id)) {
        issues.push(repeatedIdIssue(change.id));
        continue;
      }
      seen.add(change.id);
      const set: UpdateObject<Schema, 'points_systems'> = { updated_at: now };
      if (change.name !== undefined) set.name = change.name;
      if (change.description !== undefined) set.description = change.description;
      if (change.badge !== undefined) set.badge_url = change.badge?.url ?? null;
      if (change.maxPoints !== undefined) set.max_points = change.maxPoints;
      const row = await trx.updateTable('points_systems').set(set).where('environment_id', '=', environmentId).where('id', '=', change.id).returningAll().executeTakeFirst();
      if (row) updated.push(toAdminSystem(row));
      else issues.push(notFoundIssue(change.id, SYSTEM));
    }
    return { updated, issues };
  });
}

/**
 * DELETE /points: the systems with their triggers, levels and boosts (foreign keys cascade) and
 * every user's state in them: totals, trigger progress, awards, throttles (those tables have no
 * foreign keys, so they are deleted here, in the same transaction).
 */
export async function deleteSystems(db: Kysely<Schema>, environmentId: string, ids: readonly string[]): Promise<{ deleted: string[]; issues: AdminIssue[] }> {
  const unique = [...new Set(ids)];
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('points_systems').select('id').where('environment_id', '=', environmentId).where('id', 'in', unique).execute();
    const found = rows.map((row) => row.id);
    if (found.length > 0) {
      const boosts = await trx.selectFrom('points_boosts').select('id').where('system_id', 'in', found).execute();
      await unscheduleBoostLifecycles(trx, environmentId, boosts.map((boost) => boost.id));
      for (const table of ['user_points', 'user_points_triggers', 'points_awards', 'points_changed_throttles'] as const) {
        await trx.deleteFrom(table).where('system_id', 'in', found).execute();
      }
      await trx.deleteFrom('points_systems').where('id', 'in', found).execute();
    }
    const gone = new Set(found);
    return { deleted: unique.filter((id) => gone.has(id)), issues: unique.filter((id) => !gone.has(id)).map((id) => notFoundIssue(id, SYSTEM)) };
  });
}
