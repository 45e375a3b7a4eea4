/**
 * Checks on what a request left in the database: a refused request must leave no partial write
 * behind, in any environment. Each domain's suites name the tables their API writes.
 */
import assert from 'node:assert/strict';
import type { Schema } from '../../src/store/schema.js';
import type { TestLaurel } from './laurel.js';

export const WEBHOOK_TABLES = ['webhooks', 'webhook_secrets', 'events', 'deliveries', 'delivery_attempts'] as const;
export const POINTS_TABLES = ['points_systems', 'points_triggers', 'points_levels', 'points_boosts', 'user_points', 'user_points_triggers', 'points_awards', 'points_changed_throttles'] as const;
export const LEADERBOARD_TABLES = ['leaderboards', 'leaderboard_scores', 'leaderboard_groups', 'leaderboard_members', 'leaderboard_rank_history', 'leaderboard_throttles'] as const;

/** Runs `act` and checks that no row of these tables, and no environment's config_version, changed. */
export async function assertNothingWritten<T>(laurel: TestLaurel, tables: readonly (keyof Schema)[], act: () => Promise<T>): Promise<T> {
  const before = await storedState(laurel, tables);
  const result = await act();
  assert.deepEqual(await storedState(laurel, tables), before, 'the refused request changed stored state');
  return result;
}

async function storedState(laurel: TestLaurel, tables: readonly (keyof Schema)[]) {
  const db = laurel.backend.db;
  const rows: Record<string, string[]> = {};
  for (const table of tables) rows[table] = (await db.selectFrom(table).selectAll().execute()).map((row) => JSON.stringify(row)).sort();
  const versions = await db.selectFrom('environments').select(['id', 'config_version']).orderBy('id').execute();
  return { rows, versions };
}

/** The environment's configuration version (bumped by every configuration write). */
export async function configVersion(laurel: TestLaurel, environmentId: string): Promise<number> {
  const row = await laurel.backend.db.selectFrom('environments').select('config_version').where('id', '=', environmentId).executeTakeFirstOrThrow();
  return Number(row.config_version);
}
