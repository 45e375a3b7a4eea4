import type { StreakFrequency } from '../streaks/types.js';

/**
 * The vocabulary of a user's Wrapped (Trophy's WrappedResponse without the user). Everything in
 * engine/wrapped is a pure function of the user's activity, the settings and the year: no
 * database, no clock. Local dates are `YYYY-MM-DD` in the user's time zone (UTC without one).
 */

export interface DateRange {
  start: string;
  end: string;
}

export interface WrappedMetricDefinition {
  id: string;
  key: string;
  name: string;
  /** null when the metric has none. */
  units: string | null;
}

/** A metric event of the year. */
export interface WrappedEvent {
  metricId: string;
  value: number;
  attributes: Readonly<Record<string, string>>;
  /** When it was recorded (epoch ms). */
  at: number;
}

/** The sum of a metric's events before the year, for one set of event attributes. */
export interface WrappedPriorSum {
  metricId: string;
  attributes: Readonly<Record<string, string>>;
  sum: number;
}

export interface WrappedPointsSystem {
  id: string;
  key: string;
  name: string;
  description: string | null;
  /** The user's total when the year began (after their last award before it). */
  totalBefore: number;
  /** The awards of the year, oldest first. */
  awards: readonly { awarded: number; total: number; at: number }[];
}

/** One day's standing on a board: the user's rank and value at the end of a date it changed. */
export interface WrappedStanding {
  runStart: string;
  /** The run's last date; null for a run without end. */
  runEnd: string | null;
  date: string;
  rank: number | null;
  value: number | null;
}

/** A board's response `L` (Trophy's LeaderboardResponse) and the user's standings in the runs that overlap the year. */
export interface WrappedBoard<L> {
  key: string;
  view: L;
  standings: readonly WrappedStanding[];
}

/** A period of the user's streak history (a stored streak_periods row). */
export interface WrappedStreakRecord {
  periodStart: string;
  periodEnd: string;
  length: number;
}

export interface WrappedInput<A, L> {
  year: number;
  tz: string | null;
  /** First day of a week: 0 = Sunday ... 6 = Saturday (the streak settings'). */
  weekStart: number;
  /** The environment's active metrics, in the order the answer lists them. */
  metrics: readonly WrappedMetricDefinition[];
  priorSums: readonly WrappedPriorSum[];
  /** Every metric event of the user in the year (any metric: all of them count as activity). */
  events: readonly WrappedEvent[];
  points: readonly WrappedPointsSystem[];
  /** Completions `A` (Trophy's UserAchievementResponse) in the year. */
  achievements: readonly { at: number; view: A }[];
  leaderboards: readonly WrappedBoard<L>[];
  streak: { frequency: StreakFrequency; records: readonly WrappedStreakRecord[] };
}

interface WrappedMetricFigures {
  name: string;
  units: string | null;
  currentTotal: number;
  changeThisPeriod: number;
  percentChange: number;
  percentileThisPeriod?: number;
}

export interface WrappedMetric extends WrappedMetricFigures {
  /** Event attribute key -> value -> the same figures over only the events carrying that value. */
  byAttribute: Record<string, Record<string, WrappedMetricFigures>>;
}

export interface WrappedPoints {
  name: string;
  description: string | null;
  currentTotal: number;
  changeThisPeriod: number;
  percentChange: number;
  percentileThisPeriod?: number;
}

export type WrappedRanking<L> = L & { start: string; end: string | null; rank: number | null; value: number | null };

export interface WrappedPeriod<A, L> {
  metrics: Record<string, WrappedMetric>;
  points: Record<string, WrappedPoints>;
  achievements: A[];
  leaderboards: Record<string, WrappedRanking<L>>;
}

export interface WrappedStreak {
  length: number;
  frequency: StreakFrequency;
  periodStart: string | null;
  periodEnd: string | null;
  started: string | null;
}

export interface WrappedActivity<A, L> {
  daysActive: number;
  weeksActive: number;
  monthsActive: number;
  mostActiveDay: WrappedPeriod<A, L> & { date: string };
  mostActiveWeek: WrappedPeriod<A, L> & { start: string; end: string };
  /** `month` is 0 (January) to 11. */
  mostActiveMonth: WrappedPeriod<A, L> & { month: number };
  entireYear: WrappedPeriod<A, L> & { longestStreak: WrappedStreak };
}

/** The periods that carry a percentile (Trophy: weeks, months and the year, not days). */
export const percentilePeriods = ['mostActiveWeek', 'mostActiveMonth', 'entireYear'] as const;
export type PercentilePeriod = (typeof percentilePeriods)[number];

/**
 * What a percentile needs from the other users: how many changed the metric (or earned points in
 * the system) in `range` and how many of those changed it by at most `own`.
 */
export interface PercentileQuery {
  period: PercentilePeriod;
  kind: 'metric' | 'points';
  /** The metric's or the points system's id (and its key in the answer). */
  id: string;
  key: string;
  range: DateRange;
  own: number;
}

export interface PercentileAnswer {
  query: PercentileQuery;
  /** Other users with any change in the range. */
  others: number;
  /** Of those, how many changed it by at most `own`. */
  othersAtMost: number;
}
