/**
 * Helpers for the achievement tests: the Admin calls they make (metrics and attributes through the
 * fixtures), and rows written straight into the database for states set up before an achievement
 * exists that the write path would act on (users, totals, events, streaks, held completions).
 */
import assert from 'node:assert/strict';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { completionRow, insertCompletionRows } from '../../src/achievements/completions.js';
import { newId } from '../../src/store/ids.js';
import { ACHIEVEMENTS, createFixtureEnvironment, Fixtures, injectCaller, unique } from '../support/fixtures.js';
import type { TestLaurel } from '../support/laurel.js';
import { setTotal } from '../support/rows.js';

export { ACHIEVEMENTS, unique };

export interface Env {
  id: string;
  key: string;
}

export async function developmentEnv(laurel: TestLaurel): Promise<Env> {
  const env = await findEnvironmentByName(laurel.backend.db, 'development');
  return { id: env!.id, key: laurel.keys.development };
}

export async function newEnv(laurel: TestLaurel, name?: string): Promise<Env> {
  return createFixtureEnvironment(laurel.backend.db, laurel.clock.now(), name);
}

/** The fixtures' builders for an environment of these suites. */
const fixtures = (laurel: TestLaurel, env: Env): Fixtures => new Fixtures(injectCaller(laurel), { ...env, name: env.id });

/** A metric made with the Admin API. */
export function createMetric(laurel: TestLaurel, env: Env, key = unique('metric'), name = `Metric ${key}`): Promise<{ id: string; key: string; name: string }> {
  return fixtures(laurel, env).metric({ key, name });
}

/** An attribute made with the Admin API. */
export function createAttribute(laurel: TestLaurel, env: Env, key: string, type: 'user' | 'event'): Promise<{ id: string; key: string }> {
  return fixtures(laurel, env).attribute(key, type);
}

export async function insertUser(laurel: TestLaurel, env: Env, id = unique('user'), attributes: Record<string, string> = {}): Promise<string> {
  const now = laurel.clock.now();
  await laurel.backend.db
    .insertInto('users')
    .values({
      environment_id: env.id,
      id,
      email: null,
      name: null,
      tz: null,
      device_tokens: null,
      subscribe_to_emails: 1,
      attributes: JSON.stringify(attributes),
      control: 0,
      preferences: '{"notifications":{}}',
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** A metric event, and the user's total moved by its value (what the event path does). */
export async function insertEvent(laurel: TestLaurel, env: Env, userId: string, metricId: string, value: number, attributes: Record<string, string> = {}): Promise<void> {
  const db = laurel.backend.db;
  const current = await db
    .selectFrom('user_metrics')
    .select('total')
    .where('environment_id', '=', env.id)
    .where('user_id', '=', userId)
    .where('metric_id', '=', metricId)
    .executeTakeFirst();
  const total = (current?.total ?? 0) + value;
  await setTotal(laurel, env, userId, metricId, total);
  await db
    .insertInto('metric_events')
    .values({
      id: newId(),
      environment_id: env.id,
      user_id: userId,
      metric_id: metricId,
      value,
      attributes: JSON.stringify(attributes),
      idempotency_key: null,
      total,
      created_at: laurel.clock.now(),
    })
    .execute();
}

export async function setStreak(laurel: TestLaurel, env: Env, userId: string, length: number): Promise<void> {
  await laurel.backend.db
    .insertInto('user_streaks')
    .values({
      environment_id: env.id,
      user_id: userId,
      length,
      started: null,
      last_period_start: null,
      last_extended_at: null,
      freezes: 0,
      next_freeze_earn: null,
      updated_at: laurel.clock.now(),
    })
    .execute();
}

export async function createAchievements(laurel: TestLaurel, env: Env, items: Record<string, unknown>[]): Promise<any[]> {
  const response = await laurel.api('POST', ACHIEVEMENTS, { key: env.key, body: items });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  assert.deepEqual(response.body.issues, []);
  return response.body.created;
}

export async function createAchievement(laurel: TestLaurel, env: Env, item: Record<string, unknown>): Promise<any> {
  return (await createAchievements(laurel, env, [item]))[0];
}

export async function updateAchievement(laurel: TestLaurel, env: Env, change: Record<string, unknown>): Promise<any> {
  const response = await laurel.api('PATCH', ACHIEVEMENTS, { key: env.key, body: [change] });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(response.body.issues, []);
  return response.body.updated[0];
}

/**
 * Completions written with the pipeline's row writer, for holdings the API cannot make (a streak
 * achievement held, one held while locked or inactive); returns those recorded, in the order given.
 */
export async function insertHeldCompletions(laurel: TestLaurel, env: Env, userId: string, achievementIds: readonly string[], backdated = false): Promise<{ id: string; achievementId: string; achievedAt: number }[]> {
  const rows = [...new Set(achievementIds)].map((achievementId) => completionRow(env.id, userId, achievementId, laurel.clock.now(), backdated));
  const inserted = new Set(await insertCompletionRows(laurel.backend.db, rows));
  return rows.filter((row) => inserted.has(row.id)).map((row) => ({ id: row.id, achievementId: row.achievement_id, achievedAt: row.achieved_at }));
}

/** user id -> ids of the achievements they hold, with the backdated flag. */
export async function completions(laurel: TestLaurel, env: Env): Promise<{ userId: string; achievementId: string; backdated: number; achievedAt: number }[]> {
  const rows = await laurel.backend.db
    .selectFrom('user_achievements')
    .select(['user_id', 'achievement_id', 'backdated', 'achieved_at'])
    .where('environment_id', '=', env.id)
    .orderBy('user_id')
    .orderBy('achievement_id')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, achievementId: r.achievement_id, backdated: r.backdated, achievedAt: r.achieved_at }));
}

/** Which of these users hold the achievement. */
export async function holders(laurel: TestLaurel, env: Env, achievementId: string): Promise<string[]> {
  return (await completions(laurel, env)).filter((c) => c.achievementId === achievementId).map((c) => c.userId).sort();
}
