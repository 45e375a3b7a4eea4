import type { KeyValue } from '../achievements/qualify.js';

/**
 * The points rules' vocabulary. Everything in engine/points is a pure function of
 * (state, configuration, input, now): no database, no clock reads. Instants are epoch ms; local
 * dates are `YYYY-MM-DD` strings in the user's time zone (UTC when the user has none), as in
 * engine/streaks. Rules refer to triggers, boosts and levels by id; the caller holds the full rows.
 */

export type TriggerStatus = 'active' | 'inactive' | 'archived';
/** The Application API's spelling; the Admin API's `hours`/`days` are mapped before they get here. */
export type TimeUnit = 'hour' | 'day';

interface TriggerBase {
  id: string;
  /** Never 0: positive awards, negative deducts. */
  points: number;
  status: TriggerStatus;
  /** Every filter must match the user's attributes. */
  userAttributes: readonly KeyValue[];
  /** A metric event whose deduction by this trigger would take the total below 0 is rejected whole. */
  blockIfOutOfPoints: boolean;
}

export interface MetricTriggerRule extends TriggerBase {
  type: 'metric';
  metricId: string;
  /** Units of matching progress per firing (an integer >= 1). */
  metricThreshold: number;
  /** Every filter must match the event's attributes. */
  eventAttributes: readonly KeyValue[];
}

export interface StreakTriggerRule extends TriggerBase {
  type: 'streak';
  streakLength: number;
}

export interface AchievementTriggerRule extends TriggerBase {
  type: 'achievement';
  achievementId: string;
}

export interface TimeTriggerRule extends TriggerBase {
  type: 'time';
  timeUnit: TimeUnit;
  timeInterval: number;
}

export interface UserCreationTriggerRule extends TriggerBase {
  type: 'user_creation';
}

export type TriggerRule = MetricTriggerRule | StreakTriggerRule | AchievementTriggerRule | TimeTriggerRule | UserCreationTriggerRule;

export type Rounding = 'down' | 'up' | 'nearest';
export type BoostStatus = 'scheduled' | 'active' | 'finished';

export interface BoostRule {
  id: string;
  /** First local date of the window (inclusive). */
  start: string;
  /** Last local date of the window (inclusive); null = open-ended. */
  end: string | null;
  /** > 0, != 1, < 100; decimals allowed. */
  multiplier: number;
  rounding: Rounding;
  /** Set for a boost given to one user; then userAttributes is empty. */
  userId: string | null;
  userAttributes: readonly KeyValue[];
  /** False for a dashboard-created boost not activated yet: it applies to nobody. */
  enabled: boolean;
}

export interface LevelRule {
  id: string;
  key: string;
  /** The total at which the level is reached (>= 0). */
  points: number;
}

/** One points system's configuration, as the rules need it. */
export interface PointsSystemRules {
  /** Upper bound of every total; null = unbounded. */
  maxPoints: number | null;
  triggers: readonly TriggerRule[];
  levels: readonly LevelRule[];
  boosts: readonly BoostRule[];
}

/** A metric trigger's accounting for one user, counted from the trigger's activation. */
export interface MetricTriggerProgress {
  /** Sum of the matching event values. */
  progress: number;
  /** The highest `progress` ever reached: negative events lower progress, never this. */
  highWater: number;
  /** How many times the trigger has fired for the user. */
  firings: number;
}

/** A user's points in one system. */
export interface UserPointsState {
  total: number;
  levelId: string | null;
  /** Metric trigger id -> its accounting; absent = nothing counted yet. */
  metricTriggers: Readonly<Record<string, MetricTriggerProgress>>;
}

export interface PointsUser {
  id: string;
  attributes: Readonly<Record<string, string>>;
}

/** An award the rules made: the amount actually applied (never 0) and the total after it. */
export interface Award {
  triggerId: string;
  awarded: number;
  total: number;
  /** The boosts that multiplied it, in configuration order (empty for deductions). */
  boostIds: string[];
}

/** A level transition; ids, null = no level. */
export interface LevelChange {
  previous: string | null;
  next: string | null;
}
