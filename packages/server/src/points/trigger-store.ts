import type { Kysely, Transaction, UpdateObject } from 'kysely';
import type { AdminIssue } from '../admin-issue.js';
import { newId } from '../store/ids.js';
import type { PointsTriggerType, Schema } from '../store/schema.js';
import { resolveFilters, type AttributeFilterInput } from './attribute-filters.js';
import { loadReferences, type ConfigReferences } from './config-references.js';
import { Problems } from './invalid-config.js';
import { notFoundIssue, repeatedIdIssue } from './issues.js';
import { lockSystem } from './system-lock.js';
import { startTimeTriggerWalk } from './time-triggers.js';
import { triggerFieldProblems } from './trigger-fields.js';
import { toAdminTrigger, type AdminPointsTrigger, type PointsTriggerRow } from './trigger-view.js';

/** The fields a trigger may carry, as the HTTP layer has checked them (time units already `hour`/`day`). */
interface TriggerFields {
  status?: 'active' | 'inactive' | undefined;
  userAttributes?: AttributeFilterInput[] | null | undefined;
  metricId?: string | undefined;
  metricThreshold?: number | undefined;
  eventAttributes?: AttributeFilterInput[] | null | undefined;
  achievementId?: string | undefined;
  streakLength?: number | undefined;
  timeUnit?: 'hour' | 'day' | undefined;
  timeInterval?: number | undefined;
  blockIfOutOfPoints?: boolean | undefined;
}

export interface TriggerInput extends TriggerFields {
  type: PointsTriggerType;
  points: number;
}

/** Fields left out are kept. */
export interface TriggerChange extends TriggerFields {
  id: string;
  type?: PointsTriggerType | undefined;
  points?: number | undefined;
}

const TRIGGER = 'Points trigger';

/**
 * Checks a new trigger against the rules of its type and the environment's metrics,
 * achievements and attributes, and inserts it; problems are added to `problems` (the caller
 * throws them, rolling the request back). Created inactive unless `status` says active; an
 * active trigger's activation time is now.
 */
export async function insertTrigger(
  trx: Transaction<Schema>,
  environmentId: string,
  systemId: string,
  input: TriggerInput,
  references: ConfigReferences,
  problems: Problems,
  where: string,
  now: number,
): Promise<PointsTriggerRow> {
  for (const problem of triggerFieldProblems(input.type, input, true)) problems.add(where, problem.field, problem.message);
  checkReferences(input, references, problems, where);
  const status = input.status ?? 'inactive';
  const row: PointsTriggerRow = {
    id: newId(),
    environment_id: environmentId,
    system_id: systemId,
    type: input.type,
    points: input.points,
    status,
    metric_id: input.type === 'metric' ? (input.metricId ?? null) : null,
    metric_threshold: input.type === 'metric' ? (input.metricThreshold ?? null) : null,
    event_attributes: JSON.stringify(input.type === 'metric' ? resolveFilters(input.eventAttributes, 'event', references, problems, where, 'eventAttributes') : []),
    streak_length: input.type === 'streak' ? (input.streakLength ?? null) : null,
    achievement_id: input.type === 'achievement' ? (input.achievementId ?? null) : null,
    time_unit: input.type === 'time' ? (input.timeUnit ?? null) : null,
    time_interval: input.type === 'time' ? (input.timeInterval ?? null) : null,
    user_attributes: JSON.stringify(resolveFilters(input.userAttributes, 'user', references, problems, where, 'userAttributes')),
    block_if_out_of_points: input.blockIfOutOfPoints ? 1 : 0,
    activated_at: status === 'active' ? now : null,
    created_at: now,
    updated_at: now,
  };
  // Nothing is inserted once the request has a problem: it is going to be rolled back anyway.
  if (problems.any) return row;
  await trx.insertInto('points_triggers').values(row).execute();
  if (startsTimeSchedules(null, row)) await startTimeTriggerWalk(trx, environmentId, now);
  return row;
}

/** An active time trigger that is new, newly active, or on a new unit or interval: every user's schedule for it is (re)made, by a walk. */
function startsTimeSchedules(before: PointsTriggerRow | null, after: PointsTriggerRow): boolean {
  if (after.type !== 'time' || after.status !== 'active') return false;
  return before === null || before.status !== 'active' || before.time_unit !== after.time_unit || before.time_interval !== after.time_interval;
}

function checkReferences(fields: TriggerFields, references: ConfigReferences, problems: Problems, where: string): void {
  if (fields.metricId !== undefined && !references.metrics.has(fields.metricId)) {
    problems.add(where, 'metricId', 'no metric with this id in this environment');
  }
  if (fields.achievementId !== undefined && !references.achievements.has(fields.achievementId)) {
    problems.add(where, 'achievementId', 'no achievement with this id in this environment');
  }
}

/** The system's triggers (deleted ones left out), oldest first. */
export async function listTriggers(db: Kysely<Schema>, systemId: string, limit: number, skip: number): Promise<AdminPointsTrigger[]> {
  const rows = await db
    .selectFrom('points_triggers')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('status', '!=', 'archived')
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .offset(skip)
    .execute();
  return rows.map(toAdminTrigger);
}

export async function getTrigger(db: Kysely<Schema>, systemId: string, id: string): Promise<AdminPointsTrigger | undefined> {
  const row = await db.selectFrom('points_triggers').selectAll().where('system_id', '=', systemId).where('id', '=', id).where('status', '!=', 'archived').executeTakeFirst();
  return row ? toAdminTrigger(row) : undefined;
}

