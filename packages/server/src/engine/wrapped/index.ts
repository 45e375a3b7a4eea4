export type {
  DateRange,
  PercentileAnswer,
  PercentilePeriod,
  PercentileQuery,
  WrappedActivity,
  WrappedBoard,
  WrappedEvent,
  WrappedInput,
  WrappedMetric,
  WrappedMetricDefinition,
  WrappedPeriod,
  WrappedPoints,
  WrappedPointsSystem,
  WrappedPriorSum,
  WrappedRanking,
  WrappedStanding,
  WrappedStreak,
  WrappedStreakRecord,
} from './types.js';
export { percentilePeriods } from './types.js';
export { monthRange, weekOf, yearRange } from './calendar.js';
export { percentChange, percentile } from './figures.js';
export { activityCounts, type ActivityCounts } from './activity.js';
export { bestRanking, type BestRanking } from './best-ranking.js';
export { longestStreak } from './longest-streak.js';
export { summarisePeriod } from './period-summary.js';
export { runsOverlapping } from './runs-overlapping.js';
export { computeWrapped, withPercentiles, type WrappedResult } from './wrapped.js';
