import { z } from 'zod';
import { userAchievementResponse } from './achievements.js';
import { userLeaderboardWithHistory } from './leaderboards.js';
import { user } from './users.js';

/** Trophy's WrappedResponse (spec 1.24.0) and its parts, field for field. */

export const wrappedQuery = z.object({
  year: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .optional()
    .meta({ description: "The year, from 1 up to the current year in the user's time zone; the current one when absent." }),
});

const percentileThisPeriod = z
  .number()
  .optional()
  .meta({ description: 'Percentage of the users active in the period whose change was at most this user\'s. Weeks, months and the year only.' });

const figures = {
  currentTotal: z.number().meta({ description: "The user's total at the end of the period." }),
  changeThisPeriod: z.number(),
  percentChange: z.number().meta({ description: 'changeThisPeriod as a percentage of the total before the period, to one decimal (100 from a total of 0).' }),
  percentileThisPeriod,
};

const metricFigures = { name: z.string(), units: z.string().nullable().optional(), ...figures };

export const wrappedMetric = z
  .object({
    ...metricFigures,
    byAttribute: z
      .record(z.string(), z.record(z.string(), z.object(metricFigures)))
      .meta({ description: 'Event attribute key -> value -> the figures of only the events with that value.' }),
  })
  .meta({ id: 'WrappedMetric' });

export const wrappedPoints = z.object({ name: z.string(), description: z.string().nullable().optional(), ...figures }).meta({ id: 'WrappedPoints' });

/** Trophy's UserLeaderboardResponse: a board (with its status now) with the run's dates and the user's best rank in the period. */
export const userLeaderboardResponse = userLeaderboardWithHistory
  .omit({ history: true })
  .meta({ id: 'UserLeaderboardResponse' });

const period = {
  metrics: z.record(z.string(), wrappedMetric),
  points: z.record(z.string(), wrappedPoints),
  achievements: z.array(userAchievementResponse),
  leaderboards: z.record(z.string(), userLeaderboardResponse),
};

export const wrappedStreak = z
  .object({
    length: z.number().int(),
    frequency: z.enum(['daily', 'weekly', 'monthly']),
    periodStart: z.string().nullable(),
    periodEnd: z.string().nullable(),
    started: z.string().nullable(),
  })
  .meta({ id: 'WrappedStreak' });

export const wrappedActivity = z
  .object({
    daysActive: z.number().int(),
    weeksActive: z.number().int(),
    monthsActive: z.number().int(),
    mostActiveDay: z.object({ date: z.string(), ...period }).meta({ id: 'WrappedMostActiveDay' }),
    mostActiveWeek: z.object({ start: z.string(), end: z.string(), ...period }).meta({ id: 'WrappedMostActiveWeek' }),
    mostActiveMonth: z.object({ month: z.number().int().min(0).max(11), ...period }).meta({ id: 'WrappedMostActiveMonth' }),
    entireYear: z.object({ ...period, longestStreak: wrappedStreak }).meta({ id: 'WrappedEntireYear' }),
  })
  .meta({ id: 'WrappedActivity' });

export const wrappedResponse = z.object({ user, activity: wrappedActivity }).meta({ id: 'WrappedResponse' });