/** POST /points/{systemId}/triggers: all or nothing (any problem is a 422). undefined when the system does not exist. */
export async function createTriggers(
  db: Kysely<Schema>,
  environmentId: string,
  systemId: string,
  inputs: readonly TriggerInput[],
  now: number,
): Promise<{ created: AdminPointsTrigger[]; issues: AdminIssue[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockSystem(trx, environmentId, systemId))) return undefined;
    const references = await loadReferences(trx, environmentId);
    const problems = new Problems();
    const rows: PointsTriggerRow[] = [];
    for (const [index, input] of inputs.entries()) rows.push(await insertTrigger(trx, environmentId, systemId, input, references, problems, `body[${index}]`, now));
    problems.throwIfAny();
    return { created: rows.map(toAdminTrigger), issues: [] };
  });
}

/**
 * PATCH /points/{systemId}/triggers. Fields given must belong to the trigger's type; the type
 * itself changes only while the trigger is inactive, and then the new type's required fields
 * must be given (the old type's are dropped). Such problems, and unknown metric, achievement or
 * attribute ids, refuse the whole request (422); an unknown or repeated trigger id is an issue.
 * Activating a trigger (inactive -> active) sets its activation time: metric progress and time
 * schedules count from then.
 */
export async function updateTriggers(
  db: Kysely<Schema>,
  environmentId: string,
  systemId: string,
  changes: readonly TriggerChange[],
  now: number,
): Promise<{ updated: AdminPointsTrigger[]; issues: AdminIssue[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockSystem(trx, environmentId, systemId))) return undefined;
    const references = await loadReferences(trx, environmentId);
    const problems = new Problems();
    const updated: PointsTriggerRow[] = [];
    const issues: AdminIssue[] = [];
    const seen = new Set<string>();
    for (const [index, change] of changes.entries()) {
      if (seen.has(change.id)) {
        issues.push(repeatedIdIssue(change.id));
        continue;
      }
      seen.add(change.id);
      const current = await trx.selectFrom('points_triggers').selectAll().where('system_id', '=', systemId).where('id', '=', change.id).where('status', '!=', 'archived').executeTakeFirst();
      if (!current) {
        issues.push(notFoundIssue(change.id, TRIGGER));
        continue;
      }
      const set = changeSet(current, change, references, problems, `body[${index}]`, now);
      if (problems.any) continue;
      const after = await trx.updateTable('points_triggers').set(set).where('id', '=', current.id).returningAll().executeTakeFirstOrThrow();
      if (startsTimeSchedules(current, after)) await startTimeTriggerWalk(trx, environmentId, now);
      updated.push(after);
    }
    problems.throwIfAny();
    return { updated: updated.map(toAdminTrigger), issues };
  });
}

function changeSet(
  current: PointsTriggerRow,
  change: TriggerChange,
  references: ConfigReferences,
  problems: Problems,
  where: string,
  now: number,
): UpdateObject<Schema, 'points_triggers'> {
  const type = change.type ?? current.type;
  const retyped = type !== current.type;
  if (retyped && current.status === 'active') {
    problems.add(where, 'type', `can only change while the trigger is inactive (it is active): set its status to inactive first`);
  }
  for (const problem of triggerFieldProblems(type, change, retyped)) problems.add(where, problem.field, problem.message);
  checkReferences(change, references, problems, where);

  const set: UpdateObject<Schema, 'points_triggers'> = { updated_at: now };
  if (retyped) {
    Object.assign(set, { type, metric_id: null, metric_threshold: null, event_attributes: '[]', streak_length: null, achievement_id: null, time_unit: null, time_interval: null });
  }
  if (change.points !== undefined) set.points = change.points;
  if (change.status !== undefined) {
    set.status = change.status;
    if (change.status === 'active' && current.status !== 'active') set.activated_at = now;
  }
  if (change.userAttributes !== undefined) set.user_attributes = JSON.stringify(resolveFilters(change.userAttributes, 'user', references, problems, where, 'userAttributes'));
  if (change.blockIfOutOfPoints !== undefined) set.block_if_out_of_points = change.blockIfOutOfPoints ? 1 : 0;
  if (change.metricId !== undefined) set.metric_id = change.metricId;
  if (change.metricThreshold !== undefined) set.metric_threshold = change.metricThreshold;
  if (change.eventAttributes !== undefined && type === 'metric') {
    set.event_attributes = JSON.stringify(resolveFilters(change.eventAttributes, 'event', references, problems, where, 'eventAttributes'));
  }
  if (change.streakLength !== undefined) set.streak_length = change.streakLength;
  if (change.achievementId !== undefined) set.achievement_id = change.achievementId;
  if (change.timeUnit !== undefined) set.time_unit = change.timeUnit;
  if (change.timeInterval !== undefined) set.time_interval = change.timeInterval;
  return set;
}

/**
 * DELETE /points/{systemId}/triggers. A deleted trigger is archived, not removed: the awards it
 * made still show it (Trophy's PointsTrigger has the `archived` status for this). It no longer
 * fires and the Admin API no longer lists it.
 */
export async function deleteTriggers(
  db: Kysely<Schema>,
  environmentId: string,
  systemId: string,
  ids: readonly string[],
  now: number,
): Promise<{ deleted: string[]; issues: AdminIssue[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockSystem(trx, environmentId, systemId))) return undefined;
    const unique = [...new Set(ids)];
    const rows = await trx
      .updateTable('points_triggers')
      .set({ status: 'archived', updated_at: now })
      .where('system_id', '=', systemId)
      .where('id', 'in', unique)
      .where('status', '!=', 'archived')
      .returning('id')
      .execute();
    const gone = new Set(rows.map((row) => row.id));
    return { deleted: unique.filter((id) => gone.has(id)), issues: unique.filter((id) => !gone.has(id)).map((id) => notFoundIssue(id, TRIGGER)) };
  });
}
