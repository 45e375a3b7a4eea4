import type { Kysely } from 'kysely';
import { z } from 'zod';
import { dueTimes, timeAnchor, type TimeSchedule, type TimeTriggerRule } from '../engine/points/index.js';
import type { EnvironmentConfig } from '../environments/config-cache.js';
import { jobKind } from '../schedule/job-kind.js';
import { scheduleJob, unscheduleJob } from '../schedule/jobs.js';
import type { Schema, UserRow } from '../store/schema.js';

/**
 * The schedules of points `time` triggers, per user: what time-triggers.ts pays from. Apart from
 * the job and the walk so that the pipeline's points stage can give a new user their schedules
 * without importing the job, which runs the pipeline.
 */
export const TIME_TICK_JOB = jobKind('points-time-tick', z.null());

/** An active time trigger of an active system, with the activation its schedules count from. */
export interface ActiveTimeTrigger {
  systemId: string;
  rule: TimeTriggerRule;
  activatedAt: number;
}

export function activeTimeTriggers(config: EnvironmentConfig): ActiveTimeTrigger[] {
  return config.points.systems.flatMap((system) =>
    system.rules.triggers.flatMap((rule) => {
      const activatedAt = system.activatedAt.get(rule.id);
      return rule.type === 'time' && activatedAt !== undefined ? [{ systemId: system.system.id, rule, activatedAt }] : [];
    }),
  );
}

/** One user's schedule for one time trigger, as stored. */
export interface TimeRow {
  triggerId: string;
  systemId: string;
  activatedAt: number;
  anchorAt: number;
  countedUntil: number;
  nextDueAt: number;
  firings: number;
}

export const scheduleOf = (trigger: ActiveTimeTrigger, row: TimeRow, user: UserRow): TimeSchedule => ({
  unit: trigger.rule.timeUnit,
  interval: trigger.rule.timeInterval,
  anchor: row.anchorAt,
  tz: user.tz,
});

/**
 * The rows the user's active time triggers have now: a stored row counted from the trigger's
 * current activation keeps what it has paid, with its next due time worked out again (the unit
 * or interval may have changed); a missing one, or one from an earlier activation, starts at the
 * anchor.
 */
export function plannedRows(user: UserRow, triggers: readonly ActiveTimeTrigger[], stored: ReadonlyMap<string, TimeRow>): { trigger: ActiveTimeTrigger; row: TimeRow }[] {
  return triggers.map((trigger) => {
    const kept = stored.get(trigger.rule.id);
    const row: TimeRow =
      kept !== undefined && kept.activatedAt === trigger.activatedAt
        ? { ...kept }
        : (() => {
            const anchorAt = timeAnchor(user.created_at, trigger.activatedAt);
            return { triggerId: trigger.rule.id, systemId: trigger.systemId, activatedAt: trigger.activatedAt, anchorAt, countedUntil: anchorAt, nextDueAt: 0, firings: 0 };
          })();
    row.nextDueAt = dueTimes(scheduleOf(trigger, row, user), row.countedUntil, row.countedUntil).next;
    return { trigger, row };
  });
}

export async function loadTimeRows(trx: Kysely<Schema>, environmentId: string, userIds: readonly string[]): Promise<Map<string, Map<string, TimeRow>>> {
  const rows = await trx
    .selectFrom('user_points_triggers')
    .select(['user_id', 'trigger_id', 'system_id', 'activated_at', 'anchor_at', 'counted_until', 'next_due_at', 'firings'])
    .where('environment_id', '=', environmentId)
    .where('user_id', 'in', [...userIds])
    // Only time triggers' rows have an anchor (metric triggers' accounting shares the table).
    .where('anchor_at', 'is not', null)
    .execute();
  const byUser = new Map<string, Map<string, TimeRow>>();
  for (const row of rows) {
    const mine = byUser.get(row.user_id) ?? new Map<string, TimeRow>();
    mine.set(row.trigger_id, {
      triggerId: row.trigger_id,
      systemId: row.system_id,
      activatedAt: row.activated_at,
      anchorAt: row.anchor_at!,
      countedUntil: row.counted_until ?? row.anchor_at!,
      nextDueAt: row.next_due_at ?? row.anchor_at!,
      firings: row.firings,
    });
    byUser.set(row.user_id, mine);
  }
  return byUser;
}

/** Stores the user's rows, deleting the time rows of triggers no longer active. */
export async function saveRows(trx: Kysely<Schema>, environmentId: string, userId: string, rows: readonly TimeRow[], now: number): Promise<void> {
  let stale = trx.deleteFrom('user_points_triggers').where('environment_id', '=', environmentId).where('user_id', '=', userId).where('anchor_at', 'is not', null);
  if (rows.length > 0) stale = stale.where('trigger_id', 'not in', rows.map((row) => row.triggerId));
  await stale.execute();
  if (rows.length === 0) return;
  await trx
    .insertInto('user_points_triggers')
    .values(
      rows.map((row) => ({
        environment_id: environmentId,
        user_id: userId,
        trigger_id: row.triggerId,
        system_id: row.systemId,
        activated_at: row.activatedAt,
        progress: 0,
        high_water: 0,
        firings: row.firings,
        anchor_at: row.anchorAt,
        counted_until: row.countedUntil,
        next_due_at: row.nextDueAt,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['environment_id', 'user_id', 'trigger_id']).doUpdateSet((eb) => ({
        activated_at: eb.ref('excluded.activated_at'),
        firings: eb.ref('excluded.firings'),
        anchor_at: eb.ref('excluded.anchor_at'),
        counted_until: eb.ref('excluded.counted_until'),
        next_due_at: eb.ref('excluded.next_due_at'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

export const nextTick = (rows: readonly TimeRow[]): number | null => (rows.length === 0 ? null : Math.min(...rows.map((row) => row.nextDueAt)));

/** Stores the user's rows and puts their job at the earliest next due time (removed when they have no time trigger). */
export async function saveSchedule(trx: Kysely<Schema>, environmentId: string, userId: string, rows: readonly TimeRow[], now: number): Promise<void> {
  await saveRows(trx, environmentId, userId, rows, now);
  const key = { environmentId, subject: userId };
  const at = nextTick(rows);
  if (at === null) await unscheduleJob(trx, TIME_TICK_JOB, key);
  else await scheduleJob(trx, TIME_TICK_JOB, key, { at, payload: null }, now);
}

/**
 * Gives a user their time-trigger schedules and job, in the caller's transaction, without paying
 * anything (the job pays what is already due as soon as it runs). For a user created while time
 * triggers are active, and for each user of the walk.
 */
export async function scheduleUserTimeTicks(trx: Kysely<Schema>, environmentId: string, user: UserRow, config: EnvironmentConfig, now: number): Promise<void> {
  const triggers = activeTimeTriggers(config);
  const stored = (await loadTimeRows(trx, environmentId, [user.id])).get(user.id) ?? new Map<string, TimeRow>();
  if (triggers.length === 0 && stored.size === 0) return;
  await saveSchedule(trx, environmentId, user.id, plannedRows(user, triggers, stored).map((planned) => planned.row), now);
}

/** Whether any active time trigger exists in the configuration (most environments have none). */
export const hasTimeTriggers = (config: EnvironmentConfig): boolean => activeTimeTriggers(config).length > 0;
