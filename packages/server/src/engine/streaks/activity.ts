import { nextPeriod, periodContaining } from './calendar.js';
import type { PeriodRecord, StreakSettings, StreakState } from './types.js';

export interface ActivityInput {
  /** The user's local date of the activity. */
  today: string;
  /** The instant of the activity (ms). */
  now: number;
  /** Whether the current period's sums now meet the conditions (see conditionsMet). */
  met: boolean;
}

export interface ActivityResult {
  state: StreakState;
  extended: boolean;
  change: 'started' | 'extended' | null;
  /** The current period's history row to upsert when the streak started or was extended. */
  record: PeriodRecord | null;
}

/**
 * Counts the current period when its conditions are met and it is not counted yet.
 * Precondition: `state` was advanced to `today`, so the last counted period is the previous one or
 * the current one. Should that not hold (a gap), the streak starts over at 1 rather than bridging it.
 * A last counted period after the current one (the user moved to a time zone behind) counts as
 * already counted, so a period is never counted twice.
 */
export function recordActivity(state: StreakState, settings: StreakSettings, { today, now, met }: ActivityInput): ActivityResult {
  const unchanged: ActivityResult = { state, extended: false, change: null, record: null };
  if (!met) return unchanged;
  const { frequency, weekStart } = settings;
  const current = periodContaining(today, frequency, weekStart);
  const last = state.length > 0 && state.lastPeriodStart !== null ? periodContaining(state.lastPeriodStart, frequency, weekStart) : null;
  if (last !== null && last.start >= current.start) return unchanged;

  const continues = last !== null && nextPeriod(last, frequency, weekStart).start === current.start;
  const length = continues ? state.length + 1 : 1;
  return {
    state: {
      ...state,
      length,
      started: continues ? state.started : today,
      lastPeriodStart: current.start,
      lastExtendedAt: now,
    },
    extended: true,
    change: continues ? 'extended' : 'started',
    record: { periodStart: current.start, periodEnd: current.end, length, usedFreeze: false, usedPause: false },
  };
}
