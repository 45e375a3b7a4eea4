import { addDays } from '../streaks/calendar.js';
import type { AdminStatus, LeaderboardStatus, RunSettings } from './types.js';

const HOUR_MS = 3_600_000;
const midnightUtc = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/**
 * Runs follow each user's local dates, so a date is "under way" from the moment the earliest time
 * zone (UTC+14) enters it, 10:00 UTC the day before, until the latest one (UTC-12) leaves it,
 * 12:00 UTC the day after. These two instants set the board's status and its webhook times.
 */
export function dateBeginsAnywhere(date: string): number {
  return midnightUtc(date) - 14 * HOUR_MS;
}

/** The instant no time zone is on `date` any more: 12:00 UTC the day after. */
export function dateEndsEverywhere(date: string): number {
  return midnightUtc(addDays(date, 1)) + 12 * HOUR_MS;
}

/**
 * The status at `now`. An admin's `inactive` (invisible, not ranking) and `finished` (the finish
 * action) stand as set. Otherwise (`scheduled` or `active`) the dates decide: scheduled until the
 * start date begins in some time zone, finished once the end date has ended in every time zone,
 * active in between. A repeating board stays active between its runs.
 */
export function statusAt(board: RunSettings & { status: AdminStatus }, now: number): LeaderboardStatus {
  if (board.status === 'inactive' || board.status === 'finished') return board.status;
  if (now < dateBeginsAnywhere(board.start)) return 'scheduled';
  if (board.end !== null && now >= dateEndsEverywhere(board.end)) return 'finished';
  return 'active';
}

/** Whether the board ranks activity on a user's local date: live (not inactive or finished by an admin) and within its dates. */
export function ranksOn(board: RunSettings & { status: AdminStatus }, localDate: string): boolean {
  if (board.status === 'inactive' || board.status === 'finished') return false;
  return localDate >= board.start && (board.end === null || localDate <= board.end);
}
