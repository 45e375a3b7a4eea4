import { Temporal } from 'temporal-polyfill';
import type { Period, StreakFrequency } from './types.js';

/**
 * Calendar maths on local dates (`YYYY-MM-DD`). Date strings compare correctly with `<`/`>`,
 * which the rest of engine/streaks relies on. A null time zone means UTC.
 */

const zone = (tz: string | null): string => tz ?? 'UTC';

/** The local date of an instant in a time zone. */
export function localDate(instantMs: number, tz: string | null): string {
  return Temporal.Instant.fromEpochMilliseconds(instantMs).toZonedDateTimeISO(zone(tz)).toPlainDate().toString();
}

/**
 * Epoch ms of the first instant of a local date. Not necessarily 00:00: where a DST jump skips
 * midnight (e.g. America/Santiago on 2026-09-06) the day starts at 01:00.
 */
export function startOfLocalDay(date: string, tz: string | null): number {
  return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: zone(tz) }).epochMilliseconds;
}

export function addDays(date: string, n: number): string {
  return Temporal.PlainDate.from(date).add({ days: n }).toString();
}

/** The day, week (starting on `weekStart`, 0 = Sunday) or calendar month that contains `date`. */
export function periodContaining(date: string, frequency: StreakFrequency, weekStart: number): Period {
  const day = Temporal.PlainDate.from(date);
  switch (frequency) {
    case 'daily':
      return { start: day.toString(), end: day.toString() };
    case 'weekly': {
      // Temporal numbers days 1 = Monday ... 7 = Sunday; `% 7` maps Sunday to 0 like weekStart.
      const offset = (day.dayOfWeek % 7 - weekStart + 7) % 7;
      const start = day.subtract({ days: offset });
      return { start: start.toString(), end: start.add({ days: 6 }).toString() };
    }
    case 'monthly': {
      const start = day.with({ day: 1 });
      return { start: start.toString(), end: start.with({ day: start.daysInMonth }).toString() };
    }
  }
}

export function nextPeriod(period: Period, frequency: StreakFrequency, weekStart: number): Period {
  return periodContaining(addDays(period.end, 1), frequency, weekStart);
}

export function previousPeriod(period: Period, frequency: StreakFrequency, weekStart: number): Period {
  return periodContaining(addDays(period.start, -1), frequency, weekStart);
}

/** The periods strictly after `after` and strictly before `before`, oldest first. */
export function periodsBetween(after: Period, before: Period, frequency: StreakFrequency, weekStart: number): Period[] {
  const periods: Period[] = [];
  for (let p = nextPeriod(after, frequency, weekStart); p.start < before.start; p = nextPeriod(p, frequency, weekStart)) {
    periods.push(p);
  }
  return periods;
}

/**
 * Whether `tz` names a time zone (IANA name or link such as `UTC`, `Europe/Paris`, `Etc/GMT+5`).
 * Temporal alone would also take offsets (`+05:00`) and whole ISO strings (`2020-01-01T00:00Z`),
 * which are not zone names, so those are refused by shape first.
 */
export function isValidTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) return false;
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(tz);
    return true;
  } catch {
    return false;
  }
}
