import type { ConfigCache } from '../environments/config-cache.js';
import { runPipeline, type PipelineDeps } from '../pipeline/run-pipeline.js';
import type { JobHandler } from '../schedule/job-kind.js';
import { streakEnabledFor } from '../users/preferences.js';
import { findUser } from '../users/user-store.js';

/** A wake-up at or before now would make the job spin; it cannot happen after a catch-up, but if it did, wait this long. */
const MIN_RESCHEDULE_MS = 60_000;

/**
 * The scheduler's handler for STREAK_JOB (one job per user, subject = user id): a streak tick
 * through the pipeline, which settles the user's missed periods and due freeze grants up to now
 * and writes their webhooks to the outbox in the job's transaction. Answers when the next
 * time-driven change is due (null: none, or the user is gone or has no streak). Running it twice
 * at the same time changes nothing the second time. `lockForUpdate` (backend.supportsSkipLocked)
 * serialises it with the user's other streak writes.
 */
export function streakJobHandler(deps: PipelineDeps & { configCache: ConfigCache; lockForUpdate: boolean }): JobHandler<null> {
  return async (trx, job, now) => {
    const user = await findUser(trx, job.environmentId, job.subject, deps.lockForUpdate);
    if (!user) return null;
    const config = await deps.configCache.get(trx, job.environmentId);
    if (!config.streakSettings.enabled || !streakEnabledFor(user)) return null;
    const { streak } = await runPipeline(trx, deps, {
      environmentId: job.environmentId,
      user,
      userCreated: false,
      tzChanged: false,
      change: { kind: 'streak_tick' },
      config,
      now,
    });
    const next = streak.nextWake ?? null;
    if (next === null) return null;
    return { at: next > now ? next : now + MIN_RESCHEDULE_MS };
  };
}
