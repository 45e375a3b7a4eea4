import type { Kysely } from 'kysely';
import type { EmitInput } from '../delivery/outbox.js';
import { periodContaining, restore, restoreWindowStart } from '../engine/streaks/index.js';
import type { Schema } from '../store/schema.js';
import { streakEnabledFor } from '../users/preferences.js';
import { findUser } from '../users/user-store.js';
import { USER_MISSING, type StreakAdminDeps, type StreakIssue } from './streak-admin.js';
import { loadStreakSettings } from './streak-settings.js';
import { catchUp, loadUserStreak, saveRecords, saveState, scheduleNext, type UserStreak } from './user-streak.js';

export const NOTHING_TO_RESTORE = 'No streak to restore';

/**
 * Admin restore, in one transaction: each user's streak becomes the longest length their history
 * reaches within the restore window (restoreWindowStart .. today), counted through the previous
 * period, so they must act in the current one to extend it. The restore itself sends no webhook;
 * the catch-up that precedes it may (a rollover that was due: lost, freeze consumed or earned).
 * A missing user is an error; a user whose streak is already at least that long, who has no
 * history in the window, or whose streak is off (environment or preference) gets a warning.
 */
export async function restoreStreaks(
  deps: StreakAdminDeps,
  environmentId: string,
  users: readonly { id: string }[],
  now: number,
): Promise<{ restoredUsers: string[]; issues: StreakIssue[] }> {
  return deps.db.transaction().execute(async (trx) => {
    const settings = await loadStreakSettings(trx, environmentId);
    const restoredUsers: string[] = [];
    const issues: StreakIssue[] = [];
    const pending: EmitInput[] = [];
    for (const [index, { id }] of users.entries()) {
      const user = await findUser(trx, environmentId, id, deps.lockForUpdate);
      if (!user) {
        issues.push({ userId: id, index, severity: 'error', message: USER_MISSING });
        continue;
      }
      const nothing = () => issues.push({ userId: id, index, severity: 'warning', message: NOTHING_TO_RESTORE });
      if (!settings.enabled || !streakEnabledFor(user)) {
        nothing();
        continue;
      }
      const streak = await loadUserStreak(trx, environmentId, user, settings, now);
      await catchUp(trx, streak, now, (event) => pending.push(event));
      const maxLengthInWindow = await maxLengthSince(trx, streak, restoreWindowStart(settings.frequency, streak.today, settings.weekStart));
      const restored = restore(streak.state, settings, { today: streak.today, maxLengthInWindow, now });
      if (!restored) {
        await scheduleNext(trx, streak, now);
        nothing();
        continue;
      }
      streak.state = restored;
      await saveState(trx, streak, now);
      await recordRestoredPeriod(trx, streak);
      await scheduleNext(trx, streak, now);
      restoredUsers.push(id);
    }
    await deps.outbox.emitAll(trx, pending, now);
    return { restoredUsers, issues };
  });
}

/** The longest length in the user's history rows from `windowStart` through today. */
async function maxLengthSince(trx: Kysely<Schema>, streak: UserStreak, windowStart: string): Promise<number> {
  const row = await trx
    .selectFrom('streak_periods')
    .select((eb) => eb.fn.max<number | null>('length').as('max'))
    .where('environment_id', '=', streak.environmentId)
    .where('user_id', '=', streak.user.id)
    .where('period_start', '>=', windowStart)
    .where('period_start', '<=', streak.today)
    .executeTakeFirst();
  return row?.max == null ? 0 : Number(row.max);
}

/**
 * The history row of the last counted period shows the restored length, so the history reads on
 * from it (the next extension is length + 1). A pause or freeze that period already used stays marked.
 */
async function recordRestoredPeriod(trx: Kysely<Schema>, streak: UserStreak): Promise<void> {
  const { lastPeriodStart, length } = streak.state;
  if (lastPeriodStart === null) return;
  const period = periodContaining(lastPeriodStart, streak.settings.frequency, streak.settings.weekStart);
  const existing = await trx
    .selectFrom('streak_periods')
    .select(['used_freeze', 'used_pause'])
    .where('environment_id', '=', streak.environmentId)
    .where('user_id', '=', streak.user.id)
    .where('period_start', '=', period.start)
    .executeTakeFirst();
  await saveRecords(trx, streak, [
    { periodStart: period.start, periodEnd: period.end, length, usedFreeze: existing?.used_freeze === 1, usedPause: existing?.used_pause === 1 },
  ]);
}
