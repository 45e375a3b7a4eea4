import type { Kysely } from 'kysely';
import { compareEntries, dateEndsEverywhere, runContaining, type RunSettings } from '../engine/leaderboards/index.js';
import type { Schema } from '../store/schema.js';

const SCORING_TABLES = ['leaderboard_scores', 'leaderboard_groups', 'leaderboard_members', 'leaderboard_rank_history', 'leaderboard_throttles'] as const;

/**
 * Deletes everything the write path has kept for these boards: scores, groups, places, history
 * and throttles. The tables have no foreign keys (migration 0010), so deleting a board, or
 * re-defining what it ranks, goes through here.
 */
export async function deleteScoringState(trx: Kysely<Schema>, leaderboardIds: readonly string[]): Promise<void> {
  if (leaderboardIds.length === 0) return;
  for (const table of SCORING_TABLES) await trx.deleteFrom(table).where('leaderboard_id', 'in', [...leaderboardIds]).execute();
}

/**
 * After maxParticipants went down: every group of every run still under way keeps its first
 * `maxParticipants` members in ranking order and loses the others (their scores stay, so they can
 * enter again by beating the lowest value). Runs that have ended everywhere keep their final
 * rankings as they ended. When maxParticipants goes up nobody enters at once: newcomers take the
 * free places with their next change (engine placement).
 */
export async function trimToCapacity(trx: Kysely<Schema>, leaderboardId: string, runs: RunSettings, maxParticipants: number, now: number): Promise<void> {
  const groups = await trx
    .selectFrom('leaderboard_members')
    .select(['run_start', 'group_id'])
    .distinct()
    .where('leaderboard_id', '=', leaderboardId)
    .execute();
  for (const { run_start: runStart, group_id: groupId } of groups) {
    const run = runContaining(runs, runStart);
    if (run === null || (run.end !== null && now >= dateEndsEverywhere(run.end))) continue;
    const members = await trx
      .selectFrom('leaderboard_members')
      .select(['user_id', 'value', 'reached_at'])
      .where('leaderboard_id', '=', leaderboardId)
      .where('run_start', '=', runStart)
      .where('group_id', '=', groupId)
      .execute();
    // Sorted here by the engine's own order, so the cut is exactly where its Ranking would make it.
    const ranked = members.map((m) => ({ userId: m.user_id, value: m.value, reachedAt: m.reached_at })).sort(compareEntries);
    const cut = ranked.slice(maxParticipants).map((entry) => entry.userId);
    for (let i = 0; i < cut.length; i += 500) {
      await trx
        .deleteFrom('leaderboard_members')
        .where('leaderboard_id', '=', leaderboardId)
        .where('run_start', '=', runStart)
        .where('user_id', 'in', cut.slice(i, i + 500))
        .execute();
    }
  }
}
