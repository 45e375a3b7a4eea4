import type { Kysely } from 'kysely';
import { groupForQuery, statusAt, validatePage, type FieldError, type LeaderboardStatus } from '../engine/leaderboards/index.js';
import { localDate } from '../engine/streaks/index.js';
import { errors } from '../errors.js';
import type { Schema } from '../store/schema.js';
import { groupId } from './group-id.js';
import { toLeaderboardResponse, type LeaderboardResponse } from './leaderboard-views.js';
import { readRankingPage, readStanding, type RankedPlace } from './ranking-reads.js';
import { findVisibleBoard, runToRead, type LiveBoards } from './visible-board.js';

/** Trophy's default page size. */
export const DEFAULT_LIMIT = 10;

export interface RankingsQuery {
  offset: number;
  /** 0..maxParticipants; DEFAULT_LIMIT (or maxParticipants, when smaller) when absent. */
  limit?: number | undefined;
  /** Any date inside the run to read; the current run when absent. */
  run?: string | undefined;
  /** When set, `offset` counts from this user's place. */
  userId?: string | undefined;
  /** `key:value[,key2:value2]` (or repeated), required exactly on boards with breakdowns. */
  userAttributes?: string | readonly string[] | undefined;
}

/** Trophy's LeaderboardResponseWithRankings. */
export interface LeaderboardWithRankings extends LeaderboardResponse {
  status: Exclude<LeaderboardStatus, 'inactive'>;
  rankings: RankedPlace[];
}

/**
 * GET /leaderboards/{key}: the board, its status now and one page of a run's rankings (of one
 * breakdown group on a board with breakdowns). Without `run`, the run that contains today's UTC
 * date. With `userId`, the page starts `offset` places after that user's (offset 0: at the user),
 * and is empty when the user holds no place in the group asked for. 404 for an unknown or inactive
 * key; 422 for a run date outside the board, a page outside 0..maxParticipants, or userAttributes
 * missing on a board with breakdowns or given to one without.
 *
 * After the board (the cache's version read), one or two statements: the user's standing when
 * userId is given, then the page, an in-order range scan of leaderboard_members_ranking.
 */
export async function leaderboardWithRankings(
  db: Kysely<Schema>,
  live: LiveBoards,
  environmentId: string,
  key: string,
  query: RankingsQuery,
  now: number,
): Promise<LeaderboardWithRankings> {
  const board = await findVisibleBoard(db, live, environmentId, key);
  const page = { offset: query.offset, limit: query.limit ?? Math.min(DEFAULT_LIMIT, board.maxParticipants) };
  const problems = validatePage(page, board.maxParticipants);
  const group = groupForQuery(board.breakdownAttributes, query.userAttributes);
  if (group.error) problems.push(group.error);
  if (problems.length > 0) throw errors.invalid(problems.map(named).join('; '));
  const run = runToRead(board, query.run, localDate(now, null));
  const status = statusAt(board, now) as LeaderboardWithRankings['status'];
  const groupName = groupId(group.group as string);

  let offset = page.offset;
  if (query.userId !== undefined) {
    const standing = await readStanding(db, board.id, run.start, query.userId);
    if (standing === null || standing.groupId !== groupName) return { ...toLeaderboardResponse(board), status, rankings: [] };
    offset += standing.rank - 1;
  }
  const rankings = await readRankingPage(db, environmentId, board.id, run.start, groupName, offset, page.limit);
  return { ...toLeaderboardResponse(board), status, rankings };
}

/** A problem as the error message says it: led by the field's name. */
function named(problem: FieldError): string {
  return problem.message.startsWith(problem.field) ? problem.message : `${problem.field}: ${problem.message}`;
}
