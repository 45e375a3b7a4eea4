import { addDays, localDate, startOfLocalDay } from '../streaks/index.js';
import type { TimeUnit } from './types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** When a time trigger is due for one user. */
export interface TimeSchedule {
  unit: TimeUnit;
  /** Units between awards (>= 1). */
  interval: number;
  /** The instant the schedule counts from: see timeAnchor. */
  anchor: number;
  /** The user's time zone (day units); null = UTC. */
  tz: string | null;
}

export interface DueTimes {
  /** Due times in (after, until]. */
  count: number;
  /** The latest of them; null when count is 0. */
  last: number | null;
  /** The first due time after `until`: when a scheduler should run next. */
  next: number;
}

/**
 * A time trigger counts from the later of the user's creation and the trigger's activation, so
 * a trigger switched on today does not pay for the months before it, and a new user does not
 * inherit time from before they existed.
 */
export function timeAnchor(userCreatedAt: number, triggerActivatedAt: number): number {
  return Math.max(userCreatedAt, triggerActivatedAt);
}

/**
 * The due times of a time trigger in (after, until], and the next one after `until`.
 *
 * Hours are elapsed time: due at anchor + k x interval hours for k >= 1, whatever DST does.
 * Days fall at local midnight (energy refills overnight): due at the start of local date
 * anchorDate + k x interval for k >= 1, where anchorDate is the anchor's local date; so a user
 * created at 15:00 with a 1-day interval is first due at the next midnight, and a DST day of 23
 * or 25 hours is still one day. The local dates are read in `tz` as it is now, so a user who
 * moves is due at midnights of their new zone.
 */
export function dueTimes(schedule: TimeSchedule, after: number, until: number): DueTimes {
  const { interval, anchor } = schedule;
  if (schedule.unit === 'hour') {
    const step = interval * HOUR_MS;
    const reached = (t: number) => Math.max(0, Math.floor((t - anchor) / step));
    const k = reached(until);
    const count = Math.max(0, k - reached(after));
    return { count, last: count > 0 ? anchor + k * step : null, next: anchor + (k + 1) * step };
  }
  const anchorDate = localDate(anchor, schedule.tz);
  // The start of local day d is at or before t exactly when d <= t's local date.
  const reached = (t: number) => Math.max(0, Math.floor(daysFrom(anchorDate, localDate(t, schedule.tz)) / interval));
  const dueAt = (k: number) => startOfLocalDay(addDays(anchorDate, k * interval), schedule.tz);
  const k = reached(until);
  const count = Math.max(0, k - reached(after));
  return { count, last: count > 0 ? dueAt(k) : null, next: dueAt(k + 1) };
}

/** Whole days from one local date to another (negative when `to` is earlier). */
function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
}
