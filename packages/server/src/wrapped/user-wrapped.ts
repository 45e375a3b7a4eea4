import type { Kysely } from 'kysely';
import { localDate, startOfLocalDay } from '../engine/streaks/index.js';
import { computeWrapped, withPercentiles, yearRange, type WrappedActivity } from '../engine/wrapped/index.js';
import { errors } from '../errors.js';
import type { UserAchievementResponse, User } from '../events/payloads.js';
import type { VisibleLeaderboard } from '../leaderboards/leaderboard-views.js';
import type { Schema, UserRow } from '../store/schema.js';
import { loadStreakSettings } from '../streaks/streak-settings.js';
import { toUser } from '../users/user-store.js';
import { readCompletions } from './completions.js';
import { readMetricActivity } from './metric-activity.js';
import { answerPercentiles } from './percentiles.js';
import { readPointsHistory } from './points-history.js';
import { readStandings } from './standings.js';

/** Trophy's WrappedResponse. */
export interface WrappedResponse {
  user: User;
  activity: WrappedActivity<UserAchievementResponse, VisibleLeaderboard>;
}

/**
 * GET /users/{id}/wrapped: the user's year in review, in their time zone (UTC without one). The
 * year defaults to the user's current one; a later year is a 400 (the route's schema refuses
 * years below 1). Reads only; see engine/wrapped for the rules and percentiles.ts for the one
 * part whose cost grows with the environment.
 */
export async function userWrapped(db: Kysely<Schema>, environmentId: string, user: UserRow, requestedYear: number | undefined, now: number): Promise<WrappedResponse> {
  const currentYear = Number(localDate(now, user.tz).slice(0, 4));
  const year = requestedYear ?? currentYear;
  if (year > currentYear) {
    throw errors.business(`year: must be between 1 and ${currentYear}, the current year in the user's time zone (${user.tz ?? 'UTC'})`);
  }
  const range = yearRange(year);
  const instants = { from: startOfLocalDay(range.start, user.tz), to: startOfLocalDay(yearRange(year + 1).start, user.tz) };

  const settings = await loadStreakSettings(db, environmentId);
  const metrics = await db
    .selectFrom('metrics')
    .select(['id', 'key', 'name', 'units'])
    .where('environment_id', '=', environmentId)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const { priorSums, events } = await readMetricActivity(db, environmentId, user.id, instants);
  const streakRecords = await db
    .selectFrom('streak_periods')
    .select(['period_start', 'period_end', 'length'])
    .where('environment_id', '=', environmentId)
    .where('user_id', '=', user.id)
    .where('period_start', '<=', range.end)
    .orderBy('period_start')
    .execute();

  const { activity, percentileQueries } = computeWrapped({
    year,
    tz: user.tz,
    weekStart: settings.weekStart,
    metrics: metrics.map((metric) => ({ id: metric.id, key: metric.key, name: metric.name, units: metric.units === '' ? null : metric.units })),
    priorSums,
    events,
    points: await readPointsHistory(db, environmentId, user.id, instants),
    achievements: await readCompletions(db, environmentId, user.id, instants),
    leaderboards: await readStandings(db, environmentId, user.id, range, now),
    streak: {
      frequency: settings.frequency,
      records: streakRecords.map((row) => ({ periodStart: row.period_start, periodEnd: row.period_end, length: Number(row.length) })),
    },
  });
  const answers = await answerPercentiles(db, environmentId, user.id, percentileQueries);
  return { user: toUser(user), activity: withPercentiles(activity, answers) };
}
