/**
 * Types and calls for the configuration pages (metrics, attributes, achievements, streak settings)
 * and the user pages. Shapes follow the server's zod schemas (packages/server/src/http/schemas).
 */
import { listAll, onlyItem } from './bulk';
import type { AdminIssue, EnvironmentApi } from './client';

// ---- Metrics and attributes

export type UnitType = 'number' | 'currency';

export interface Metric {
  id: string;
  name: string;
  key: string;
  unitType: UnitType;
  units: string;
}

export interface MetricStats {
  metricId: string;
  key: string;
  /** Sum of every user's total. */
  total: number;
  /** Users with a total for the metric. */
  users: number;
}

export type AttributeType = 'user' | 'event';

export interface Attribute {
  id: string;
  name: string;
  key: string;
  type: AttributeType;
}

// ---- Achievements

export type Trigger = 'metric' | 'streak' | 'api' | 'achievement' | 'anniversary';
export type AchievementStatus = 'inactive' | 'active' | 'locked';

export interface KeyValue {
  key: string;
  value: string;
}

export interface Achievement {
  id: string;
  name: string;
  key?: string;
  trigger: Trigger;
  description: string | null;
  badgeUrl: string | null;
  /** metric: absent once the metric has been deleted. */
  metricId?: string;
  metricValue?: number;
  metricName?: string;
  eventAttributes?: KeyValue[];
  streakLength?: number;
  achievementIds?: string[];
  /** anniversary: completes this many years after the user's sign-up date. */
  anniversaryYears?: number;
  userAttributes: KeyValue[];
  status: AchievementStatus;
  created: string;
  updated: string;
}

export interface AchievementStats {
  id: string;
  completions: number;
  /** Percentage 0-100 of all users. */
  rarity: number;
}

/** What the create and update forms send; `key` and `trigger` only on create. */
export interface AchievementInput {
  name?: string;
  key?: string;
  trigger?: Trigger;
  status?: AchievementStatus;
  description?: string | null;
  badgeUrl?: string | null;
  metricKey?: string;
  metricValue?: number;
  streakLength?: number;
  achievementIds?: string[];
  anniversaryYears?: number;
  userAttributes?: KeyValue[];
  eventAttributes?: KeyValue[];
}

// ---- Streak settings

export type Frequency = 'daily' | 'weekly' | 'monthly';
export type EvaluationMode = 'AND' | 'OR';

export interface FreezeSettings {
  enabled: boolean;
  initial: number;
  max: number;
  autoEarnInterval: number | null;
  autoEarnAmount: number | null;
}

/** Trophy's StreakSettings (GET /admin/v1/streaks/settings) with Laurel's extensions. */
export interface StreakSettings {
  frequency: Frequency;
  evaluationMode: EvaluationMode;
  customizationEnabled: boolean;
  daysOff: number[];
  metrics: { key: string; threshold: number }[];
  /** null when freezes are off. */
  freezes: { startCount: number; maxCount: number; autoEarnInterval: number | null; autoEarnAmount: number | null } | null;
  enabled: boolean;
  weekStart: number;
  personalization: boolean;
  /** metricKey is null once the metric has been deleted. */
  conditions: { metricId: string; metricKey: string | null; threshold: number }[];
}

/** The body of PUT /admin/v1/streaks/settings (Laurel's replace). */
export interface StreakSettingsInput {
  enabled: boolean;
  frequency: Frequency;
  conditions: { metricKey: string; threshold: number }[];
  evaluationMode: EvaluationMode;
  weekStart: number;
  freezes: FreezeSettings;
  personalization: boolean;
  daysOff?: number[];
}

// ---- Users

export interface User {
  id: string;
  email: string | null;
  name: string | null;
  tz: string | null;
  deviceTokens?: string[] | null;
  subscribeToEmails: boolean;
  attributes: Record<string, string>;
  created: string;
  updated: string;
}

export interface UserAchievement extends Omit<Achievement, 'status' | 'created' | 'updated'> {
  achievedAt: string | null;
  completions?: number;
  rarity?: number;
}

export interface UserMetric {
  id: string;
  key: string;
  name: string;
  current: number;
  achievements: UserAchievement[];
}

export interface StreakPeriod {
  periodStart: string;
  periodEnd: string;
  length: number;
  usedFreeze?: boolean;
  usedPause: boolean;
}

