import type { Kysely } from 'kysely';
import { z } from 'zod';
import { dueTimes, timeAnchor, type TimeSchedule, type TimeTriggerRule } from '../engine/points/index.js';
import type { ConfigCache, EnvironmentConfig } from '../environments/config-cache.js';
import { runPipeline, type PipelineDeps } from '../pipeline/run-pipeline.js';
import { jobKind, type JobHandler } from '../schedule/job-kind.js';
import { scheduleJob, unscheduleJob } from '../schedule/jobs.js';
import { startWalk, userWalkKind, type UserWalk } from '../schedule/user-walk.js';
import type { Schema, UserRow } from '../store/schema.js';
import { findUser } from '../users/user-store.js';

/**
 * Points `time` triggers ("+1 energy every 4 hours", "+10 coins a day"), awarded through the
 * pipeline as a time tick. Per user and time trigger, a row of user_points_triggers keeps the
 * schedule (engine dueTimes): `anchor_at`, the later of the user's creation and the trigger's
 * activation (engine timeAnchor); `counted_until`, up to when due times have been paid; and
 * `next_due_at`. Each user with time triggers has one job (TIME_TICK_JOB, subject: the user id)
 * due at the earliest of their `next_due_at`: it counts what fell due since `counted_until` for
 * each trigger, hands the counts to the pipeline (which applies boosts, user-attribute filters and
 * the maxPoints cap: energy refills to full, not beyond), moves the rows on and reschedules
 * itself. So a tick costs the users who are due, never a scan of all users.
 *
 * Rows are made, and jobs scheduled, by:
 * - a walk over all users (TIME_TRIGGER_WALK), started by a trigger write that activates a time
 *   trigger or changes an active one's unit or interval (trigger-store.ts);
 * - scheduleUserTimeTicks for a user created after that (the pipeline calls it for new users).
 * A trigger deactivated, archived, or of a system archived or deleted, is dropped by the job when
 * it next runs: its row is deleted, and with no time trigger left the job ends.
 *
 * Day units fall at local midnight in the user's zone as it is when the job runs, so a user who
 * moves is paid at their new midnight (late by the difference if the new zone is further east).
 */
export const TIME_TICK_JOB = jobKind('points-time-tick', z.null());
export const TIME_TRIGGER_WALK = userWalkKind('points-time-walk');

/** An active time trigger of an active system, with the activation its schedules count from. */
interface ActiveTimeTrigger {
  systemId: string;
  rule: TimeTriggerRule;
  activatedAt: number;
}

function activeTimeTriggers(config: EnvironmentConfig): ActiveTimeTrigger[] {
  return config.points.systems.flatMap((system) =>
    system.rules.triggers.flatMap((rule) => {
      const activatedAt = system.activatedAt.get(rule.id);
      return rule.type === 'time' && activatedAt !== undefined ? [{ systemId: system.system.id, rule, activatedAt }] : [];
    }),
  );
}

/** One user's schedule for one time trigger, as stored. */
interface TimeRow {
  triggerId: string;
  systemId: string;
  activatedAt: number;
  anchorAt: number;
  countedUntil: number;
  nextDueAt: number;
  firings: number;
}

const scheduleOf = (trigger: ActiveTimeTrigger, row: TimeRow, user: UserRow): TimeSchedule => ({
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
function plannedRows(user: UserRow, triggers: readonly ActiveTimeTrigger[], stored: ReadonlyMap<string, TimeRow>): { trigger: ActiveTimeTrigger; row: TimeRow }[] {
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

async function loadTimeRows(trx: Kysely<Schema>, environmentId: string, userIds: readonly string[]): Promise<Map<string, Map<string, TimeRow>>> {
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
async function saveRows(trx: Kysely<Schema>, environmentId: string, userId: string, rows: readonly TimeRow[], now: number): Promise<void> {
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

const nextTick = (rows: readonly TimeRow[]): number | null => (rows.length === 0 ? null : Math.min(...rows.map((row) => row.nextDueAt)));

/** Stores the user's rows and puts their job at the earliest next due time (removed when they have no time trigger). */
async function saveSchedule(trx: Kysely<Schema>, environmentId: string, userId: string, rows: readonly TimeRow[], now: number): Promise<void> {
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

/** Starts the walk that gives every user of the environment their time-trigger schedules, in the trigger write's transaction. */
export async function startTimeTriggerWalk(trx: Kysely<Schema>, environmentId: string, now: number): Promise<void> {
  await startWalk(trx, TIME_TRIGGER_WALK, environmentId, now);
}

/** The walk: each chunk of users gets their rows and job, from the configuration as it is when the chunk runs. */
export function timeTriggerWalk(deps: { configCache: ConfigCache }): UserWalk {
  return {
    async page(trx, environmentId, after, limit) {
      let query = trx.selectFrom('users').select('id').where('environment_id', '=', environmentId);
      if (after !== null) query = query.where('id', '>', after);
      return (await query.orderBy('id').limit(limit).execute()).map((row) => row.id);
    },
    async visit(trx, environmentId, userIds, { now }) {
      const config = await deps.configCache.get(trx, environmentId);
      const triggers = activeTimeTriggers(config);
      const users = await trx.selectFrom('users').selectAll().where('environment_id', '=', environmentId).where('id', 'in', userIds).execute();
      const stored = await loadTimeRows(trx, environmentId, userIds);
      for (const user of users) {
        const mine = stored.get(user.id) ?? new Map<string, TimeRow>();
        if (triggers.length === 0 && mine.size === 0) continue;
        await saveSchedule(trx, environmentId, user.id, plannedRows(user, triggers, mine).map((planned) => planned.row), now);
      }
    },
  };
}

/**
 * The scheduler's handler for TIME_TICK_JOB: what fell due for the user since each row's
 * `counted_until`, paid through the pipeline as one time tick (in the job's transaction, its
 * webhooks in the outbox), then the rows moved on to now and the job to the next due time.
 * Running it twice at the same instant pays nothing the second time.
 */
export function timeTickHandler(deps: PipelineDeps & { configCache: ConfigCache; lockForUpdate: boolean }): JobHandler<null> {
  return async (trx, job, now) => {
    const user = await findUser(trx, job.environmentId, job.subject, deps.lockForUpdate);
    if (!user) return null;
    const config = await deps.configCache.get(trx, job.environmentId);
    const stored = (await loadTimeRows(trx, job.environmentId, [user.id])).get(user.id) ?? new Map<string, TimeRow>();
    const ticks = new Map<string, { triggerId: string; count: number }[]>();
    const rows = plannedRows(user, activeTimeTriggers(config), stored).map(({ trigger, row }) => {
      const due = dueTimes(scheduleOf(trigger, row, user), row.countedUntil, now);
      if (due.count > 0) ticks.set(row.systemId, [...(ticks.get(row.systemId) ?? []), { triggerId: row.triggerId, count: due.count }]);
      return { ...row, countedUntil: Math.max(row.countedUntil, now), nextDueAt: due.next, firings: row.firings + due.count };
    });
    if (ticks.size > 0) {
      await runPipeline(trx, deps, { environmentId: job.environmentId, user, userCreated: false, tzChanged: false, change: { kind: 'time_tick', ticks }, config, now });
    }
    // The job's own row is settled by the scheduler from the answer (rescheduling it here would take its lease).
    await saveRows(trx, job.environmentId, user.id, rows, now);
    const at = nextTick(rows);
    return at === null ? null : { at };
  };
}
