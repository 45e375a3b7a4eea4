import { addDays, nextPeriod, periodContaining, startOfLocalDay } from './calendar.js';
import { autoEarn } from './freezes.js';
import type { StreakSettings, StreakState } from './types.js';

/**
 * The instant (ms) at which `advance` would next change something by itself, or null if never:
 * - with a streak, the local midnight that ends the period after the last counted one (that period
 *   is then settled: held by a pause or freeze, or lost);
 * - with auto-earn on, the local midnight starting nextFreezeEarn (or `today + interval` when no
 *   grant is scheduled yet, which is what advance would schedule today).
 * The earliest of these. May be in the past for a state not advanced yet: then it is due now.
 */
export function nextWake(state: StreakState, settings: StreakSettings, today: string, tz: string | null): number | null {
  const { frequency, weekStart } = settings;
  const candidates: number[] = [];
  if (state.length > 0 && state.lastPeriodStart !== null) {
    const following = nextPeriod(periodContaining(state.lastPeriodStart, frequency, weekStart), frequency, weekStart);
    candidates.push(startOfLocalDay(addDays(following.end, 1), tz));
  }
  const schedule = autoEarn(settings.freezes);
  if (schedule !== null) {
    candidates.push(startOfLocalDay(state.nextFreezeEarn ?? addDays(today, schedule.interval), tz));
  }
  return candidates.length === 0 ? null : Math.min(...candidates);
}
