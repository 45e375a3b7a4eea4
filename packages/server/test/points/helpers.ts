/**
 * Helpers for the points tests: configuration through the Admin API, checks against Trophy's
 * reference schemas, and the check that a refused request left every points table (and every
 * environment's config_version) as it was.
 */
import assert from 'node:assert/strict';
import type { TestLaurel } from '../support/laurel.js';
import { adminSchemaValidator, appSchemaValidator } from '../support/reference-schemas.js';
import type { Env } from '../achievements/helpers.js';

export { assertError } from '../http/admin-api.js';
export { developmentEnv, insertUser, newEnv, unique, type Env } from '../achievements/helpers.js';

export const POINTS = '/admin/v1/points';
export const UNKNOWN_ID = '3b241101-e2bb-4255-8caf-4136c566a962';

/** Asserts that a body matches a component schema of Trophy's Admin API document (skipped when the document is absent). */
export function assertAdminSchema(schemaName: string, body: unknown): void {
  const validate = adminSchemaValidator(schemaName);
  if (!validate) return;
  assert.deepEqual(validate(body), [], `${schemaName}: ${JSON.stringify(body).slice(0, 400)}`);
}

/** The same against Trophy's Application API document; `list` checks each item of an array body. */
export function assertAppSchema(schemaName: string, body: unknown, list = false): void {
  const validate = appSchemaValidator(schemaName);
  if (!validate) return;
  const items = list ? (body as unknown[]) : [body];
  assert.ok(Array.isArray(items), `${schemaName}: expected an array`);
  for (const item of items) assert.deepEqual(validate(item), [], `${schemaName}: ${JSON.stringify(item).slice(0, 400)}`);
}

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

export async function createAchievement(laurel: TestLaurel, env: Env, key: string, name = `Achievement ${key}`): Promise<{ id: string; key: string; name: string }> {
  const response = await laurel.api('POST', '/admin/v1/achievements', { key: env.key, body: [{ name, key, trigger: 'api', status: 'active' }] });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.created[0];
}

/** Creates systems (asserting 201 and no issues) and returns them as the create call answered. */
export async function createSystems(laurel: TestLaurel, env: Env, items: Record<string, unknown>[]): Promise<any[]> {
  const response = await laurel.api('POST', POINTS, { key: env.key, body: items });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  assert.deepEqual(response.body.issues, []);
  assertAdminSchema('CreatePointsSystemsResponse', response.body);
  return response.body.created;
}

export async function createSystem(laurel: TestLaurel, env: Env, item: Record<string, unknown>): Promise<any> {
  return (await createSystems(laurel, env, [item]))[0];
}

/** POSTs sub-entities of a system (`triggers`, `levels`, `boosts`), asserting 201 and no issues. */
export async function createIn(laurel: TestLaurel, env: Env, systemId: string, what: 'triggers' | 'levels' | 'boosts', items: Record<string, unknown>[]): Promise<any[]> {
  const response = await laurel.api('POST', `${POINTS}/${systemId}/${what}`, { key: env.key, body: items });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  assert.deepEqual(response.body.issues, []);
  return response.body.created;
}

/** PATCHes one sub-entity (or a system, with `what` undefined), asserting 200 and no issues. */
export async function updateOne(laurel: TestLaurel, env: Env, path: string, change: Record<string, unknown>): Promise<any> {
  const response = await laurel.api('PATCH', path, { key: env.key, body: [change] });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(response.body.issues, []);
  return response.body.updated[0];
}

const TABLES = ['points_systems', 'points_triggers', 'points_levels', 'points_boosts', 'user_points', 'user_points_triggers', 'points_awards', 'points_changed_throttles'] as const;

/** Runs `act` and checks that no points row or configuration version changed, in any environment. */
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

export async function configVersion(laurel: TestLaurel, env: Env): Promise<number> {
  const row = await laurel.backend.db.selectFrom('environments').select('config_version').where('id', '=', env.id).executeTakeFirstOrThrow();
  return Number(row.config_version);
}
