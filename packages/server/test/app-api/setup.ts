/** Application API shortcuts: a raw metric event (any answer, for the refusals too) and a table's row count. Configuration comes from test/support/fixtures.ts. */
import type { TestLaurel } from '../support/laurel.js';

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
