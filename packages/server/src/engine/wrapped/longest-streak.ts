import { addDays } from '../streaks/calendar.js';
import type { StreakFrequency } from '../streaks/types.js';
import type { DateRange, WrappedStreak, WrappedStreakRecord } from './types.js';

/**
 * The longest streak of the year, from the streak history (a row per period the streak counted:
 * met, frozen or paused, and a 0 where it was lost). The longest is the highest length a period
 * of the year reached (the first such, on ties), counted as the streak counted it, so a streak
 * begun in December of the year before keeps those days. `periodStart` is the first period of
 * that streak (found by walking back over adjacent periods whose length does not rise),
 * `periodEnd` the end of the period it peaked in, `started` the first active day of its first
 * period (the period's start when that day is not known). No streak: length 0 and nulls.
 */
export function longestStreak(
  records: readonly WrappedStreakRecord[],
  frequency: StreakFrequency,
  year: DateRange,
  activeDays: ReadonlySet<string>,
): WrappedStreak {
  const sorted = [...records].sort((a, b) => (a.periodStart < b.periodStart ? -1 : a.periodStart > b.periodStart ? 1 : 0));
  let peak = -1;
  sorted.forEach((record, i) => {
    if (record.length <= 0 || record.periodEnd < year.start || record.periodStart > year.end) return;
    if (peak < 0 || record.length > sorted[peak]!.length) peak = i;
  });
  if (peak < 0) return { length: 0, frequency, periodStart: null, periodEnd: null, started: null };

  let first = peak;
  while (first > 0) {
    const previous = sorted[first - 1]!;
    const current = sorted[first]!;
    if (previous.length <= 0 || previous.length > current.length || addDays(previous.periodEnd, 1) !== current.periodStart) break;
    first -= 1;
  }
  const opening = sorted[first]!;
  let started = opening.periodStart;
  for (let day = opening.periodStart; day <= opening.periodEnd; day = addDays(day, 1)) {
    if (activeDays.has(day)) {
      started = day;
      break;
    }
  }
  return { length: sorted[peak]!.length, frequency, periodStart: opening.periodStart, periodEnd: sorted[peak]!.periodEnd, started };
}
