import type { Kysely, Transaction } from 'kysely';
import type { AdminIssue } from '../admin-issue.js';
import type { Schema } from '../store/schema.js';
import { notFoundIssue, repeatedIdIssue } from './issues.js';
import { lockSystem } from './system-lock.js';

/**
 * What the Admin API's writes to a points system's levels and boosts share: each runs in one
 * transaction with its system locked (undefined: no such system, a 404), a PATCH applies only the
 * first change of an id, and a DELETE reports the ids it did not find.
 */
export function inLockedSystem<R>(db: Kysely<Schema>, environmentId: string, systemId: string, work: (trx: Transaction<Schema>) => Promise<R>): Promise<R | undefined> {
  return db.transaction().execute(async (trx) => ((await lockSystem(trx, environmentId, systemId)) ? work(trx) : undefined));
}

/** The changes in order, with the index each had in the request, but each id's first only: a repeat is an issue. */
export function firstChangeOfEachId<C extends { id: string }>(changes: readonly C[], issues: AdminIssue[]): [number, C][] {
  const seen = new Set<string>();
  const first: [number, C][] = [];
  for (const [index, change] of changes.entries()) {
    if (seen.has(change.id)) issues.push(repeatedIdIssue(change.id));
    else {
      seen.add(change.id);
      first.push([index, change]);
    }
  }
  return first;
}

/** Deletes the system's items of `table` with these ids: which were deleted, and a not-found issue for each of the others. */
export async function deleteSystemItems(
  trx: Transaction<Schema>,
  table: 'points_levels' | 'points_boosts',
  systemId: string,
  ids: readonly string[],
  what: string,
): Promise<{ deleted: string[]; issues: AdminIssue[] }> {
  const unique = [...new Set(ids)];
  const rows = await trx.deleteFrom(table).where('system_id', '=', systemId).where('id', 'in', unique).returning('id').execute();
  const gone = new Set(rows.map((row) => row.id));
  return { deleted: unique.filter((id) => gone.has(id)), issues: unique.filter((id) => !gone.has(id)).map((id) => notFoundIssue(id, what)) };
}
