import type { Kysely } from 'kysely';
import { WEBHOOK_RANKINGS, type LeaderboardStatus, type Run } from '../engine/leaderboards/index.js';
import type { LeaderboardResponseWithRankings } from '../events/payloads.js';
import type { Schema } from '../store/schema.js';
import type { Leaderboard } from './leaderboard.js';
import { toLeaderboardResponse } from './leaderboard-views.js';
import type { RankedPlace } from './ranking-reads.js';

/**
 * The `leaderboard` of leaderboard.started, changed and finished: Trophy's
 * LeaderboardResponseWithRankings for one run. `start` and `end` are the run's, not the board's
 * (the behaviour reference, reading 34), `status` is the board's as users see it (a repeating
 * board stays active between runs), and `rankings` the run's top places.
 */
export function leaderboardWithRankings(
  board: Leaderboard,
  run: Run,
  status: Exclude<LeaderboardStatus, 'inactive'>,
  rankings: readonly RankedPlace[],
): LeaderboardResponseWithRankings {
  return {
    ...toLeaderboardResponse(board),
    status,
    start: run.start,
    end: run.end,
    rankings: rankings.map((place) => ({ userId: place.userId, userName: place.userName, rank: place.rank, value: place.value })),
  };
}

/**
 * A run's top 10 for a webhook, in ranking order (value descending, then who reached it first).
 * A board with breakdowns ranks each group on its own, and the payload has one list and no
 * group: it carries the board's top 10 over all its groups together, ranked 1 to 10 among
 * themselves. At most maxParticipants x groups rows are read, once per run.
 */
export async function readWebhookRankings(db: Kysely<Schema>, environmentId: string, leaderboardId: string, runStart: string): Promise<RankedPlace[]> {
  const rows = await db
    .selectFrom('leaderboard_members as m')
    .leftJoin('users as u', (join) => join.on('u.environment_id', '=', environmentId).onRef('u.id', '=', 'm.user_id'))
    .select(['m.user_id', 'm.value', 'u.name'])
    .where('m.leaderboard_id', '=', leaderboardId)
    .where('m.run_start', '=', runStart)
    .orderBy('m.value', 'desc')
    .orderBy('m.reached_at')
    .orderBy('m.user_id')
    .limit(WEBHOOK_RANKINGS)
    .execute();
  return rows.map((row, i) => ({ userId: row.user_id, userName: row.name, rank: i + 1, value: Number(row.value) }));
}
