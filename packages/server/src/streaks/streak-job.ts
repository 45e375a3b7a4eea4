import type { EmitInput, Outbox } from '../delivery/outbox.js';
import { nextWake } from '../engine/streaks/index.js';
import type { JobHandler } from '../schedule/job-kind.js';
import { streakEnabledFor } from '../users/preferences.js';
import { findUser } from '../users/user-store.js';
import { loadStreakSettings } from './streak-settings.js';
import { catchUp, loadUserStreak } from './user-streak.js';

/** A wake-up at or before now would make the job spin; it cannot happen after a catch-up, but if it did, wait this long. */
const MIN_RESCHEDULE_MS = 60_000;

/**
 * The scheduler's handler for STREAK_JOB (one job per user, subject = user id): settles the
 * user's missed periods and due freeze grants up to now, writes their webhooks to the outbox in
 * the job's transaction, and answers when the next time-driven change is due (null: none, or the
 * user is gone or has no streak). Running it twice at the same time changes nothing the second time.
 * `lockForUpdate` (backend.supportsSkipLocked) serialises it with the user's other streak writes.
 */
export function streakJobHandler(deps: { outbox: Pick<Outbox, 'emitAll'>; lockForUpdate: boolean }): JobHandler<null> {
  return async (trx, job, now) => {
    const user = await findUser(trx, job.environmentId, job.subject, deps.lockForUpdate);
    if (!user) return null;
    const settings = await loadStreakSettings(trx, job.environmentId);
    if (!settings.enabled || !streakEnabledFor(user)) return null;
    const streak = await loadUserStreak(trx, job.environmentId, user, settings, now);
    const pending: EmitInput[] = [];
    await catchUp(trx, streak, now, (event) => pending.push(event));
    await deps.outbox.emitAll(trx, pending, now);
    const next = nextWake(streak.state, settings, streak.today, user.tz);
    if (next === null) return null;
    return { at: next > now ? next : now + MIN_RESCHEDULE_MS };
  };
}
