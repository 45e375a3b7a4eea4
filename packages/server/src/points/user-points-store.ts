import type { Kysely } from 'kysely';
import type { Award, MetricTriggerProgress } from '../engine/points/index.js';
import { newId } from '../store/ids.js';
import { preparedRows } from '../store/prepared.js';
import type { Schema } from '../store/schema.js';

/**
 * A user's points state as awarding reads and writes it (migration 0009's per-user tables): the
 * total and last level per system, the metric triggers' accounting, the awards log. The pipeline's
 * points stage is the only writer.
 */

export interface StoredPoints {
  total: number;
  levelId: string | null;
}

/** The user's total and last level in each of these systems that they have one in. */
export async function loadUserPoints(trx: Kysely<Schema>, environmentId: string, userId: string, systemIds: readonly string[]): Promise<Map<string, StoredPoints>> {
  const rows = await trx
    .selectFrom('user_points')
    .select(['system_id', 'total', 'level_id'])
    .where('environment_id', '=', environmentId)
    .where('user_id', '=', userId)
    .where('system_id', 'in', [...systemIds])
    .execute();
  return new Map(rows.map((row) => [row.system_id, { total: Number(row.total), levelId: row.level_id }]));
}

/** A metric trigger's accounting for the user, with the activation it was counted from. */
export interface StoredProgress extends MetricTriggerProgress {
  activatedAt: number;
}

export async function loadTriggerProgress(trx: Kysely<Schema>, environmentId: string, userId: string, triggerIds: readonly string[]): Promise<Map<string, StoredProgress>> {
  const rows = await trx
    .selectFrom('user_points_triggers')
    .select(['trigger_id', 'activated_at', 'progress', 'high_water', 'firings'])
    .where('environment_id', '=', environmentId)
    .where('user_id', '=', userId)
    .where('trigger_id', 'in', [...triggerIds])
    .execute();
  return new Map(
    rows.map((row) => [
      row.trigger_id,
      { activatedAt: Number(row.activated_at), progress: Number(row.progress), highWater: Number(row.high_water), firings: Number(row.firings) },
    ]),
  );
}

const upsertUserPoints = preparedRows((db, rows: Schema['user_points'][]) =>
  db
    .insertInto('user_points')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['environment_id', 'user_id', 'system_id']).doUpdateSet((eb) => ({
        total: eb.ref('excluded.total'),
        level_id: eb.ref('excluded.level_id'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    ),
);

export async function saveUserPoints(
  trx: Kysely<Schema>,
  rows: readonly { environmentId: string; userId: string; systemId: string; total: number; levelId: string | null }[],
  now: number,
): Promise<void> {
  if (rows.length === 0) return;
  await upsertUserPoints(
    trx,
    rows.map((row) => ({ environment_id: row.environmentId, user_id: row.userId, system_id: row.systemId, total: row.total, level_id: row.levelId, created_at: now, updated_at: now })),
  );
}

const upsertTriggerProgress = preparedRows((db, rows: Schema['user_points_triggers'][]) =>
  db
    .insertInto('user_points_triggers')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['environment_id', 'user_id', 'trigger_id']).doUpdateSet((eb) => ({
        activated_at: eb.ref('excluded.activated_at'),
        progress: eb.ref('excluded.progress'),
        high_water: eb.ref('excluded.high_water'),
        firings: eb.ref('excluded.firings'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    ),
);

export async function saveTriggerProgress(
  trx: Kysely<Schema>,
  rows: readonly { environmentId: string; userId: string; systemId: string; triggerId: string; progress: StoredProgress }[],
  now: number,
): Promise<void> {
  if (rows.length === 0) return;
  await upsertTriggerProgress(
    trx,
    rows.map(({ progress: p, ...row }) => ({
      environment_id: row.environmentId,
      user_id: row.userId,
      trigger_id: row.triggerId,
      system_id: row.systemId,
      activated_at: p.activatedAt,
      progress: p.progress,
      high_water: p.highWater,
      firings: p.firings,
      anchor_at: null,
      counted_until: null,
      next_due_at: null,
      updated_at: now,
    })),
  );
}

/** An award as recorded: the engine's award with its id, system and the user's local date. */
export interface RecordedAward extends Award {
  id: string;
  systemId: string;
}

export function recordedAward(award: Award, systemId: string): RecordedAward {
  return { ...award, id: newId(), systemId };
}

const insertAwardRows = preparedRows((db, rows: Schema['points_awards'][]) => db.insertInto('points_awards').values(rows));

export async function insertAwards(trx: Kysely<Schema>, environmentId: string, userId: string, awards: readonly RecordedAward[], day: string, now: number): Promise<void> {
  if (awards.length === 0) return;
  await insertAwardRows(
    trx,
    awards.map((award) => ({
      id: award.id,
      environment_id: environmentId,
      user_id: userId,
      system_id: award.systemId,
      trigger_id: award.triggerId,
      awarded: award.awarded,
      total: award.total,
      boost_ids: JSON.stringify(award.boostIds),
      day,
      created_at: now,
    })),
  );
}
