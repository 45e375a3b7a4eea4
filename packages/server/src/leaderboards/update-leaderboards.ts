import type { Kysely } from 'kysely';
import type { AdminIssue } from '../admin-issue.js';
import type { LeaderboardRow, Schema } from '../store/schema.js';
import { itemProblems, type Refusal } from './item-problems.js';
import { changedRow, changesRanking, type UpdateLeaderboardInput } from './leaderboard-input.js';
import { scheduleLeaderboardLifecycle } from './leaderboard-lifecycle.js';
import { resolveLeaderboards } from './leaderboard-reads.js';
import { loadReferences } from './leaderboard-references.js';
import { toAdminLeaderboard, type AdminLeaderboard } from './leaderboard-views.js';
import { LEADERBOARD_KEY_TAKEN } from './create-leaderboards.js';
import { lockEnvironment } from './lock-environment.js';
import { deleteScoringState, trimToCapacity } from './scoring-state.js';

/**
 * Applies changes by id in one transaction; fields left out are kept. A request in which any
 * change breaks a rule (the engine's rules for the board's current status, or an id that names
 * nothing) is refused whole and writes nothing. Otherwise every change is applied except these
 * issues, by id: an unknown id, an id given twice (the later change), a key in use.
 *
 * What the board has scored goes with its definition: a change of what it ranks (rankBy, metric,
 * points system, breakdowns, runs or start: possible only while inactive or before it starts)
 * deletes the scores, places and history, and a lower maxParticipants trims the runs under way.
 */
export async function updateLeaderboards(
  db: Kysely<Schema>,
  environmentId: string,
  changes: readonly UpdateLeaderboardInput[],
  now: number,
): Promise<Refusal | { updated: AdminLeaderboard[]; issues: AdminIssue[] }> {
  return db.transaction().execute(async (trx) => {
    await lockEnvironment(trx, environmentId);
    const all = await trx.selectFrom('leaderboards').selectAll().where('environment_id', '=', environmentId).execute();
    const byId = new Map(all.map((row) => [row.id, row]));
    const references = await loadReferences(trx, environmentId, changes);

    const issues: AdminIssue[] = [];
    const planned: { before: LeaderboardRow; after: LeaderboardRow }[] = [];
    const refused: string[] = [];
    const seen = new Set<string>();
    for (const [index, change] of changes.entries()) {
      const before = byId.get(change.id);
      if (seen.has(change.id)) {
        issues.push({ id: change.id, severity: 'error', message: 'ID appears more than once in this request; only its first change was applied' });
        continue;
      }
      seen.add(change.id);
      if (!before) {
        issues.push({ id: change.id, severity: 'error', message: 'Leaderboard not found by ID' });
        continue;
      }
      const after = changedRow(before, change, now);
      refused.push(...itemProblems(index, after, before, change, references, now));
      planned.push({ before, after });
    }
    if (refused.length > 0) return { refused };

    // Keys as they will be once the changes before each one are applied.
    const keyHolder = new Map(all.map((row) => [row.key, row.id]));
    const updated: LeaderboardRow[] = [];
    for (const { before, after } of planned) {
      if (after.key !== before.key) {
        const holder = keyHolder.get(after.key);
        if (holder !== undefined && holder !== after.id) {
          issues.push({ id: after.id, severity: 'error', message: LEADERBOARD_KEY_TAKEN });
          continue;
        }
        keyHolder.delete(before.key);
        keyHolder.set(after.key, after.id);
      }
      const { id, environment_id: _environment, created_at: _created, ...set } = after;
      await trx.updateTable('leaderboards').set(set).where('environment_id', '=', environmentId).where('id', '=', id).execute();
      if (changesRanking(before, after)) await deleteScoringState(trx, [id]);
      else if (after.max_participants < before.max_participants) {
        const runs = { start: after.start_date, end: after.end_date, runUnit: after.run_unit, runInterval: after.run_interval };
        await trimToCapacity(trx, id, runs, after.max_participants, now);
      }
      await scheduleLeaderboardLifecycle(trx, environmentId, before, after, now);
      updated.push(after);
    }
    return { updated: (await resolveLeaderboards(trx, environmentId, updated)).map((board) => toAdminLeaderboard(board, now)), issues };
  });
}
