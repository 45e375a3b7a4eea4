import { Temporal } from 'temporal-polyfill';
import type { Period, StreakFrequency } from './types.js';

/**
 * Calendar maths on local dates (`YYYY-MM-DD`). Date strings compare correctly with `<`/`>`,
 * which the rest of engine/streaks relies on. A null time zone means UTC.
 */

const zone = (tz: string | null): string => tz ?? 'UTC';

// These run several times per metric event: date-only maths uses plain UTC day numbers and
// time-zone conversions are cached, which made them about ten times cheaper than Temporal objects.
const DAY_MS = 86_400_000;
const toDay = (date: string): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
const fromDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local date of an instant in a time zone. */
export function localDate(instantMs: number, tz: string | null): string {
  const name = zone(tz);
  let format = formatters.get(name);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone: name, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(name, format);
  }
  return format.format(instantMs);
}

const dayStarts = new Map<string, number>();
const MAX_CACHED_DAY_STARTS = 10_000;

/**
 * Epoch ms of the first instant of a local date. Not necessarily 00:00: where a DST jump skips
 * midnight (e.g. America/Santiago on 2026-09-06) the day starts at 01:00.
 */
export function startOfLocalDay(date: string, tz: string | null): number {
  const key = `${zone(tz)} ${date}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    start = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: zone(tz) }).epochMilliseconds;
    if (dayStarts.size >= MAX_CACHED_DAY_STARTS) dayStarts.clear();
    dayStarts.set(key, start);
  }
  return start;
}

/** The weekday of a local date: 0 = Sunday ... 6 = Saturday (JavaScript's Date.getDay numbering). */
export function weekday(date: string): number {
  // Day 0 of the epoch (1970-01-01) was a Thursday.
  return (((toDay(date) + 4) % 7) + 7) % 7;
}

/** Whether `date` is one of a daily streak's days off (none for weekly and monthly streaks). */
export function isDayOff(date: string, settings: { frequency: StreakFrequency; daysOff: readonly number[] }): boolean {
  return settings.frequency === 'daily' && settings.daysOff.length > 0 && settings.daysOff.includes(weekday(date));
}

export function addDays(date: string, n: number): string {
  return fromDay(toDay(date) + n);
}

/** The day, week (starting on `weekStart`, 0 = Sunday) or calendar month that contains `date`. */
export function periodContaining(date: string, frequency: StreakFrequency, weekStart: number): Period {
  switch (frequency) {
    case 'daily':
      return { start: date, end: date };
    case 'weekly': {
      const day = toDay(date);
      // Day 0 of the epoch (1970-01-01) was a Thursday: day 4 of a Sunday-first week.
      const offset = (((day + 4 - weekStart) % 7) + 7) % 7;
      return { start: fromDay(day - offset), end: fromDay(day - offset + 6) };
    }
    case 'monthly': {
      const year = Number(date.slice(0, 4));
      const month = Number(date.slice(5, 7));
      const start = `${date.slice(0, 8)}01`;
      const end = fromDay(Date.UTC(year, month, 0) / DAY_MS); // day 0 of the next month = this month's last
      return { start, end };
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
