import type { Kysely, Transaction, UpdateObject } from 'kysely';
import type { AdminIssue } from '../admin-issue.js';
import { boostStatusAt, type Rounding } from '../engine/points/index.js';
import { newId } from '../store/ids.js';
import type { Schema } from '../store/schema.js';
import { resolveFilters, type AttributeFilterInput } from './attribute-filters.js';
import { loadReferences, type ConfigReferences } from './config-references.js';
import { Problems } from './invalid-config.js';
import { notFoundIssue } from './issues.js';
import { scheduleBoostLifecycle, unscheduleBoostLifecycles } from './boost-lifecycle.js';
import { boostDates, toAdminBoost, type AdminPointsBoost, type PointsBoostRow } from './boost-view.js';
import { firstChangeOfEachId, inLockedSystem, deleteSystemItems } from './system-items.js';

export interface BoostInput {
  name: string;
  /** Local dates, `YYYY-MM-DD`. */
  start: string;
  end?: string | null | undefined;
  multiplier: number;
  rounding?: Rounding | undefined;
  /** For one user; then userAttributes must not be given. Neither: a boost for everyone. */
  userId?: string | null | undefined;
  userAttributes?: AttributeFilterInput[] | null | undefined;
}

/** Fields left out are kept; who a boost is for (userId) cannot change. */
export interface BoostChange {
  id: string;
  name?: string | undefined;
  start?: string | undefined;
  end?: string | null | undefined;
  multiplier?: number | undefined;
  rounding?: Rounding | undefined;
  userAttributes?: AttributeFilterInput[] | null | undefined;
}

export const USER_MISSING = 'User does not exist';
const BOOST = 'Points boost';

/** A boost with its user's time zone (null for boosts for everyone, and users without one). */
export type BoostWithTz = PointsBoostRow & { user_tz: string | null };

/** The Admin view, with the status its dates give now (in the user's zone for a user's boost). */
export function adminBoostView(row: BoostWithTz, now: number): AdminPointsBoost {
  const { user_tz, ...boost } = row;
  return toAdminBoost(boost, boostStatusAt(boostDates(boost), now, user_tz));
}

/**
 * Checks and inserts a boost made through the Admin API (enabled at once: its status comes from
 * its dates alone). A boost for a user who does not exist is not inserted: `missingUser`.
 */
export async function insertBoost(
  trx: Transaction<Schema>,
  environmentId: string,
  systemId: string,
  input: BoostInput,
  references: ConfigReferences,
  problems: Problems,
  where: string,
  now: number,
): Promise<{ row: BoostWithTz } | { missingUser: true }> {
  const userId = input.userId ?? null;
  if (userId !== null && input.userAttributes != null) {
    problems.add(where, 'userAttributes', 'cannot be given together with userId: a boost is either for one user or for the users whose attributes match');
  }
  const end = input.end ?? null;
  if (end !== null && end < input.start) problems.add(where, 'end', `must not be before start (${input.start})`);
  const userAttributes = resolveFilters(userId === null ? input.userAttributes : null, 'user', references, problems, where, 'userAttributes');
  let userTz: string | null = null;
  if (userId !== null) {
    const user = await trx.selectFrom('users').select('tz').where('environment_id', '=', environmentId).where('id', '=', userId).executeTakeFirst();
    if (!user) return { missingUser: true };
    userTz = user.tz;
  }
  const row: PointsBoostRow = {
    id: newId(),
    environment_id: environmentId,
    system_id: systemId,
    name: input.name,
    start_date: input.start,
    end_date: end,
    multiplier: input.multiplier,
    rounding: input.rounding ?? 'down',
    user_id: userId,
    user_attributes: JSON.stringify(userAttributes),
    enabled: 1,
    created_at: now,
    updated_at: now,
  };
  if (problems.any) return { row: { ...row, user_tz: userTz } };
  await trx.insertInto('points_boosts').values(row).execute();
  await scheduleBoostLifecycle(trx, null, { ...row, user_tz: userTz }, now);
  return { row: { ...row, user_tz: userTz } };
}

function boostsWithTz(db: Kysely<Schema>) {
  return db
    .selectFrom('points_boosts')
    .leftJoin('users', (join) => join.onRef('users.environment_id', '=', 'points_boosts.environment_id').onRef('users.id', '=', 'points_boosts.user_id'))
    .selectAll('points_boosts')
    .select('users.tz as user_tz');
}

/** Every boost of the system, oldest first. */
export async function listBoosts(db: Kysely<Schema>, systemId: string, limit: number, skip: number, now: number): Promise<AdminPointsBoost[]> {
  const rows = await boostsWithTz(db).where('points_boosts.system_id', '=', systemId).orderBy('points_boosts.created_at').orderBy('points_boosts.id').limit(limit).offset(skip).execute();
  return rows.map((row) => adminBoostView(row, now));
}

