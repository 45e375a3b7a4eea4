import { Temporal } from 'temporal-polyfill';
import { periodContaining, previousPeriod } from './calendar.js';
import type { Period, StreakFrequency, StreakSettings, StreakState } from './types.js';

export interface RestoreInput {
  today: string;
  /** The longest streak length the user's history reaches within the restore window. */
  maxLengthInWindow: number;
  /** Stamped as lastExtendedAt when given; otherwise lastExtendedAt is kept. */
  now?: number;
}

/**
 * Admin restore: the streak becomes active at `maxLengthInWindow`, counted through the previous
 * period so the user must act in the current one to extend it. If the current period is already
 * counted, it stays counted (the restored length ends there). `started` is the start of the first of
 * the `length` counted periods. Null when there is nothing to restore (no length in the window, or
 * the streak is already at least that long).
 */
export function restore(state: StreakState, settings: StreakSettings, { today, maxLengthInWindow, now }: RestoreInput): StreakState | null {
  if (maxLengthInWindow <= 0 || state.length >= maxLengthInWindow) return null;
  const { frequency, weekStart } = settings;
  const current = periodContaining(today, frequency, weekStart);
  const counted = state.length > 0 && state.lastPeriodStart !== null ? periodContaining(state.lastPeriodStart, frequency, weekStart) : null;
  const last = counted !== null && counted.start >= current.start ? counted : previousPeriod(current, frequency, weekStart);
  let first: Period = last;
  for (let i = 1; i < maxLengthInWindow; i++) first = previousPeriod(first, frequency, weekStart);
  return {
    ...state,
    length: maxLengthInWindow,
    started: first.start,
    lastPeriodStart: last.start,
    lastExtendedAt: now ?? state.lastExtendedAt,
  };
}

/**
 * The first local date whose history counts for a restore: daily, 90 days before today; weekly,
 * the start of the week containing 1 January of this year; monthly, 1 January of last year.
 */
export function restoreWindowStart(frequency: StreakFrequency, today: string, weekStart: number): string {
  const day = Temporal.PlainDate.from(today);
  switch (frequency) {
    case 'daily':
      return day.subtract({ days: 90 }).toString();
    case 'weekly':
      return periodContaining(day.with({ month: 1, day: 1 }).toString(), 'weekly', weekStart).start;
    case 'monthly':
      return day.with({ year: day.year - 1, month: 1, day: 1 }).toString();
  }
}
