import type { Kysely } from 'kysely';
import { dueTimes } from '../engine/points/index.js';
import type { ConfigCache } from '../environments/config-cache.js';
import { runPipeline, type PipelineDeps } from '../pipeline/run-pipeline.js';
import type { JobHandler } from '../schedule/job-kind.js';
import { startWalk, userWalkKind, type UserWalk } from '../schedule/user-walk.js';
import type { Schema } from '../store/schema.js';
import { findUser } from '../users/user-store.js';
import { TIME_TICK_JOB, activeTimeTriggers, loadTimeRows, nextTick, plannedRows, saveRows, saveSchedule, scheduleOf, type TimeRow } from './time-schedule.js';

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
 * - scheduleUserTimeTicks (time-schedule.ts) for a user created after that, or whose time zone
 *   changed: the pipeline's points stage calls it.
 * A trigger deactivated, archived, or of a system archived or deleted, is dropped by the job when
 * it next runs: its row is deleted, and with no time trigger left the job ends.
 *
 * Day units fall at local midnight in the user's zone as it is when the job runs, so a user who
 * moves is paid at their new midnight (late by the difference if the new zone is further east).
 */
export { TIME_TICK_JOB };
export const TIME_TRIGGER_WALK = userWalkKind('points-time-walk');


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
