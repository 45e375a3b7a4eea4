import type { Kysely } from 'kysely';
import { runsOverlapping, type DateRange, type WrappedBoard } from '../engine/wrapped/index.js';
import { visibleLeaderboards } from '../leaderboards/leaderboard-reads.js';
import { toVisibleLeaderboard, type VisibleLeaderboard } from '../leaderboards/leaderboard-views.js';
import type { Schema } from '../store/schema.js';

/**
 * The user's standings on every board users can see (inactive ones are left out), with the
 * board's status now (Trophy's LeaderboardResponse requires it), in the runs
 * that overlap the year. One statement per board, seeking the rank history's primary key
 * (leaderboard_id, run_start, user_id) once per run: a daily board costs at most 366 seeks.
 */
export async function readStandings(db: Kysely<Schema>, environmentId: string, userId: string, year: DateRange, now: number): Promise<WrappedBoard<VisibleLeaderboard>[]> {
  const boards = await visibleLeaderboards(db, environmentId);
  const result: WrappedBoard<VisibleLeaderboard>[] = [];
  for (const board of boards) {
    const view = toVisibleLeaderboard(board, now);
    const runs = runsOverlapping(board, year);
    if (!view || runs.length === 0) continue;
    const endOf = new Map(runs.map((run) => [run.start, run.end]));
    const rows = await db
      .selectFrom('leaderboard_rank_history')
      .select(['run_start', 'date', 'rank', 'value'])
      .where('leaderboard_id', '=', board.id)
      .where('run_start', 'in', [...endOf.keys()])
      .where('user_id', '=', userId)
      .where('date', '<=', year.end)
      .execute();
    if (rows.length === 0) continue;
    result.push({
      key: board.key,
      view,
      standings: rows.map((row) => ({
        runStart: row.run_start,
        runEnd: endOf.get(row.run_start) ?? null,
        date: row.date,
        rank: row.rank === null ? null : Number(row.rank),
        value: row.value === null ? null : Number(row.value),
      })),
    });
  }
  return result;
}
