import { addDays, isDayOff, nextPeriod, periodContaining } from './calendar.js';
import { autoEarn } from './freezes.js';
import type { StreakFrequency, StreakSettings, StreakState } from './types.js';

/** The streak fields every streak response shares. */
export interface BaseStreakView {
  length: number;
  frequency: StreakFrequency;
  started: string | null;
  /** The current period (always set, also without a streak). */
  periodStart: string;
  periodEnd: string;
  expires: string | null;
  /** Present only when freezes are enabled. */
  freezes?: number;
  maxFreezes?: number;
  /** Present only when auto-earn is on. */
  freezeAutoEarnInterval?: number;
  freezeAutoEarnAmount?: number;
}

/**
 * The last local date on which acting still keeps the streak (freezes ignored): the end of the next
 * period when the current one is already counted, else the end of the current one; null without a
 * streak. A last counted period after the current one (time zone moved back) is treated as counted:
 * the date is the end of the period after it. Days off of a daily streak hold it, so a day off on
 * that date moves it on to the next day that is not one.
 */
export function expires(state: StreakState, settings: StreakSettings, today: string): string | null {
  if (state.length <= 0) return null;
  const { frequency, weekStart } = settings;
  const current = periodContaining(today, frequency, weekStart);
  const last = state.lastPeriodStart === null ? null : periodContaining(state.lastPeriodStart, frequency, weekStart);
  let date = last !== null && last.start >= current.start ? nextPeriod(last, frequency, weekStart).end : current.end;
  // At most 6 days off a week, so this ends within 6 steps.
  while (isDayOff(date, settings)) date = addDays(date, 1);
  return date;
}

/** A streak as the API shows it. Advance the state to `today` first (without persisting, for reads). */
export function describe(state: StreakState, settings: StreakSettings, today: string): BaseStreakView {
  const current = periodContaining(today, settings.frequency, settings.weekStart);
  const view: BaseStreakView = {
    length: state.length,
    frequency: settings.frequency,
    started: state.started,
    periodStart: current.start,
    periodEnd: current.end,
    expires: expires(state, settings, today),
  };
  if (settings.freezes.enabled) {
    view.freezes = state.freezes;
    view.maxFreezes = settings.freezes.max;
    const schedule = autoEarn(settings.freezes);
    if (schedule !== null) {
      view.freezeAutoEarnInterval = schedule.interval;
      view.freezeAutoEarnAmount = schedule.amount;
    }
  }
  return view;
}
