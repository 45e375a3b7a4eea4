import type { Ranking } from './ranking.js';
import type { FieldError, RankChange, RankedEntry, Run } from './types.js';

/** leaderboard.started, changed and finished carry the top 10 (finished: the final ones). */
export const WEBHOOK_RANKINGS = 10;

/** The rankings a webhook payload carries. */
export function webhookRankings(ranking: Ranking): RankedEntry[] {
  return ranking.page(0, WEBHOOK_RANKINGS);
}

export interface PageQuery {
  offset: number;
  limit: number;
  /** When set, offset counts from this user's place. */
  userId?: string;
}

/**
 * The paging rules of `GET /leaderboards/{key}`: offset an integer >= 0 (default 0) and limit an
 * integer from 0 to the board's maxParticipants (default 10; the spec's "not greater than the size
 * of the leaderboard").
 */
export function validatePage(query: PageQuery, maxParticipants: number): FieldError[] {
  const errors: FieldError[] = [];
  if (!Number.isInteger(query.offset) || query.offset < 0) errors.push({ field: 'offset', message: 'offset must be an integer of at least 0' });
  if (!Number.isInteger(query.limit) || query.limit < 0 || query.limit > maxParticipants) {
    errors.push({ field: 'limit', message: `limit must be an integer from 0 to ${maxParticipants}, the leaderboard's size` });
  }
  return errors;
}

/**
 * A page of rankings: ranks offset + 1 .. offset + limit, or with userId, `offset` places after
 * that user's (offset 0 starts at the user); empty when the user is not ranked.
 */
export function rankingPage(ranking: Ranking, query: PageQuery): RankedEntry[] {
  if (query.userId === undefined) return ranking.page(query.offset, query.limit);
  const rank = ranking.rankOf(query.userId);
  return rank === null ? [] : ranking.page(rank - 1 + query.offset, query.limit);
}

/** A user's rank and value, both null when the user is not on the board. */
export function userStanding(ranking: Ranking, userId: string): { rank: number | null; value: number | null } {
  const entry = ranking.entryOf(userId);
  return entry === null ? { rank: null, value: null } : { rank: ranking.rankOf(userId), value: entry.value };
}

/** The run- and user-specific fields of a MetricEventLeaderboardResponse (the route adds the board's own fields). */
export interface EventLeaderboardFields {
  start: string;
  end: string | null;
  rank: number | null;
  previousRank: number | null;
  threshold: number;
  breakdownAttributeValues?: { key: string; value: string }[];
  /** Deprecated in the spec; given for a board with a single breakdown attribute. */
  breakdownAttributeValue?: string;
}

/**
 * What a metric event's response says about one board: the current run's dates, the user's rank
 * before and after, and the group's threshold after the event.
 */
export function eventLeaderboardFields(
  run: Run,
  change: RankChange,
  threshold: number,
  breakdown: { key: string; value: string }[] = [],
): EventLeaderboardFields {
  const fields: EventLeaderboardFields = { start: run.start, end: run.end, rank: change.rank, previousRank: change.previousRank, threshold };
  if (breakdown.length > 0) fields.breakdownAttributeValues = breakdown;
  if (breakdown.length === 1) fields.breakdownAttributeValue = (breakdown[0] as { value: string }).value;
  return fields;
}
