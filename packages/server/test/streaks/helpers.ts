/**
 * Set-up shortcuts for the streak API tests: rows for metrics, users, streak state and history
 * written straight into the database (the metrics and users APIs are tested elsewhere), and the
 * reference-schema assertions.
 */
import assert from 'node:assert/strict';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import type { PeriodRecord } from '../../src/engine/streaks/index.js';
import { newId } from '../../src/store/ids.js';
import type { TestLaurel } from '../support/laurel.js';
import { createFixtureEnvironment, Fixtures, injectCaller, unique } from '../support/fixtures.js';
import { assertAdminSchema, assertAppSchema } from '../support/reference-schemas.js';

export const SETTINGS = '/admin/v1/streaks/settings';
export const FREEZES = '/admin/v1/streaks/freezes';
export const PAUSES = '/admin/v1/streaks/pauses';
export const RESTORE = '/admin/v1/streaks/restore';

export { unique };

/** A fresh environment (streak settings are per environment) and an admin key for it. */
export async function newEnvironment(laurel: TestLaurel): Promise<{ id: string; key: string }> {
  return createFixtureEnvironment(laurel.backend.db, laurel.clock.now());
}

export async function environmentId(laurel: TestLaurel, name = 'development'): Promise<string> {
  return (await findEnvironmentByName(laurel.backend.db, name))!.id;
}

/** A metric made with the Admin API (the fixtures), named by its key. */
export function createMetric(laurel: TestLaurel, env: { id: string; key: string }, key = unique('metric')): Promise<{ id: string; key: string; name: string }> {
  return new Fixtures(injectCaller(laurel), { ...env, name: env.id }).metric({ key, name: key });
}

/** An archived metric, written as a row: no API archives a metric. */
export async function insertArchivedMetric(laurel: TestLaurel, environment: string, key = unique('metric')): Promise<{ id: string; key: string }> {
  const id = newId();
  const now = laurel.clock.now();
  await laurel.backend.db
    .insertInto('metrics')
    .values({ id, environment_id: environment, key, name: key, unit_type: 'number', units: '', status: 'archived', created_at: now, updated_at: now })
    .execute();
  return { id, key };
}

export async function insertUser(
  laurel: TestLaurel,
  environment: string,
  options: { id?: string; tz?: string | null; streakEnabled?: boolean } = {},
): Promise<string> {
  const id = options.id ?? unique('user');
  const now = laurel.clock.now();
  const preferences = options.streakEnabled === false ? { notifications: {}, streak: { enabled: false } } : { notifications: {} };
  await laurel.backend.db
    .insertInto('users')
    .values({
      environment_id: environment,
      id,
      email: null,
      name: null,
      tz: options.tz ?? null,
      device_tokens: null,
      subscribe_to_emails: 1,
      attributes: '{}',
      control: 0,
      preferences: JSON.stringify(preferences),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

export async function getStreakState(laurel: TestLaurel, environment: string, userId: string) {
  return laurel.backend.db.selectFrom('user_streaks').selectAll().where('environment_id', '=', environment).where('user_id', '=', userId).executeTakeFirst();
}

export async function insertPeriods(laurel: TestLaurel, environment: string, userId: string, records: readonly PeriodRecord[]): Promise<void> {
  for (const r of records) {
    await laurel.backend.db
      .insertInto('streak_periods')
      .values({
        environment_id: environment,
        user_id: userId,
        period_start: r.periodStart,
        period_end: r.periodEnd,
        length: r.length,
        used_freeze: r.usedFreeze ? 1 : 0,
        used_pause: r.usedPause ? 1 : 0,
      })
      .execute();
  }
}

/** A daily history row (period = one day). */
export const day = (date: string, length: number, used: 'freeze' | 'pause' | null = null): PeriodRecord => ({
  periodStart: date,
  periodEnd: date,
  length,
  usedFreeze: used === 'freeze',
  usedPause: used === 'pause',
});

/** Events of one type written to the outbox for a user, oldest first, as parsed payloads. */
export async function eventsFor(laurel: TestLaurel, environment: string, type: string, userId: string): Promise<any[]> {
  const rows = await laurel.backend.db.selectFrom('events').select(['payload', 'created_at']).where('environment_id', '=', environment).where('type', '=', type).orderBy('created_at').orderBy('id').execute();
  return rows.map((row) => JSON.parse(row.payload)).filter((payload) => payload.user?.id === userId);
}

/** Valid settings with one daily condition; override what the test is about. */
export function settingsBody(metricKey: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { enabled: true, frequency: 'daily', conditions: [{ metricKey, threshold: 1 }], ...overrides };
}

export async function putSettings(laurel: TestLaurel, body: Record<string, unknown>, key?: string): Promise<any> {
  const response = await laurel.api('PUT', SETTINGS, { body, ...(key ? { key } : {}) });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

/** An issue as the streak admin endpoints answer it: `severity`/`message` also spelt `level`/`reason` (SDK 1.0.42). */
export function issue<T extends { severity: 'error' | 'warning'; message: string }>(fields: T): T & { level: string; reason: string } {
  return { ...fields, level: fields.severity, reason: fields.message };
}

/** Schema errors against Trophy's Admin document, except the SDK 1.0.42 issue spellings Laurel adds on purpose. */
export function assertAdminReference(schemaName: string, body: unknown): void {
  assertAdminSchema(schemaName, body, /^\/issues\/\d+\/(level|reason) is not defined by the reference schema$/);
}

export const assertApplicationReference = (schemaName: string, body: unknown): void => assertAppSchema(schemaName, body);
