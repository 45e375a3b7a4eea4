import type { Kysely } from 'kysely';
import type { AdminIssue } from '../admin-issue.js';
import type { LeaderboardRow, Schema } from '../store/schema.js';
import { itemProblems, type Refusal } from './item-problems.js';
import { newRow, type CreateLeaderboardInput } from './leaderboard-input.js';
import { scheduleLeaderboardLifecycle } from './leaderboard-lifecycle.js';
import { resolveLeaderboards } from './leaderboard-reads.js';
import { loadReferences } from './leaderboard-references.js';
import { toAdminLeaderboard, type AdminLeaderboard } from './leaderboard-views.js';
import { lockEnvironment } from './lock-environment.js';

export const LEADERBOARD_KEY_TAKEN = 'Key already in use by another leaderboard';

/**
 * Creates leaderboards in one transaction. A request in which any item breaks a rule (the
 * engine's, or an id that names nothing) is refused whole and writes nothing. Otherwise every
 * item is created except those whose key is taken, in the environment or by an earlier item:
 * those are issues by index, as Trophy's bulk endpoints report them.
 */
export async function createLeaderboards(
  db: Kysely<Schema>,
  environmentId: string,
  items: readonly CreateLeaderboardInput[],
  now: number,
): Promise<Refusal | { created: AdminLeaderboard[]; issues: AdminIssue[] }> {
  return db.transaction().execute(async (trx) => {
    await lockEnvironment(trx, environmentId);
    const references = await loadReferences(trx, environmentId, items);
    const rows = items.map((item) => newRow(environmentId, item, now));
    const refused = rows.flatMap((row, index) => itemProblems(index, row, null, items[index]!, references, now));
    if (refused.length > 0) return { refused };

    // Who holds each key: -1 for a stored board, else the index of the item that took it.
    const taken = new Map((await trx.selectFrom('leaderboards').select('key').where('environment_id', '=', environmentId).execute()).map((r) => [r.key, -1]));
    const created: LeaderboardRow[] = [];
    const issues: AdminIssue[] = [];
    for (const [index, row] of rows.entries()) {
      const holder = taken.get(row.key);
      if (holder !== undefined) {
        issues.push({ index, severity: 'error', message: holder < 0 ? LEADERBOARD_KEY_TAKEN : `Key "${row.key}" is already used by item ${holder} of this request` });
        continue;
      }
      taken.set(row.key, index);
      await trx.insertInto('leaderboards').values(row).execute();
      await scheduleLeaderboardLifecycle(trx, environmentId, null, row, now);
      created.push(row);
    }
    return { created: (await resolveLeaderboards(trx, environmentId, created)).map((board) => toAdminLeaderboard(board, now)), issues };
  });
}
