import { contains, monthOf, monthRange, weekOf, yearRange } from './calendar.js';
import type { DateRange } from './types.js';

/**
 * How active the user was and when. A day is active when the user recorded at least one metric
 * event on it (any metric, any value); a week or month is active when one of its days is. "Most
 * active" means the most metric events: counting events rather than summing values keeps metrics
 * of different units comparable. Ties go to the earliest. A year without events has Jan 1, its
 * week and January as its most active day, week and month, with nothing in them.
 */
export interface ActivityCounts {
  daysActive: number;
  weeksActive: number;
  monthsActive: number;
  mostActiveDay: string;
  /** The whole week, even where it runs into the year before or after. */
  mostActiveWeek: DateRange;
  mostActiveMonth: number;
}

/** `eventDates`: the local date of each of the year's events (dates outside the year are ignored). */
export function activityCounts(year: number, eventDates: readonly string[], weekStart: number): ActivityCounts {
  const range = yearRange(year);
  const perDay = new Map<string, number>();
  for (const date of eventDates) if (contains(range, date)) perDay.set(date, (perDay.get(date) ?? 0) + 1);

  const perWeek = new Map<string, { week: DateRange; events: number }>();
  const perMonth = new Map<number, number>();
  for (const [date, events] of perDay) {
    const week = weekOf(date, weekStart);
    const entry = perWeek.get(week.start) ?? { week, events: 0 };
    entry.events += events;
    perWeek.set(week.start, entry);
    perMonth.set(monthOf(date), (perMonth.get(monthOf(date)) ?? 0) + events);
  }

  return {
    daysActive: perDay.size,
    weeksActive: perWeek.size,
    monthsActive: perMonth.size,
    mostActiveDay: busiest([...perDay].map(([date, events]) => ({ at: date, item: date, events }))) ?? range.start,
    mostActiveWeek: busiest([...perWeek.values()].map(({ week, events }) => ({ at: week.start, item: week, events }))) ?? weekOf(range.start, weekStart),
    mostActiveMonth: busiest([...perMonth].map(([month, events]) => ({ at: monthRange(year, month).start, item: month, events }))) ?? 0,
  };
}

/** The item with the most events; among equals the one that starts first. */
function busiest<T>(candidates: readonly { at: string; item: T; events: number }[]): T | undefined {
  let best: { at: string; item: T; events: number } | undefined;
  for (const candidate of candidates) {
    if (!best || candidate.events > best.events || (candidate.events === best.events && candidate.at < best.at)) best = candidate;
  }
  return best?.item;
}
