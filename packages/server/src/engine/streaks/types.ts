/**
 * The streak rules' vocabulary. Everything in engine/streaks is a pure function of
 * (state, settings, local date or instant): no database, no clock reads.
 * Local dates are `YYYY-MM-DD` strings in the user's time zone (UTC when the user has none).
 */
export type StreakFrequency = 'daily' | 'weekly' | 'monthly';
export type EvaluationMode = 'AND' | 'OR';

export interface StreakCondition {
  metricId: string;
  /** Minimum sum of the metric's event values within one period. */
  threshold: number;
}

export interface FreezeSettings {
  enabled: boolean;
  /** Granted once, when a user is first identified. */
  initial: number;
  /** Never exceeded by automatic earning or admin grants (at most 100). */
  max: number;
  /** Days between automatic grants; null turns auto-earn off. */
  autoEarnInterval: number | null;
  autoEarnAmount: number | null;
}

export interface StreakSettings {
  /** False until an admin configures a streak for the environment. */
  enabled: boolean;
  frequency: StreakFrequency;
  conditions: StreakCondition[];
  evaluationMode: EvaluationMode;
  /** First day of a week: 0 = Sunday ... 6 = Saturday. */
  weekStart: number;
  freezes: FreezeSettings;
  /** Whether users may override conditions, mode and days off through their preferences. */
  personalization: boolean;
  /**
   * Weekdays (0 = Sunday ... 6 = Saturday, as JavaScript's Date.getDay) that neither extend nor
   * break a daily streak: a day off without activity holds the length; activity on one still
   * extends it. Ignored unless the frequency is daily (Trophy clears them when it changes).
   */
  daysOff: readonly number[];
}

export interface StreakState {
  length: number;
  /** Local date the current streak began; null when length is 0. */
  started: string | null;
  /** Start of the latest period the streak counts (met, frozen or paused); null when there is none. */
  lastPeriodStart: string | null;
  /** Instant (ms) of the last extension (or start); null when length is 0. */
  lastExtendedAt: number | null;
  freezes: number;
  /** Local date of the next automatic freeze grant; null when auto-earn is off. */
  nextFreezeEarn: string | null;
}

export interface Period {
  start: string;
  end: string;
}

/** One row of streak history. */
export interface PeriodRecord {
  periodStart: string;
  periodEnd: string;
  length: number;
  usedFreeze: boolean;
  usedPause: boolean;
}

export interface DateRange {
  start: string;
  end: string;
}

/** Changes that time alone causes; each becomes a webhook event. */
export type StreakChange =
  | { kind: 'lost'; length: number }
  | { kind: 'freeze_consumed'; consumed: number; freezes: number }
  | { kind: 'freeze_earned'; earned: number; freezes: number };
