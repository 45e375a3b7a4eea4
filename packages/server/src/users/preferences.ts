import type { EvaluationMode, StreakSettings } from '../engine/streaks/index.js';
import type { UserRow } from '../store/schema.js';

export const notificationTypes = ['achievement_completed', 'recap', 'reactivation', 'streak_reminder'] as const;
export type NotificationType = (typeof notificationTypes)[number];
export type NotificationChannel = 'email' | 'push';

export interface StreakPreferences {
  /** False: the user's streak stays 0 and no streak webhooks are sent for them. */
  enabled?: boolean;
  evaluationMode?: EvaluationMode;
  /** Metric keys and thresholds replacing the environment's conditions (needs personalisation). */
  metrics?: { key: string; threshold: number }[];
  /** The user's own days off (0 = Sunday ... 6 = Saturday), replacing the environment's (needs personalisation). */
  daysOff?: number[];
}

export interface UserPreferences {
  notifications: Partial<Record<NotificationType, NotificationChannel[]>>;
  streak?: StreakPreferences;
}

export function preferencesOf(user: Pick<UserRow, 'preferences'>): UserPreferences {
  return JSON.parse(user.preferences) as UserPreferences;
}

export function streakEnabledFor(user: Pick<UserRow, 'preferences'>): boolean {
  return preferencesOf(user).streak?.enabled !== false;
}

/**
 * The streak settings as they apply to this user: their own days off replace the environment's
 * where personalisation allows it (Trophy: overriding days off needs customization on).
 */
export function settingsForUser(settings: StreakSettings, user: Pick<UserRow, 'preferences'>): StreakSettings {
  if (!settings.personalization) return settings;
  const own = preferencesOf(user).streak?.daysOff;
  return own === undefined ? settings : { ...settings, daysOff: own };
}