export async function getBoost(db: Kysely<Schema>, systemId: string, id: string, now: number): Promise<AdminPointsBoost | undefined> {
  const row = await boostsWithTz(db).where('points_boosts.system_id', '=', systemId).where('points_boosts.id', '=', id).executeTakeFirst();
  return row ? adminBoostView(row, now) : undefined;
}

/**
 * POST /points/{systemId}/boosts. A boost for a user who does not exist is an issue for that
 * item (Trophy's "User does not exist"); a request that breaks the rules (userId with
 * userAttributes, an end before the start, unknown attribute ids) is refused whole (422).
 */
export async function createBoosts(
  db: Kysely<Schema>,
  environmentId: string,
  systemId: string,
  inputs: readonly BoostInput[],
  now: number,
): Promise<{ created: AdminPointsBoost[]; issues: AdminIssue[] } | undefined> {
  return inLockedSystem(db, environmentId, systemId, async (trx) => {
    const references = await loadReferences(trx, environmentId);
    const problems = new Problems();
    const created: AdminPointsBoost[] = [];
    const issues: AdminIssue[] = [];
    for (const [index, input] of inputs.entries()) {
      const outcome = await insertBoost(trx, environmentId, systemId, input, references, problems, `body[${index}]`, now);
      if ('row' in outcome) created.push(adminBoostView(outcome.row, now));
      else issues.push({ index, userId: input.userId as string, severity: 'error', message: USER_MISSING });
    }
    problems.throwIfAny();
    return { created, issues };
  });
}

/** PATCH /points/{systemId}/boosts: unknown or repeated ids are issues; rule breaks refuse the request (422). */
export async function updateBoosts(
  db: Kysely<Schema>,
  environmentId: string,
  systemId: string,
  changes: readonly BoostChange[],
  now: number,
): Promise<{ updated: AdminPointsBoost[]; issues: AdminIssue[] } | undefined> {
  return inLockedSystem(db, environmentId, systemId, async (trx) => {
    const references = await loadReferences(trx, environmentId);
    const problems = new Problems();
    const updatedIds: string[] = [];
    const previous = new Map<string, PointsBoostRow>();
    const issues: AdminIssue[] = [];
    for (const [index, change] of firstChangeOfEachId(changes, issues)) {
      const where = `body[${index}]`;
      const current = await trx.selectFrom('points_boosts').selectAll().where('system_id', '=', systemId).where('id', '=', change.id).executeTakeFirst();
      if (!current) {
        issues.push(notFoundIssue(change.id, BOOST));
        continue;
      }
      if (current.user_id !== null && change.userAttributes != null) {
        problems.add(where, 'userAttributes', `cannot be set on a boost for one user (this one is for ${current.user_id})`);
      }
      const start = change.start ?? current.start_date;
      const end = change.end === undefined ? current.end_date : change.end;
      if (end !== null && end < start) problems.add(where, 'end', `must not be before start (${start})`);
      const set: UpdateObject<Schema, 'points_boosts'> = { updated_at: now };
      if (change.name !== undefined) set.name = change.name;
      if (change.start !== undefined) set.start_date = change.start;
      if (change.end !== undefined) set.end_date = change.end;
      if (change.multiplier !== undefined) set.multiplier = change.multiplier;
      if (change.rounding !== undefined) set.rounding = change.rounding;
      if (change.userAttributes !== undefined && current.user_id === null) {
        set.user_attributes = JSON.stringify(resolveFilters(change.userAttributes, 'user', references, problems, where, 'userAttributes'));
      }
      if (problems.any) continue;
      await trx.updateTable('points_boosts').set(set).where('id', '=', current.id).execute();
      updatedIds.push(current.id);
      previous.set(current.id, current);
    }
    problems.throwIfAny();
    const rows = updatedIds.length === 0 ? [] : await boostsWithTz(trx).where('points_boosts.id', 'in', updatedIds).execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const row of rows) await scheduleBoostLifecycle(trx, { ...previous.get(row.id)!, user_tz: row.user_tz }, row, now);
    return { updated: updatedIds.map((id) => adminBoostView(byId.get(id)!, now)), issues };
  });
}

export async function deleteBoosts(
  db: Kysely<Schema>,
  environmentId: string,
  systemId: string,
  ids: readonly string[],
): Promise<{ deleted: string[]; issues: AdminIssue[] } | undefined> {
  return inLockedSystem(db, environmentId, systemId, async (trx) => {
    const result = await deleteSystemItems(trx, 'points_boosts', systemId, ids, BOOST);
    await unscheduleBoostLifecycles(trx, environmentId, result.deleted);
    return result;
  });
}
