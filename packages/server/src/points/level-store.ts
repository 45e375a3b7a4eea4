import type { Kysely, Transaction, UpdateObject } from 'kysely';
import type { AdminIssue } from '../admin-issue.js';
import { newId } from '../store/ids.js';
import type { Schema } from '../store/schema.js';
import { notFoundIssue } from './issues.js';
import { toAdminLevel, type AdminPointsLevel, type PointsLevelRow } from './level-view.js';
import { deleteSystemItems, firstChangeOfEachId, inLockedSystem } from './system-items.js';

export interface LevelInput {
  name: string;
  key: string;
  points: number;
  description?: string | undefined;
  badge?: { url: string } | null | undefined;
}

/** The key cannot change; fields left out are kept. */
export interface LevelChange {
  id: string;
  name?: string | undefined;
  points?: number | undefined;
  description?: string | undefined;
  badge?: { url: string } | null | undefined;
}

export const LEVEL_KEY_TAKEN = 'Key already in use by another level';
const LEVEL = 'Level';

/** Inserts a level; false when its key is already used in the system (the unique constraint decides). */
export async function insertLevel(trx: Transaction<Schema>, environmentId: string, systemId: string, input: LevelInput, now: number): Promise<PointsLevelRow | undefined> {
  const row: PointsLevelRow = {
    id: newId(),
    environment_id: environmentId,
    system_id: systemId,
    key: input.key,
    name: input.name,
    description: input.description ?? '',
    badge_url: input.badge?.url ?? null,
    points: input.points,
    created_at: now,
    updated_at: now,
  };
  const inserted = await trx
    .insertInto('points_levels')
    .values(row)
    .onConflict((conflict) => conflict.columns(['system_id', 'key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? row : undefined;
}

/** A system's levels in their order: by threshold, then key (engine compareLevels). */
export async function listLevels(db: Kysely<Schema>, systemId: string, limit: number, skip: number): Promise<AdminPointsLevel[]> {
  const rows = await db.selectFrom('points_levels').selectAll().where('system_id', '=', systemId).orderBy('points').orderBy('key').limit(limit).offset(skip).execute();
  return rows.map(toAdminLevel);
}

export async function getLevel(db: Kysely<Schema>, systemId: string, id: string): Promise<AdminPointsLevel | undefined> {
  const row = await db.selectFrom('points_levels').selectAll().where('system_id', '=', systemId).where('id', '=', id).executeTakeFirst();
  return row ? toAdminLevel(row) : undefined;
}

/**
 * POST /points/{systemId}/levels: a key in use in the system (or earlier in the request) is an
 * issue for that item; the others are created. undefined when the system does not exist.
 */
export async function createLevels(
  db: Kysely<Schema>,
  environmentId: string,
  systemId: string,
  inputs: readonly LevelInput[],
  now: number,
): Promise<{ created: AdminPointsLevel[]; issues: AdminIssue[] } | undefined> {
  return inLockedSystem(db, environmentId, systemId, async (trx) => {
    const created: AdminPointsLevel[] = [];
    const issues: AdminIssue[] = [];
    for (const [index, input] of inputs.entries()) {
      const row = await insertLevel(trx, environmentId, systemId, input, now);
      if (row) created.push(toAdminLevel(row));
      else issues.push({ index, severity: 'error', message: LEVEL_KEY_TAKEN });
    }
    return { created, issues };
  });
}

/** PATCH /points/{systemId}/levels: unknown or repeated ids are issues; the others are applied. */
export async function updateLevels(
  db: Kysely<Schema>,
  environmentId: string,
  systemId: string,
  changes: readonly LevelChange[],
  now: number,
): Promise<{ updated: AdminPointsLevel[]; issues: AdminIssue[] } | undefined> {
  return inLockedSystem(db, environmentId, systemId, async (trx) => {
    const updated: AdminPointsLevel[] = [];
    const issues: AdminIssue[] = [];
    for (const [, change] of firstChangeOfEachId(changes, issues)) {
      const set: UpdateObject<Schema, 'points_levels'> = { updated_at: now };
      if (change.name !== undefined) set.name = change.name;
      if (change.points !== undefined) set.points = change.points;
      if (change.description !== undefined) set.description = change.description;
      if (change.badge !== undefined) set.badge_url = change.badge?.url ?? null;
      const row = await trx.updateTable('points_levels').set(set).where('system_id', '=', systemId).where('id', '=', change.id).returningAll().executeTakeFirst();
      if (row) updated.push(toAdminLevel(row));
      else issues.push(notFoundIssue(change.id, LEVEL));
    }
    return { updated, issues };
  });
}

/**
 * DELETE /points/{systemId}/levels. Users keep their totals; their level is worked out again
 * from the remaining levels (reads at once, points.level_changed at their next points change).
 */
export async function deleteLevels(
  db: Kysely<Schema>,
  environmentId: string,
  systemId: string,
  ids: readonly string[],
): Promise<{ deleted: string[]; issues: AdminIssue[] } | undefined> {
  return inLockedSystem(db, environmentId, systemId, (trx) => deleteSystemItems(trx, 'points_levels', systemId, ids, LEVEL));
}
