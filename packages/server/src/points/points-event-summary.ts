import type { Kysely } from 'kysely';
import { eventSummary, type SummaryPoint } from '../engine/metrics/event-summary.js';
import type { StreakFrequency } from '../engine/streaks/index.js';
import type { Schema } from '../store/schema.js';

/**
 * GET /users/{id}/points/{key}/event-summary: the user's points in a system over time, for charts,
 * bucketed like the metric event summary (engine/metrics/event-summary.ts). Awards count on the
 * user's local date when they were made (points_awards.day), and their amounts are what was
 * actually applied, so the running total is the user's total. Two statements over the user's
 * range of points_awards_by_user: the sum before startDate, and the sum of each day in range.
 */
export async function pointsEventSummary(
  db: Kysely<Schema>,
  systemId: string,
  userId: string,
  range: { startDate: string; endDate: string },
  aggregation: StreakFrequency,
  weekStart: number,
): Promise<SummaryPoint[]> {
  const awards = db.selectFrom('points_awards').where('system_id', '=', systemId).where('user_id', '=', userId);
  const before = await awards.select((eb) => eb.fn.sum<number>('awarded').as('sum')).where('day', '<', range.startDate).executeTakeFirst();
  const days = await awards
    .select((eb) => ['day', eb.fn.sum<number>('awarded').as('change')])
    .where('day', '>=', range.startDate)
    .where('day', '<=', range.endDate)
    .groupBy('day')
    .execute();
  return eventSummary(new Map(days.map((d) => [d.day, Number(d.change)])), Number(before?.sum ?? 0), range, aggregation, weekStart);
}
