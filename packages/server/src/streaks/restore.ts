import type { ConfigCache } from '../environments/config-cache.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { streakEnabledFor } from '../users/preferences.js';
import { findUser } from '../users/user-store.js';
import { USER_MISSING, type StreakAdminDeps, type StreakIssue } from './streak-admin.js';

export const NOTHING_TO_RESTORE = 'No streak to restore';

/**
 * Admin restore, in one transaction: each user's streak becomes the longest length their history
 * reaches within the restore window, counted through the previous period, so they must act in the
 * current one to extend it (a change through the pipeline; its streak stage has the rule). The
 * restore itself sends no webhook; the catch-up that precedes it may (a rollover that was due:
 * lost, freeze consumed or earned). A missing user is an error; a user whose streak is already at
 * least that long, who has no history in the window, or whose streak is off (environment or
 * preference) gets a warning.
 */
export async function restoreStreaks(
  deps: StreakAdminDeps & { configCache: ConfigCache },
  environmentId: string,
  users: readonly { id: string }[],
  now: number,
): Promise<{ restoredUsers: string[]; issues: StreakIssue[] }> {
  return deps.db.transaction().execute(async (trx) => {
    const config = await deps.configCache.get(trx, environmentId);
    const restoredUsers: string[] = [];
    const issues: StreakIssue[] = [];
    for (const [index, { id }] of users.entries()) {
      const user = await findUser(trx, environmentId, id, deps.lockForUpdate);
      if (!user) {
        issues.push({ userId: id, index, severity: 'error', message: USER_MISSING });
        continue;
      }
      const restored =
        config.streakSettings.enabled &&
        streakEnabledFor(user) &&
        (await runPipeline(trx, deps, { environmentId, user, userCreated: false, tzChanged: false, change: { kind: 'streak_restored' }, config, now })).streak.restored;
      if (restored) restoredUsers.push(id);
      else issues.push({ userId: id, index, severity: 'warning', message: NOTHING_TO_RESTORE });
    }
    return { restoredUsers, issues };
  });
}
