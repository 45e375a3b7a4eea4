import { addDays } from './calendar.js';
import type { FreezeSettings, StreakSettings, StreakState } from './types.js';

/** The auto-earn schedule when it is on (freezes enabled, a positive interval and amount), else null. */
export function autoEarn(freezes: FreezeSettings): { interval: number; amount: number } | null {
  const { enabled, autoEarnInterval: interval, autoEarnAmount: amount } = freezes;
  if (!enabled || interval === null || amount === null || interval <= 0 || amount <= 0) return null;
  return { interval, amount };
}

/**
 * A new user's state: no streak, the initial freezes (capped at max) when freezes are enabled,
 * and the first automatic grant `interval` days after `today` when auto-earn is on.
 */
export function initialState(settings: StreakSettings, today: string): StreakState {
  const schedule = autoEarn(settings.freezes);
  return {
    length: 0,
    started: null,
    lastPeriodStart: null,
    lastExtendedAt: null,
    freezes: settings.freezes.enabled ? Math.max(0, Math.min(settings.freezes.initial, settings.freezes.max)) : 0,
    nextFreezeEarn: schedule ? addDays(today, schedule.interval) : null,
  };
}
