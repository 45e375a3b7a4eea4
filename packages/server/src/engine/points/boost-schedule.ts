import { addDays, startOfLocalDay } from '../streaks/index.js';
import type { BoostRule, BoostStatus } from './types.js';

type BoostDates = Pick<BoostRule, 'start' | 'end' | 'userId'>;

/** A boost's status in one user's calendar: scheduled before its start date, finished after its end date. */
export function boostStatusOn(boost: BoostDates, today: string): BoostStatus {
  if (today < boost.start) return 'scheduled';
  if (boost.end !== null && today > boost.end) return 'finished';
  return 'active';
}

/** The instants a boost is live between: [startsAt, endsAt); endsAt null = open-ended. */
export interface BoostWindow {
  startsAt: number;
  endsAt: number | null;
}

/**
 * When a boost is live anywhere. A per-user boost: from the start of its start date to the end of
 * its end date in that user's zone (`userTz`, null = UTC). A global or attribute-filtered boost
 * follows every user's calendar, so it is live from the moment its start date begins in the
 * earliest zone (UTC+14: 10:00 UTC the day before) until its end date has ended in the latest
 * (UTC-12: 12:00 UTC the day after); `userTz` is not used.
 */
export function boostWindow(boost: BoostDates, userTz: string | null): BoostWindow {
  if (boost.userId !== null) {
    return {
      startsAt: startOfLocalDay(boost.start, userTz),
      endsAt: boost.end === null ? null : startOfLocalDay(addDays(boost.end, 1), userTz),
    };
  }
  return {
    startsAt: utc(addDays(boost.start, -1), 10),
    endsAt: boost.end === null ? null : utc(addDays(boost.end, 1), 12),
  };
}

/** A boost's status at an instant, for lists that are not one user's (see boostWindow). */
export function boostStatusAt(boost: BoostDates, now: number, userTz: string | null): BoostStatus {
  const { startsAt, endsAt } = boostWindow(boost, userTz);
  if (now < startsAt) return 'scheduled';
  if (endsAt !== null && now >= endsAt) return 'finished';
  return 'active';
}

/** When points.boost_started and points.boost_finished are due; finished null = never (open-ended). */
export interface BoostWebhookTimes {
  started: number;
  finished: number | null;
}

/**
 * Trophy's timing: a per-user boost's webhooks at the exact start and end of its window in the
 * user's zone; a global or attribute-filtered boost's at 10:00 UTC the day before its start date
 * (when the earliest zone starts it) and 13:00 UTC the day after its end date (the hour after the
 * latest zone has finished it).
 */
export function boostWebhookTimes(boost: BoostDates, userTz: string | null): BoostWebhookTimes {
  if (boost.userId !== null) {
    const { startsAt, endsAt } = boostWindow(boost, userTz);
    return { started: startsAt, finished: endsAt };
  }
  return {
    started: utc(addDays(boost.start, -1), 10),
    finished: boost.end === null ? null : utc(addDays(boost.end, 1), 13),
  };
}

function utc(date: string, hour: number): number {
  return Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
}
