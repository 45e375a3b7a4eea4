import type { ConfigCache } from '../environments/config-cache.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { streakEnabledFor } from '../users/preferences.js';
import { findUser } from '../users/user-store.js';
import { USER_MISSING, type StreakAdminDeps, type StreakIssue } from './streak-admin.js';

export const NOTHING_TO_RESET = 'No streak to reset';

/**
 * POST /admin/v1/streaks/reset (Trophy SDK 1.26), in one transaction: each user's current streak
 * goes to 0, a change through the pipeline (its streak stage settles what time did first; streak
 * leaderboards and points follow the new length). Sends no webhook of its own. A missing user is
 * an error issue; a user without a running streak (or with streaks off) gets a warning.
 */
export async function resetStreaks(
  deps: StreakAdminDeps & { configCache: ConfigCache },
  environmentId: string,
  users: readonly { id: string }[],
  now: number,
): Promise<{ resetUsers: string[]; issues: StreakIssue[] }> {
  return deps.db.transaction().execute(async (trx) => {
    const config = await deps.configCache.get(trx, environmentId);
    const resetUsers: string[] = [];
    const issues: StreakIssue[] = [];
    for (const [index, { id }] of users.entries()) {
      const user = await findUser(trx, environmentId, id, deps.lockForUpdate);
      if (!user) {
        issues.push({ userId: id, index, severity: 'error', message: USER_MISSING });
        continue;
      }
      const reset =
        config.streakSettings.enabled &&
        streakEnabledFor(user) &&
        (await runPipeline(trx, deps, { environmentId, user, userCreated: false, tzChanged: false, change: { kind: 'streak_reset' }, config, now })).streak.reset === true;
      if (reset) resetUsers.push(id);
      else issues.push({ userId: id, index, severity: 'warning', message: NOTHING_TO_RESET });
    }
    return { resetUsers, issues };
  });
}
