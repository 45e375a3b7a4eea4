import type { ConfigCache } from '../environments/config-cache.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { findUser } from '../users/user-store.js';
import { USER_MISSING, type StreakAdminDeps, type StreakIssue } from './streak-admin.js';

export const FREEZES_DISABLED = 'Streak freezes are not enabled in this environment (see PUT /admin/v1/streaks/settings)';
export const OVER_MAX = 'Would exceed maximum freeze limit';

/**
 * Admin freeze grants, in one transaction: each item gives its user one freeze; a user may appear
 * several times. Each user's grant is a change through the pipeline (its streak stage applies the
 * items in order while the user stays within the maximum and sends one `streak.freeze_earned` with
 * the total); an item over the maximum is not applied and gets a warning. A missing user, or
 * freezes being off for the environment, is an error for the item. Returns the number granted.
 */
export async function grantFreezes(
  deps: StreakAdminDeps & { configCache: ConfigCache },
  environmentId: string,
  items: readonly { userId: string }[],
  now: number,
): Promise<{ granted: number; issues: StreakIssue[] }> {
  return deps.db.transaction().execute(async (trx) => {
    const config = await deps.configCache.get(trx, environmentId);
    if (!config.streakSettings.freezes.enabled) {
      return { granted: 0, issues: items.map(({ userId }, index) => ({ userId, index, severity: 'error' as const, message: FREEZES_DISABLED })) };
    }
    const itemsByUser = new Map<string, number[]>();
    items.forEach(({ userId }, index) => itemsByUser.set(userId, [...(itemsByUser.get(userId) ?? []), index]));

    const issues: StreakIssue[] = [];
    let granted = 0;
    for (const [userId, indexes] of itemsByUser) {
      const user = await findUser(trx, environmentId, userId, deps.lockForUpdate);
      if (!user) {
        for (const index of indexes) issues.push({ userId, index, severity: 'error', message: USER_MISSING });
        continue;
      }
      const { streak } = await runPipeline(trx, deps, {
        environmentId,
        user,
        userCreated: false,
        tzChanged: false,
        change: { kind: 'freezes_granted', items: indexes },
        config,
        now,
      });
      granted += streak.granted?.earned ?? 0;
      for (const index of streak.granted?.overMax ?? []) issues.push({ userId, index, severity: 'warning', message: OVER_MAX });
    }
    issues.sort((a, b) => a.index! - b.index!);
    return { granted, issues };
  });
}