export interface UserStreak {
  length: number;
  frequency: Frequency;
  started: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  expires: string | null;
  extended: string | null;
  freezes?: number;
  maxFreezes?: number;
  freezeAutoEarnInterval?: number;
  freezeAutoEarnAmount?: number;
  streakHistory: StreakPeriod[];
  pauses: { id: string; start: string; end: string }[];
}

export interface UserEvent {
  id: string;
  metricId: string;
  metricKey: string;
  metricName: string;
  value: number;
  /** The user's total for the metric after this event. */
  total: number;
  idempotencyKey: string | null;
  created: string;
}

// ---- Calls

const ids = (id: string) => ({ ids: id });
const user = (id: string) => `/v1/users/${encodeURIComponent(id)}`;

export function configApi(api: EnvironmentApi) {
  return {
    metrics: {
      list: () => listAll<Metric>(api, '/admin/v1/metrics'),
      stats: () => api.get<MetricStats[]>('/admin/v1/metrics/stats'),
      create: async (input: { name: string; key: string; unitType: UnitType; units: string }) => {
        const result = await api.post<{ created: Metric[]; issues: AdminIssue[] }>('/admin/v1/metrics', [input]);
        return onlyItem(result.created, result.issues);
      },
      update: async (id: string, changes: { name: string; unitType: UnitType; units: string }) => {
        const result = await api.patch<{ updated: Metric[]; issues: AdminIssue[] }>('/admin/v1/metrics', [{ id, ...changes }]);
        return onlyItem(result.updated, result.issues);
      },
      remove: async (id: string) => {
        const result = await api.delete<{ deleted: { id: string }[]; issues: AdminIssue[] }>('/admin/v1/metrics', ids(id));
        return onlyItem(result.deleted, result.issues);
      },
    },
    attributes: {
      list: () => listAll<Attribute>(api, '/admin/v1/attributes'),
      create: async (input: { name: string; key: string; type: AttributeType }) => {
        const result = await api.post<{ created: Attribute[]; issues: AdminIssue[] }>('/admin/v1/attributes', [input]);
        return onlyItem(result.created, result.issues);
      },
      rename: async (id: string, name: string) => {
        const result = await api.patch<{ updated: Attribute[]; issues: AdminIssue[] }>('/admin/v1/attributes', [{ id, name }]);
        return onlyItem(result.updated, result.issues);
      },
      remove: async (id: string) => {
        const result = await api.delete<{ deleted: { id: string }[]; issues: AdminIssue[] }>('/admin/v1/attributes', ids(id));
        return onlyItem(result.deleted, result.issues);
      },
    },
    achievements: {
      list: () => listAll<Achievement>(api, '/admin/v1/achievements'),
      /** Completions and rarity; the Application API has them for active achievements only. */
      stats: () => api.get<AchievementStats[]>('/v1/achievements'),
      create: async (input: AchievementInput) => {
        const result = await api.post<{ created: Achievement[]; issues: AdminIssue[] }>('/admin/v1/achievements', [input]);
        return onlyItem(result.created, result.issues);
      },
      update: async (id: string, changes: AchievementInput) => {
        const result = await api.patch<{ updated: Achievement[]; issues: AdminIssue[] }>('/admin/v1/achievements', [{ id, ...changes }]);
        return onlyItem(result.updated, result.issues);
      },
      remove: async (id: string) => {
        const result = await api.delete<{ deleted: { id: string }[]; issues: AdminIssue[] }>('/admin/v1/achievements', ids(id));
        return onlyItem(result.deleted, result.issues);
      },
    },
    streakSettings: {
      get: () => api.get<StreakSettings>('/admin/v1/streaks/settings'),
      replace: (settings: StreakSettingsInput) => api.put<StreakSettings>('/admin/v1/streaks/settings', settings),
    },
    users: {
      search: (search: string, limit: number, skip: number) => api.get<User[]>('/admin/v1/users', { search: search || undefined, limit, skip }),
      get: (id: string) => api.get<User>(user(id)),
      metrics: (id: string) => api.get<UserMetric[]>(`${user(id)}/metrics`),
      achievements: (id: string) => api.get<UserAchievement[]>(`${user(id)}/achievements`, { includeIncomplete: 'true' }),
      streak: (id: string, historyPeriods: number) => api.get<UserStreak>(`${user(id)}/streak`, { historyPeriods }),
      events: (id: string, limit: number, skip: number) =>
        api.get<UserEvent[]>(`/admin/v1/users/${encodeURIComponent(id)}/events`, { limit, skip }),
    },
  };
}
