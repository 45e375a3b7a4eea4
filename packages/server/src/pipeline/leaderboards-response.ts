import { eventLeaderboardFields, groupValues, type EventLeaderboardFields } from '../engine/leaderboards/index.js';
import { toVisibleLeaderboard, type VisibleLeaderboard } from '../leaderboards/leaderboard-views.js';
import type { BoardChange } from './stages/leaderboard-stage.js';

/** Trophy's MetricEventLeaderboardResponse: the board, the run's dates, the user's rank before and after, the group's threshold. */
export type EventLeaderboardResponse = VisibleLeaderboard & EventLeaderboardFields;

/**
 * The `leaderboards` map of the event response: by board key, the boards the event counted on where
 * the user takes part (ranked before or after it), with the status the board has now.
 */
export function leaderboardsMap(boards: readonly BoardChange[], now: number): Record<string, EventLeaderboardResponse> {
  const map: Record<string, EventLeaderboardResponse> = {};
  for (const change of boards) {
    if (change.user.rank === null && change.user.previousRank === null) continue;
    // The pipeline counts only on live boards, which users can see.
    const board = toVisibleLeaderboard(change.board, now);
    if (board === null) continue;
    const breakdown = change.groupKey === null ? [] : groupValues(change.board.breakdownAttributes, change.groupKey);
    map[change.board.key] = { ...board, ...eventLeaderboardFields(change.run, change.user, change.threshold, breakdown) };
  }
  return map;
}
