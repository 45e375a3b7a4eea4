import type { EmitInput } from '../delivery/outbox.js';
import { buildPayload } from '../events/catalog.js';
import { streakEnabledFor } from '../users/preferences.js';
import { findUser, toWebhookUser } from '../users/user-store.js';
import { USER_MISSING, type StreakAdminDeps, type StreakIssue } from './streak-admin.js';
import { loadStreakSettings } from './streak-settings.js';
import { catchUp, loadUserStreak, saveState, scheduleNext } from './user-streak.js';

export const FREEZES_DISABLED = 'Streak freezes are not enabled in this environment (see PUT /admin/v1/streaks/settings)';
export const OVER_MAX = 'Would exceed maximum freeze limit';

/**
 * Admin freeze grants: each item gives its user one freeze; a user may appear several times.
 * Items are applied in order while the user stays within the maximum; an item that would take
 * them over it is not applied and gets a warning. A missing user, or freezes being off for the
 * environment, is an error for the item. Each user's streak is first brought up to now (so a grant
 * never pays for a period that had already been missed), and each user granted at least one
 * freeze gets one `streak.freeze_earned` with the total of this request (unless their streak
 * preference is off). Returns the number of freezes granted; all of it is one transaction.
 */
export async function grantFreezes(
  deps: StreakAdminDeps,
  environmentId: string,
  items: readonly { userId: string }[],
  now: number,
): Promise<{ granted: number; issues: StreakIssue[] }> {
  return deps.db.transaction().execute(async (trx) => {
    const settings = await loadStreakSettings(trx, environmentId);
    if (!settings.freezes.enabled) {
      return { granted: 0, issues: items.map(({ userId }, index) => ({ userId, index, severity: 'error' as const, message: FREEZES_DISABLED })) };
    }
    const itemsByUser = new Map<string, number[]>();
    items.forEach(({ userId }, index) => itemsByUser.set(userId, [...(itemsByUser.get(userId) ?? []), index]));

    const issues: StreakIssue[] = [];
    const pending: EmitInput[] = [];
    let granted = 0;
    for (const [userId, indexes] of itemsByUser) {
      const user = await findUser(trx, environmentId, userId, deps.lockForUpdate);
      if (!user) {
        for (const index of indexes) issues.push({ userId, index, severity: 'error', message: USER_MISSING });
        continue;
      }
      const streak = await loadUserStreak(trx, environmentId, user, settings, now);
      await catchUp(trx, streak, now, (event) => pending.push(event));
      let earned = 0;
      for (const index of indexes) {
        if (streak.state.freezes + 1 > settings.freezes.max) issues.push({ userId, index, severity: 'warning', message: OVER_MAX });
        else {
          streak.state = { ...streak.state, freezes: streak.state.freezes + 1 };
          earned += 1;
        }
      }
      if (earned > 0) {
        await saveState(trx, streak, now);
        granted += earned;
        if (streakEnabledFor(user)) {
          const payload = buildPayload('streak.freeze_earned', { user: toWebhookUser(user), earned, freezes: streak.state.freezes });
          pending.push({ environmentId, type: 'streak.freeze_earned', payload });
        }
      }
      await scheduleNext(trx, streak, now);
    }
    await deps.outbox.emitAll(trx, pending, now);
    issues.sort((a, b) => a.index! - b.index!);
    return { granted, issues };
  });
}
