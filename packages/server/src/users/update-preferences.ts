import type { ConfigCache } from '../environments/config-cache.js';
import { errors } from '../errors.js';
import { runPipeline, type PipelineDeps } from '../pipeline/run-pipeline.js';
import type { Backend } from '../store/backends/backend.js';
import { preferencesOf, type StreakPreferences, type UserPreferences } from './preferences.js';
import { findUser } from './user-store.js';

export interface PreferencesUpdate {
  notifications?: UserPreferences['notifications'] | undefined;
  streak?: StreakPreferences | undefined;
}

/**
 * `PATCH /users/{id}/preferences`, in one transaction: notification types merge one by one; streak
 * metrics, mode and days off need personalisation (403); `streak.enabled` is always allowed. The
 * user's row is written here; a change of `streak.enabled` or days off then goes through the
 * pipeline as a `streak_preferences` change (its streak stage decides the length and the schedule,
 * and streak leaderboards follow the length).
 */
export async function updatePreferences(
  deps: PipelineDeps & { backend: Backend; configCache: ConfigCache },
  environmentId: string,
  userId: string,
  update: PreferencesUpdate,
  now: number,
): Promise<UserPreferences> {
  return deps.backend.db.transaction().execute(async (trx) => {
    // Locked (PostgreSQL) like the other streak writes, so one user's writes run one at a time.
    const row = await findUser(trx, environmentId, userId, deps.backend.supportsSkipLocked);
    if (!row) throw errors.notFound('User', userId);
    const config = await deps.configCache.get(trx, environmentId);
    const streak = update.streak;
    if (streak && (streak.metrics !== undefined || streak.evaluationMode !== undefined || streak.daysOff !== undefined)) {
      if (!config.streakSettings.personalization) throw errors.forbidden('Streak personalization is not enabled for this environment: only streak.enabled can be set');
      const keys = (streak.metrics ?? []).map((metric) => metric.key);
      const missing = keys.filter((key) => !config.metricsByKey.has(key));
      if (missing.length > 0) throw errors.business(`streak.metrics: unknown metric keys: ${missing.join(', ')}`);
    }
    const current = preferencesOf(row);
    const next: UserPreferences = {
      notifications: { ...current.notifications, ...update.notifications },
      ...(current.streak || streak ? { streak: { ...current.streak, ...streak } } : {}),
    };
    const preferences = JSON.stringify(next);
    await trx.updateTable('users').set({ preferences, updated_at: now }).where('environment_id', '=', environmentId).where('id', '=', row.id).execute();

    if (streak?.enabled !== undefined || streak?.daysOff !== undefined) {
      const user = { ...row, preferences, updated_at: now };
      const change = { kind: 'streak_preferences', wasEnabled: current.streak?.enabled !== false } as const;
      await runPipeline(trx, deps, { environmentId, user, userCreated: false, tzChanged: false, change, config, now });
    }
    return next;
  });
}
