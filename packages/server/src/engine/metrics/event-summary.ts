import { addDays, periodContaining, type StreakFrequency } from '../streaks/index.js';

export interface SummaryPoint {
  /** The bucket's first date (a week's or month's first day for those aggregations). */
  date: string;
  /** The running total at the end of the bucket (within the requested range). */
  total: number;
  /** The change within the bucket (within the requested range). */
  change: number;
}

/**
 * Chart data over [startDate, endDate] from per-day changes: `base` is the total before
 * startDate. Buckets are days, weeks (starting on `weekStart`) or calendar months; a bucket
 * cut by the range counts only the days inside it but is labelled with its first date.
 */
export function eventSummary(
  dailyChanges: ReadonlyMap<string, number>,
  base: number,
  range: { startDate: string; endDate: string },
  aggregation: StreakFrequency,
  weekStart: number,
): SummaryPoint[] {
  const points: SummaryPoint[] = [];
  let total = base;
  let day = range.startDate;
  while (day <= range.endDate) {
    const period = periodContaining(day, aggregation, weekStart);
    let change = 0;
    for (; day <= period.end && day <= range.endDate; day = addDays(day, 1)) change += dailyChanges.get(day) ?? 0;
    total += change;
    points.push({ date: period.start, total, change });
  }
  return points;
}
