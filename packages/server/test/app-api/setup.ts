/** Configuration shortcuts for Application API tests: each goes through the Admin API, as a customer would. */
import assert from 'node:assert/strict';
import type { TestLaurel } from '../support/laurel.js';

export async function createMetric(laurel: TestLaurel, key: string, key2?: string): Promise<string> {
  const response = await laurel.api('POST', '/admin/v1/metrics', { body: [{ name: key, key }], ...(key2 ? { key: key2 } : {}) });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.created[0].id;
}

export async function createAttribute(laurel: TestLaurel, key: string, type: 'user' | 'event'): Promise<void> {
  const response = await laurel.api('POST', '/admin/v1/attributes', { body: [{ name: key, key, type }] });
  assert.equal(response.status, 201, JSON.stringify(response.body));
}

export async function createAchievement(laurel: TestLaurel, item: Record<string, unknown>): Promise<any> {
  const response = await laurel.api('POST', '/admin/v1/achievements', { body: [{ status: 'active', name: String(item.key), ...item }] });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  assert.deepEqual(response.body.issues, []);
  return response.body.created[0];
}

export async function sendEvent(
  laurel: TestLaurel,
  metric: string,
  body: Record<string, unknown>,
  idempotencyKey?: string,
): Promise<{ status: number; body: any }> {
  return laurel.api('POST', `/v1/metrics/${metric}/event`, { body, ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}) });
}

export async function count(laurel: TestLaurel, table: 'users' | 'metric_events' | 'events' | 'user_achievements' | 'user_metrics'): Promise<number> {
  const row = await laurel.backend.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
