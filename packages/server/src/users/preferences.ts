import type { EvaluationMode } from '../engine/streaks/index.js';
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
