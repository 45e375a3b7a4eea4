/**
 * Helpers for the leaderboard tests: configuration through the Admin API (metrics, attributes,
 * leaderboards), and the check that a refused request left every leaderboard table as it was.
 */
import assert from 'node:assert/strict';
import type { TestLaurel } from '../support/laurel.js';

export { assertError } from '../support/assert-error.js';
export { developmentEnv, newEnv, unique, type Env } from '../achievements/helpers.js';
import type { Env } from '../achievements/helpers.js';

export const LEADERBOARDS = '/admin/v1/leaderboards';

export async function createMetric(laurel: TestLaurel, env: Env, key: string, name = `Metric ${key}`): Promise<{ id: string; key: string; name: string }> {
  const response = await laurel.api('POST', '/admin/v1/metrics', { key: env.key, body: [{ name, key }] });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.created[0];
}

export async function createAttribute(laurel: TestLaurel, env: Env, key: string, type: 'user' | 'event' = 'user'): Promise<{ id: string; key: string }> {
  const response = await laurel.api('POST', '/admin/v1/attributes', { key: env.key, body: [{ name: key, key, type }] });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.created[0];
}

export async function createPointsSystem(laurel: TestLaurel, env: Env, key: string, name = `Points ${key}`): Promise<{ id: string; key: string; name: string }> {
  const response = await laurel.api('POST', '/admin/v1/points', { key: env.key, body: [{ name, key }] });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.created[0];
}

/** Creates boards (asserting 201 and no issues) and returns them as the create call answered. */
export async function createBoards(laurel: TestLaurel, env: Env, items: Record<string, unknown>[]): Promise<any[]> {
  const response = await laurel.api('POST', LEADERBOARDS, { key: env.key, body: items });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  assert.deepEqual(response.body.issues, []);
  return response.body.created;
}

export async function createBoard(laurel: TestLaurel, env: Env, item: Record<string, unknown>): Promise<any> {
  return (await createBoards(laurel, env, [item]))[0];
}

/** Applies one change (asserting 200 and no issues) and returns the board as answered. */
export async function updateBoard(laurel: TestLaurel, env: Env, change: Record<string, unknown>): Promise<any> {
  const response = await laurel.api('PATCH', LEADERBOARDS, { key: env.key, body: [change] });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(response.body.issues, []);
  return response.body.updated[0];
}

const TABLES = ['leaderboards', 'leaderboard_scores', 'leaderboard_groups', 'leaderboard_members', 'leaderboard_rank_history', 'leaderboard_throttles'] as const;

/** Runs `act` and checks that no leaderboard row, scoring row or configuration version changed, in any environment. */
export async function assertNothingWritten<T>(laurel: TestLaurel, act: () => Promise<T>): Promise<T> {
  const before = await storedState(laurel);
  const result = await act();
  assert.deepEqual(await storedState(laurel), before, 'the refused request changed stored state');
  return result;
}

async function storedState(laurel: TestLaurel) {
  const db = laurel.backend.db;
  const tables: Record<string, unknown[]> = {};
  for (const table of TABLES) tables[table] = await db.selectFrom(table).selectAll().execute().then((rows) => rows.map((row) => JSON.stringify(row)).sort());
  const versions = await db.selectFrom('environments').select(['id', 'config_version']).orderBy('id').execute();
  return { tables, versions };
}

export const DAY_MS = 86_400_000;

/** The UTC date `days` after the instant. */
export const dateAfter = (now: number, days: number): string => new Date(now + days * DAY_MS).toISOString().slice(0, 10);
