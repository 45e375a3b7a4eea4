import type {
  AchievementTriggerRule,
  BoostRule,
  LevelRule,
  MetricTriggerRule,
  PointsSystemRules,
  PointsUser,
  StreakTriggerRule,
  TimeTriggerRule,
  UserCreationTriggerRule,
  UserPointsState,
} from '../../../src/engine/points/index.js';

const base = { status: 'active' as const, userAttributes: [], blockIfOutOfPoints: false };

export function metricTrigger(overrides: Partial<MetricTriggerRule> = {}): MetricTriggerRule {
  return { ...base, id: 'metric', type: 'metric', points: 10, metricId: 'lessons', metricThreshold: 1, eventAttributes: [], ...overrides };
}

export function streakTrigger(overrides: Partial<StreakTriggerRule> = {}): StreakTriggerRule {
  return { ...base, id: 'streak', type: 'streak', points: 50, streakLength: 7, ...overrides };
}

export function achievementTrigger(overrides: Partial<AchievementTriggerRule> = {}): AchievementTriggerRule {
  return { ...base, id: 'achievement', type: 'achievement', points: 100, achievementId: 'first-lesson', ...overrides };
}

export function timeTrigger(overrides: Partial<TimeTriggerRule> = {}): TimeTriggerRule {
  return { ...base, id: 'time', type: 'time', points: 1, timeUnit: 'hour', timeInterval: 1, ...overrides };
}

export function userCreationTrigger(overrides: Partial<UserCreationTriggerRule> = {}): UserCreationTriggerRule {
  return { ...base, id: 'welcome', type: 'user_creation', points: 25, ...overrides };
}

export function boost(overrides: Partial<BoostRule> = {}): BoostRule {
  return {
    id: 'boost',
    start: '2026-05-01',
    end: '2026-05-31',
    multiplier: 2,
    rounding: 'down',
    userId: null,
    userAttributes: [],
    enabled: true,
    ...overrides,
  };
}

export const level = (key: string, points: number, id = key): LevelRule => ({ id, key, points });

export function rules(overrides: Partial<PointsSystemRules> = {}): PointsSystemRules {
  return { maxPoints: null, triggers: [], levels: [], boosts: [], ...overrides };
}

export function pointsState(overrides: Partial<UserPointsState> = {}): UserPointsState {
  return { total: 0, levelId: null, metricTriggers: {}, ...overrides };
}

export const user = (id = 'u1', attributes: Record<string, string> = {}): PointsUser => ({ id, attributes });

export const lessons = (value: number, attributes: Record<string, string> = {}) => ({ metricId: 'lessons', value, attributes });
