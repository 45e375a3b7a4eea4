import { dateBeginsAnywhere, dateEndsEverywhere, statusAt } from './status.js';
import type { FieldError, LeaderboardConfig } from './types.js';
import { parseTimeOfDay } from './window.js';

/** Laurel's bound on runInterval, so that run dates stay within the calendar (10,000 days is 27 years). */
export const MAX_RUN_INTERVAL = 10_000;
export const MAX_PARTICIPANTS = 1000;

/** Changing these on a live board would re-rank or regroup users mid-run. */
const LOCKED_ONCE_LIVE = ['key', 'rankBy', 'metricId', 'pointsSystemId', 'breakdownAttributes', 'runUnit', 'runInterval'] as const;

/**
 * The rules an admin's create (previous null) or update (`next` = previous with the patch applied)
 * must keep; every broken rule is one error naming its field, none means the change is valid.
 *
 * - maxParticipants is an integer in 1..1000.
 * - rankBy metric needs metricId and points needs pointsSystemId; neither goes with another rankBy.
 * - runUnit and runInterval come together (interval an integer in 1..10000); streak boards are
 *   perpetual (no runUnit).
 * - end, when set, is on or after start; startTime and endTime are `HH:mm[:ss]` and differ
 *   (equal bounds would be an empty window).
 * - Breakdown attributes are listed once each.
 * - Status, checked at creation or when status, start or end change, with "future" and "past"
 *   meaning so for every time zone (see status.ts): `active` while the start date is still in the
 *   future is refused (such a board is `scheduled`); `active` or `scheduled` after the end date has
 *   passed is refused (it would be finished); `finished` at creation needs an end date in the past.
 *   Setting `finished` on an existing board is the finish action and always allowed; `scheduled`
 *   for a board whose start has come simply goes live.
 * - Once a board has left `inactive`: key, rankBy, metricId, pointsSystemId, breakdownAttributes,
 *   runUnit and runInterval are fixed (change them after setting it inactive), and start is fixed
 *   once the board has started.
 */
export function validateLeaderboard(next: LeaderboardConfig, previous: LeaderboardConfig | null, now: number): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });

  if (!Number.isInteger(next.maxParticipants) || next.maxParticipants < 1 || next.maxParticipants > MAX_PARTICIPANTS) {
    fail('maxParticipants', `maxParticipants must be an integer from 1 to ${MAX_PARTICIPANTS}`);
  }

  if (next.rankBy === 'metric' && next.metricId === null) fail('metricId', 'metricId is required when rankBy is metric');
  if (next.rankBy !== 'metric' && next.metricId !== null) fail('metricId', 'metricId is only allowed when rankBy is metric');
  if (next.rankBy === 'points' && next.pointsSystemId === null) fail('pointsSystemId', 'pointsSystemId is required when rankBy is points');
  if (next.rankBy !== 'points' && next.pointsSystemId !== null) fail('pointsSystemId', 'pointsSystemId is only allowed when rankBy is points');

  if (next.runUnit === null) {
    if (next.runInterval !== null) fail('runInterval', 'runInterval is only allowed with runUnit');
  } else {
    if (next.rankBy === 'streak') fail('runUnit', 'streak leaderboards cannot repeat: leave runUnit unset');
    if (next.runInterval === null) fail('runInterval', 'runInterval is required when runUnit is set');
    else if (!Number.isInteger(next.runInterval) || next.runInterval < 1 || next.runInterval > MAX_RUN_INTERVAL) {
      fail('runInterval', `runInterval must be an integer from 1 to ${MAX_RUN_INTERVAL}`);
    }
  }

  if (next.end !== null && next.end < next.start) fail('end', 'end must be on or after start');
  const startTime = next.startTime === null ? null : parseTimeOfDay(next.startTime);
  const endTime = next.endTime === null ? null : parseTimeOfDay(next.endTime);
  if (startTime === undefined) fail('startTime', 'startTime must be HH:mm or HH:mm:ss');
  if (endTime === undefined) fail('endTime', 'endTime must be HH:mm or HH:mm:ss');
  if (startTime != null && startTime === endTime) fail('endTime', 'endTime must differ from startTime');

  if (new Set(next.breakdownAttributes).size !== next.breakdownAttributes.length) {
    fail('breakdownAttributes', 'each breakdown attribute may be listed only once');
  }

  const statusChanged = previous === null || next.status !== previous.status;
  const startChanged = previous !== null && next.start !== previous.start;
  const endChanged = previous !== null && next.end !== previous.end;
  if (statusChanged || startChanged || endChanged) {
    const blame = statusChanged ? 'status' : startChanged ? 'start' : 'end';
    const live = next.status === 'active' || next.status === 'scheduled';
    if (next.status === 'active' && now < dateBeginsAnywhere(next.start)) {
      fail(blame, 'the start date is in the future: such a leaderboard can be scheduled, not active');
    }
    if (live && next.end !== null && now >= dateEndsEverywhere(next.end)) {
      fail(blame, 'the end date has passed: such a leaderboard can only be finished');
    }
    if (previous === null && next.status === 'finished' && (next.end === null || now < dateEndsEverywhere(next.end))) {
      fail('status', 'a leaderboard can be created finished only with an end date in the past');
    }
  }

  if (previous !== null && previous.status !== 'inactive') {
    for (const field of LOCKED_ONCE_LIVE) {
      if (!sameValue(next[field], previous[field])) fail(field, `${field} can only change while the leaderboard is inactive`);
    }
    if (startChanged && statusAt(previous, now) !== 'scheduled') fail('start', 'start cannot change once the leaderboard has started');
  }
  return errors;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
