import type { Kysely } from 'kysely';
import { currentRun, runContaining, type Run } from '../engine/leaderboards/index.js';
import { errors } from '../errors.js';
import type { Schema } from '../store/schema.js';
import type { Leaderboard } from './leaderboard.js';
import { resolveLeaderboards } from './leaderboard-reads.js';

/** Where the boards that can rank come from: the per-process ConfigCache (environments/config-cache.ts). */
export interface LiveBoards {
  get(db: Kysely<Schema>, environmentId: string): Promise<{ leaderboards: readonly Leaderboard[] }>;
}

/**
 * The board users can read by this key: a live one (scheduled or active as set) from the cache,
 * which costs one small version read, else a finished one from the database (the finish action
 * hides a board from lists, but its runs stay readable). Inactive boards are invisible: 404, as
 * for a key never made.
 */
export async function findVisibleBoard(db: Kysely<Schema>, live: LiveBoards, environmentId: string, key: string): Promise<Leaderboard> {
  const cached = (await live.get(db, environmentId)).leaderboards.find((board) => board.key === key);
  if (cached) return cached;
  const rows = await db.selectFrom('leaderboards').selectAll().where('environment_id', '=', environmentId).where('key', '=', key).where('status', '=', 'finished').execute();
  const [finished] = await resolveLeaderboards(db, environmentId, rows);
  if (!finished) throw errors.notFound('Leaderboard', key);
  return finished;
}

/**
 * The run a read shows: the one containing `run` (any date inside it, 422 for a date outside the
 * board's dates), else the current run on `today` (the first before the board starts, the last
 * after it ends; engine currentRun).
 */
export function runToRead(board: Leaderboard, run: string | undefined, today: string): Run {
  if (run === undefined) return currentRun(board, today);
  const found = runContaining(board, run);
  if (found === null) {
    throw errors.invalid(`run: ${run} is in no run of this leaderboard, which ranks from ${board.start}${board.end === null ? '' : ` to ${board.end}`}`);
  }
  return found;
}
