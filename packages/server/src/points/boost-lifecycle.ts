import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { EmitInput, Outbox } from '../delivery/outbox.js';
import { boostWebhookTimes, type BoostWebhookTimes } from '../engine/points/index.js';
import { buildPayload } from '../events/catalog.js';
import { jobKind, type JobHandler } from '../schedule/job-kind.js';
import { lockJobPayload, scheduleJob, unscheduleJob, type JobKey } from '../schedule/jobs.js';
import type { Schema } from '../store/schema.js';
import type { BoostWithTz } from './boost-store.js';
import { boostDates } from './boost-view.js';
import { boostWebhookPayload } from './boost-webhook.js';

/**
 * points.boost_started and points.boost_finished, one durable job per boost (subject: the boost's
 * id), at the times engine boostWebhookTimes gives: a boost for everyone or for users with
 * matching attributes at 10:00 UTC the day before its start date and 13:00 UTC the day after its
 * end date; a boost for one user at the start of its start date and the end of its end date in
 * that user's time zone, read when the job runs (a user who moves is announced at their new
 * midnight, late by the difference if the new zone is further east).
 *
 * The payload remembers whether boost_started has been sent, so each is sent at most once per
 * boost; the job ends once boost_finished is sent (or at boost_started for an open-ended boost).
 * What admin writes do (scheduleBoostLifecycle, in their transaction):
 * - A boost created before its finished time is announced at its started time, or at once when
 *   that has passed (timestamp: the creation); one created already over sends nothing.
 * - An edit reschedules from the same memory, so new dates move the due times: a boost announced
 *   and then moved later finishes at its new end and is not announced again; one moved wholly into
 *   the past before it was announced sends nothing; one announced and given an end that has passed
 *   finishes at once (stamped with the end its dates give). A boost that had finished is never
 *   announced again.
 * - Deleting the boost (or its system) removes the job and sends nothing.
 * A boost made through the dashboard and not activated yet (`enabled` 0) has no job.
 */
const boostLifecyclePayload = z.object({ announced: z.boolean() });
type BoostLifecyclePayload = z.infer<typeof boostLifecyclePayload>;

export const BOOST_LIFECYCLE = jobKind('points-boost-lifecycle', boostLifecyclePayload);

const keyOf = (row: BoostWithTz): JobKey => ({ environmentId: row.environment_id, subject: row.id });
const timesOf = (row: BoostWithTz): BoostWebhookTimes => boostWebhookTimes(boostDates(row), row.user_tz);

/** Schedules (or removes) a boost's lifecycle job after a create (`before` null) or an update, inside the admin write's transaction. */
export async function scheduleBoostLifecycle(trx: Kysely<Schema>, before: BoostWithTz | null, after: BoostWithTz, now: number): Promise<void> {
  const key = keyOf(after);
  if (after.enabled !== 1) return unscheduleJob(trx, BOOST_LIFECYCLE, key);
  let memory: BoostLifecyclePayload | undefined = before === null ? { announced: false } : await lockJobPayload(trx, BOOST_LIFECYCLE, key);
  if (memory === undefined) {
    // No job: it ended (finished sent, or an open-ended boost announced), or the boost was created over or not yet enabled.
    const was = timesOf(before!);
    if (before!.enabled !== 1) memory = { announced: false };
    else if (was.finished !== null && was.finished <= now) return;
    else memory = { announced: was.started <= now };
  }
  const times = timesOf(after);
  if (!memory.announced && times.finished !== null && times.finished <= now) return unscheduleJob(trx, BOOST_LIFECYCLE, key);
  if (memory.announced && times.finished === null) return unscheduleJob(trx, BOOST_LIFECYCLE, key);
  // A boost created after its start is announced as of its creation; an edit keeps the times its dates give.
  const at = memory.announced ? (times.finished as number) : before === null ? Math.max(times.started, now) : times.started;
  return scheduleJob(trx, BOOST_LIFECYCLE, key, { at, payload: memory }, now);
}

export async function unscheduleBoostLifecycles(trx: Kysely<Schema>, environmentId: string, boostIds: readonly string[]): Promise<void> {
  for (const subject of boostIds) await unscheduleJob(trx, BOOST_LIFECYCLE, { environmentId, subject });
}

/** Sends what is due by `now` (both, when a late run finds the boost over), in the outbox in the job's transaction. */
export function boostLifecycleHandler(deps: { outbox: Pick<Outbox, 'emitAll'> }): JobHandler<BoostLifecyclePayload> {
  return async (trx, job, now) => {
    const row = await trx
      .selectFrom('points_boosts as b')
      .innerJoin('points_systems as s', 's.id', 'b.system_id')
      .leftJoin('users as u', (join) => join.onRef('u.environment_id', '=', 'b.environment_id').onRef('u.id', '=', 'b.user_id'))
      .selectAll('b')
      .select(['u.tz as user_tz', 's.key as system_key', 's.name as system_name'])
      .where('b.environment_id', '=', job.environmentId)
      .where('b.id', '=', job.subject)
      .executeTakeFirst();
    if (!row || row.enabled !== 1) return null;
    const { system_key, system_name, ...boost } = row;
    const system = { id: boost.system_id, key: system_key, name: system_name };
    const times = timesOf(boost);
    // When it happened: the due time, or the moment Laurel scheduled it if that was later (a boost created after its start).
    const timestamp = (at: number) => new Date(Math.max(at, job.dueAt)).toISOString();
    const pending: EmitInput[] = [];
    if (!job.payload.announced) {
      if (now < times.started) return { at: times.started, payload: { announced: false } };
      pending.push({
        environmentId: job.environmentId,
        type: 'points.boost_started',
        payload: buildPayload('points.boost_started', { timestamp: timestamp(times.started), boost: boostWebhookPayload(boost, system, 'active') }),
      });
    }
    const over = times.finished !== null && now >= times.finished;
    if (over) {
      pending.push({
        environmentId: job.environmentId,
        type: 'points.boost_finished',
        payload: buildPayload('points.boost_finished', { timestamp: timestamp(times.finished as number), boost: boostWebhookPayload(boost, system, 'finished') }),
      });
    }
    await deps.outbox.emitAll(trx, pending, now);
    return times.finished === null || over ? null : { at: times.finished, payload: { announced: true } };
  };
}
