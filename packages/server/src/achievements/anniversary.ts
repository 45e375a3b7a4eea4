import type { Kysely } from 'kysely';
import { attributesMatch } from '../engine/achievements/qualify.js';
import type { ConfigCache } from '../environments/config-cache.js';
import { runPipeline, type PipelineDeps } from '../pipeline/run-pipeline.js';
import type { JobHandler } from '../schedule/job-kind.js';
import { startWalk, userWalkKind, type UserWalk } from '../schedule/user-walk.js';
import type { Schema } from '../store/schema.js';
import { findUser } from '../users/user-store.js';
import { toRule } from './achievement-view.js';
import { ANNIVERSARY_JOB, activeAnniversaries, anniversaryStart, heldAnniversaries, nextAnniversary, scheduleUserAnniversaries } from './anniversary-schedule.js';

/**
 * Anniversary achievements (Trophy's `anniversary` trigger, `anniversaryYears`): a user with a
 * sign-up date completes one at the start of the day, in their time zone, that is that many whole
 * years after it. Each user has at most one job (ANNIVERSARY_JOB, anniversary-schedule.ts) due at
 * their next anniversary day; it hands each achievement that fell due to the pipeline as an
 * `achievement_completed` change (composites cascade, achievement triggers pay, boards follow,
 * `achievement.completed` is sent) and moves on to the next one.
 *
 * Jobs are scheduled by:
 * - a user write that sets or changes the sign-up date or the time zone (user-store.ts);
 * - a walk over all users (ANNIVERSARY_WALK), started when an anniversary achievement is created
 *   active, activated, or its anniversaryYears changed while live (achievement-store.ts). The walk
 *   leaves out anniversary days that began at or before the change: the backdating walk started
 *   with it grants those silently (Trophy's reading 20).
 */
export { ANNIVERSARY_JOB };
export const ANNIVERSARY_WALK = userWalkKind('achievement-anniversary-walk');

export async function startAnniversaryWalk(trx: Kysely<Schema>, environmentId: string, now: number): Promise<void> {
  await startWalk(trx, ANNIVERSARY_WALK, environmentId, now);
}

/** The walk: each chunk of users with a sign-up date gets its job, from the achievements as they are when the chunk runs. */
export function anniversaryWalk(): UserWalk {
  return {
    async page(trx, environmentId, after, limit) {
      let query = trx.selectFrom('users').select('id').where('environment_id', '=', environmentId);
      if (after !== null) query = query.where('id', '>', after);
      return (await query.orderBy('id').limit(limit).execute()).map((row) => row.id);
    },
    async visit(trx, environmentId, userIds, { now, startedAt }) {
      const achievements = await activeAnniversaries(trx, environmentId);
      const users = await trx.selectFrom('users').selectAll().where('environment_id', '=', environmentId).where('id', 'in', userIds).where('sign_up_date', 'is not', null).execute();
      if (users.length === 0) return;
      const held = await heldAnniversaries(trx, environmentId, users.map((u) => u.id), achievements.map((a) => a.id));
      for (const user of users) await scheduleUserAnniversaries(trx, environmentId, user, now, { achievements, held, skipUntil: startedAt });
    },
  };
}

/**
 * The scheduler's handler for ANNIVERSARY_JOB: every active anniversary achievement whose day has
 * begun for the user and that they do not hold (and whose user-attribute filters they match) is
 * completed through the pipeline, in the job's transaction (webhooks in the outbox); then the job
 * moves to the next anniversary day, or ends. Running it twice completes nothing the second time.
 */
export function anniversaryHandler(deps: PipelineDeps & { configCache: ConfigCache; lockForUpdate: boolean }): JobHandler<null> {
  return async (trx, job, now) => {
    const user = await findUser(trx, job.environmentId, job.subject, deps.lockForUpdate);
    if (!user || user.sign_up_date === null) return null;
    const achievements = await activeAnniversaries(trx, job.environmentId);
    const heldPairs = await heldAnniversaries(trx, job.environmentId, [user.id], achievements.map((a) => a.id));
    const held = new Set(achievements.filter((a) => heldPairs.has(`${user.id}\u0000${a.id}`)).map((a) => a.id));
    const attributes = JSON.parse(user.attributes) as Record<string, string>;
    const due = achievements
      .filter((a) => !held.has(a.id))
      .map((a) => ({ achievement: a, start: anniversaryStart(user, a) }))
      .filter((d): d is { achievement: (typeof achievements)[number]; start: number } => d.start !== null && d.start <= now)
      .sort((a, b) => a.start - b.start || (a.achievement.id < b.achievement.id ? -1 : 1));
    if (due.length > 0) {
      const config = await deps.configCache.get(trx, job.environmentId);
      for (const { achievement } of due) {
        held.add(achievement.id);
        if (!attributesMatch(toRule(achievement).userAttributes, attributes)) continue;
        // A composite completed by an earlier one in this run may already hold it: the insert skips it.
        await runPipeline(trx, deps, { environmentId: job.environmentId, user, userCreated: false, tzChanged: false, change: { kind: 'achievement_completed', achievement }, config, now });
      }
    }
    const at = nextAnniversary(user, achievements, held, now);
    return at === null ? null : { at };
  };
}
