import { addDays } from '../streaks/calendar.js';
import type { Run, RunSettings } from './types.js';

/**
 * Run arithmetic on local dates. A perpetual board (runUnit null) has one run, from start to end
 * (or forever). A repeating board's run k starts at start + k x runInterval runUnits; "weekly" is
 * 7 days. The last run is cut at the board's end.
 *
 * Months and years are counted from the board's start, never from the previous run, and a day
 * that the target month lacks is clamped to its last day. Monthly from 2026-01-31: 01-31, 02-28,
 * 03-31, 04-30, ... so a run never drifts to an earlier day of the month, runs stay contiguous
 * (each ends the day before the next starts) and the 28-31 day lengths follow the calendar.
 * Yearly from a 29 February starts on 28 February in other years.
 */

const DAY_MS = 86_400_000;
const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** `date` plus n calendar months, the day clamped to the target month's last day. */
export function addMonths(date: string, n: number): string {
  const months = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + n;
  const year = Math.floor(months / 12);
  const month0 = months - year * 12;
  const day = Math.min(Number(date.slice(8, 10)), daysInMonth(year, month0));
  return `${String(year).padStart(4, '0')}-${String(month0 + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The start of run k (k >= 0), ignoring the board's end. */
function nominalStart(settings: RunSettings, k: number): string {
  const interval = settings.runInterval ?? 1;
  switch (settings.runUnit) {
    case null:
      return settings.start;
    case 'day':
      return addDays(settings.start, k * interval);
    case 'month':
      return addMonths(settings.start, k * interval);
    case 'year':
      return addMonths(settings.start, 12 * k * interval);
  }
}

/** Run k, or null when it would start after the board's end (or k < 0, or k > 0 on a perpetual board). */
export function runAt(settings: RunSettings, k: number): Run | null {
  if (k < 0 || !Number.isInteger(k) || (settings.runUnit === null && k > 0)) return null;
  const start = nominalStart(settings, k);
  if (settings.end !== null && start > settings.end) return null;
  if (settings.runUnit === null) return { index: 0, start, end: settings.end };
  const nextStart = nominalStart(settings, k + 1);
  const end = addDays(nextStart, -1);
  return { index: k, start, end: settings.end !== null && settings.end < end ? settings.end : end };
}

/**
 * The run containing a local date, or null when the date is before the board's start or after
 * its end. This is also how a `run=YYYY-MM-DD` query resolves: any date inside a run means that run.
 * Cost: O(1) date arithmetic for every unit.
 */
export function runContaining(settings: RunSettings, date: string): Run | null {
  if (date < settings.start || (settings.end !== null && date > settings.end)) return null;
  const interval = settings.runInterval ?? 1;
  let k: number;
  switch (settings.runUnit) {
    case null:
      k = 0;
      break;
    case 'day':
      k = Math.floor((dayNumber(date) - dayNumber(settings.start)) / interval);
      break;
    case 'month':
    case 'year': {
      const unitMonths = settings.runUnit === 'year' ? 12 * interval : interval;
      const months =
        (Number(date.slice(0, 4)) - Number(settings.start.slice(0, 4))) * 12 + Number(date.slice(5, 7)) - Number(settings.start.slice(5, 7));
      k = Math.floor(months / unitMonths);
      // Run k starts in date's month or earlier; in the same month but on a later day (start on
      // the 20th, date on the 10th) the date still belongs to run k - 1.
      if (nominalStart(settings, k) > date) k -= 1;
      break;
    }
  }
  return runAt(settings, k);
}

/**
 * The run a read without `run=` shows on `today`: the first run before the board starts, the
 * last run after it ends, else the run containing today.
 */
export function currentRun(settings: RunSettings, today: string): Run {
  if (today < settings.start) return runAt(settings, 0) as Run;
  if (settings.end !== null && today > settings.end) return runContaining(settings, settings.end) as Run;
  return runContaining(settings, today) as Run;
}

/** The runs that ended before `today`, newest first, at most `limit` of them. */
export function pastRuns(settings: RunSettings, today: string, limit: number): Run[] {
  const yesterday = addDays(today, -1);
  if (yesterday < settings.start || limit <= 0) return [];
  const latest = runContaining(settings, settings.end !== null && settings.end < yesterday ? settings.end : yesterday) as Run;
  const runs: Run[] = [];
  // The run containing yesterday is past only if it ended yesterday.
  for (let k = latest.end !== null && latest.end < today ? latest.index : latest.index - 1; k >= 0 && runs.length < limit; k--) {
    runs.push(runAt(settings, k) as Run);
  }
  return runs;
}
