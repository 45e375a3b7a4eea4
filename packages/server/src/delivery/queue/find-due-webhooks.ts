import type { Backend } from '../../store/backends/backend.js';

/**
 * Webhooks that have deliveries due now, the longest-waiting first (so with more than `limit`
 * of them, the oldest work is found first). Workers learn of new work mostly from the outbox's
 * wake-ups (which name the webhooks); this query is the fallback that catches retries coming
 * due and anything a wake-up missed. It reads only the partial index of due-able rows.
 */
export async function findDueWebhooks(backend: Backend, now: number, limit = 1_000): Promise<string[]> {
  const rows = await backend.queue
    .selectFrom('deliveries')
    .select('webhook_id')
    .where('status', 'in', ['pending', 'retrying'])
    .where('next_attempt_at', '<=', now)
    .groupBy('webhook_id')
    .orderBy((eb) => eb.fn.min('next_attempt_at'))
    .limit(limit)
    .execute();
  return rows.map((row) => row.webhook_id);
}
