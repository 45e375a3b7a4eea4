import type { Kysely } from 'kysely';
import { historyView, statusAt, type HistoryEvent, type LeaderboardStatus } from '../engine/leaderboards/index.js';
import { localDate } from '../engine/streaks/index.js';
import type { Schema, UserRow } from '../store/schema.js';
import { toLeaderboardResponse, type LeaderboardResponse } from './leaderboard-views.js';
import { readHistory, readStanding } from './ranking-reads.js';
import { findVisibleBoard, runToRead, type LiveBoards } from './visible-board.js';

/** Trophy's UserLeaderboardResponseWithHistory, with the `status` its LeaderboardResponse requires. */
export interface UserLeaderboard extends LeaderboardResponse {
  status: Exclude<LeaderboardStatus, 'inactive'>;
  rank: number | null;
  value: number | null;
  history: HistoryEvent[];
}

/**
 * GET /users/{id}/leaderboards/{key}: the user's rank and value in a run (in their breakdown
 * group; both null when they hold no place) and their latest `numEvents` days of history in it,
 * oldest first. Without `run`, the run that contains the user's local today. 404 for an unknown
 * or inactive key; 422 for a run date outside the board.
 *
 * After the board (the cache's version read), two statements: the standing (the member row by
 * primary key and a count of the group's places ahead, at most maxParticipants index entries) and
 * the history (a backward range scan of its primary key).
 */
export async function userLeaderboard(
  db: Kysely<Schema>,
  live: LiveBoards,
  user: UserRow,
  key: string,
  query: { run?: string | undefined; numEvents: number },
  now: number,
): Promise<UserLeaderboard> {
  const board = await findVisibleBoard(db, live, user.environment_id, key);
  const run = runToRead(board, query.run, localDate(now, user.tz));
  const standing = await readStanding(db, board.id, run.start, user.id);
  const history = await readHistory(db, board.id, run.start, user.id, query.numEvents);
  return {
    ...toLeaderboardResponse(board),
    status: statusAt(board, now) as UserLeaderboard['status'],
    rank: standing?.rank ?? null,
    value: standing?.value ?? null,
    history: historyView(history, query.numEvents),
  };
}
