import type { Kysely } from 'kysely';
import { errors } from '../errors.js';
import type { Schema } from '../store/schema.js';
import { loadStreakSettings } from '../streaks/streak-settings.js';
import { loadUserStreak, saveState, scheduleNext } from '../streaks/user-streak.js';
import { preferencesOf, type StreakPreferences, type UserPreferences } from './preferences.js';
import { requireUser } from './user-store.js';

export interface PreferencesUpdate {
  notifications?: UserPreferences['notifications'] | undefined;
  streak?: StreakPreferences | undefined;
}

/**
 * `PATCH /users/{id}/preferences`: notification types merge one by one; streak metrics and mode
 * need personalisation (403); `streak.enabled` is always allowed and reschedules the user's streak.
 */
export async function updatePreferences(db: Kysely<Schema>, environmentId: string, userId: string, update: PreferencesUpdate, now: number): Promise<UserPreferences> {
  return db.transaction().execute(async (trx) => {
    const row = await requireUser(trx, environmentId, userId);
    const settings = await loadStreakSettings(trx, environmentId);
    const streak = update.streak;
    if (streak && (streak.metrics !== undefined || streak.evaluationMode !== undefined || streak.daysOff !== undefined)) {
      if (!settings.personalization) throw errors.forbidden('Streak personalization is not enabled for this environment: only streak.enabled can be set');
      const keys = (streak.metrics ?? []).map((metric) => metric.key);
      if (keys.length > 0) {
        const found = await trx.selectFrom('metrics').select('key').where('environment_id', '=', environmentId).where('key', 'in', keys).execute();
        const missing = keys.filter((key) => !found.some((metric) => metric.key === key));
        if (missing.length > 0) throw errors.business(`streak.metrics: unknown metric keys: ${missing.join(', ')}`);
      }
    }
    const current = preferencesOf(row);
    const next: UserPreferences = {
      notifications: { ...current.notifications, ...update.notifications },
      ...(current.streak || streak ? { streak: { ...current.streak, ...streak } } : {}),
    };
    const preferences = JSON.stringify(next);
    await trx.updateTable('users').set({ preferences, updated_at: now }).where('environment_id', '=', environmentId).where('id', '=', row.id).execute();

    if (streak?.enabled !== undefined || streak?.daysOff !== undefined) {
      const userStreak = await loadUserStreak(trx, environmentId, { ...row, preferences }, settings, now);
      // The streak was 0 while off: switched back on, it starts afresh instead of settling the gap.
      if (streak.enabled === true && current.streak?.enabled === false) {
        userStreak.state = { ...userStreak.state, length: 0, started: null, lastPeriodStart: null, lastExtendedAt: null };
        await saveState(trx, userStreak, now);
      }
      await scheduleNext(trx, userStreak, now);
    }
    return next;
  });
}
