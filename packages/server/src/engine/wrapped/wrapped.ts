import { localDate } from '../streaks/calendar.js';
import { activityCounts } from './activity.js';
import { clip, monthRange, yearRange } from './calendar.js';
import { percentile } from './figures.js';
import { longestStreak } from './longest-streak.js';
import { summarisePeriod, type Dated, type SummaryInput } from './period-summary.js';
import {
  percentilePeriods,
  type DateRange,
  type PercentileAnswer,
  type PercentilePeriod,
  type PercentileQuery,
  type WrappedActivity,
  type WrappedInput,
} from './types.js';

export interface WrappedResult<A, L> {
  /** The answer's `activity`, without percentiles yet. */
  activity: WrappedActivity<A, L>;
  /** The periods the percentiles are over, for each metric and points system (the week clipped to the year). */
  percentileQueries: PercentileQuery[];
}

/**
 * A user's year in review (Trophy's WrappedResponse.activity). Everything is counted in the
 * user's time zone (UTC without one) and only within the year: the most active week keeps its
 * real start and end, but its figures count only its days in the year.
 */
export function computeWrapped<A, L>(input: WrappedInput<A, L>): WrappedResult<A, L> {
  const dated = <T extends { at: number }>(items: readonly T[]): Dated<T>[] => items.map((item) => ({ date: localDate(item.at, input.tz), item }));
  const events = dated(input.events);
  const summary: SummaryInput<A, L> = {
    metrics: input.metrics,
    priorSums: input.priorSums,
    events,
    points: input.points.map((system) => ({ ...system, awards: dated(system.awards) })),
    achievements: input.achievements.map(({ at, view }) => ({ date: localDate(at, input.tz), item: view })),
    leaderboards: input.leaderboards,
  };

  const year = yearRange(input.year);
  const counts = activityCounts(input.year, events.map(({ date }) => date), input.weekStart);
  const ranges: Record<PercentilePeriod, DateRange> = {
    mostActiveWeek: clip(counts.mostActiveWeek, year),
    mostActiveMonth: monthRange(input.year, counts.mostActiveMonth),
    entireYear: year,
  };
  const activeDays = new Set(events.map(({ date }) => date));

  const activity: WrappedActivity<A, L> = {
    daysActive: counts.daysActive,
    weeksActive: counts.weeksActive,
    monthsActive: counts.monthsActive,
    mostActiveDay: { date: counts.mostActiveDay, ...summarisePeriod(summary, { start: counts.mostActiveDay, end: counts.mostActiveDay }) },
    mostActiveWeek: { ...counts.mostActiveWeek, ...summarisePeriod(summary, ranges.mostActiveWeek) },
    mostActiveMonth: { month: counts.mostActiveMonth, ...summarisePeriod(summary, ranges.mostActiveMonth) },
    entireYear: {
      ...summarisePeriod(summary, ranges.entireYear),
      longestStreak: longestStreak(input.streak.records, input.streak.frequency, year, activeDays),
    },
  };

  const percentileQueries: PercentileQuery[] = [];
  for (const period of percentilePeriods) {
    const range = ranges[period];
    for (const metric of input.metrics) {
      percentileQueries.push({ period, kind: 'metric', id: metric.id, key: metric.key, range, own: activity[period].metrics[metric.key]!.changeThisPeriod });
    }
    for (const system of input.points) {
      percentileQueries.push({ period, kind: 'points', id: system.id, key: system.key, range, own: activity[period].points[system.key]!.changeThisPeriod });
    }
  }
  return { activity, percentileQueries };
}

/** The activity with `percentileThisPeriod` set from the other users' counts (queries not answered stay without). */
export function withPercentiles<A, L>(activity: WrappedActivity<A, L>, answers: readonly PercentileAnswer[]): WrappedActivity<A, L> {
  const result = structuredClone(activity);
  for (const { query, others, othersAtMost } of answers) {
    const figures = query.kind === 'metric' ? result[query.period].metrics[query.key] : result[query.period].points[query.key];
    if (figures) figures.percentileThisPeriod = percentile(others, othersAtMost);
  }
  return result;
}
