import { sql } from 'kysely';
import type { Backend } from '../../store/backends/backend.js';

/**
 * Webhooks that have deliveries due now, the longest-waiting first (so with more than `limit`
 * of them, the oldest work is found first). Workers learn of new work mostly from the outbox's
 * wake-ups (which name the webhooks); this query is the fallback that catches retries coming
 * due and anything a wake-up missed.
 * It asks each webhook for its oldest due-able delivery, one seek into the partial index of
 * due-able rows each, so its cost follows the number of webhooks, not the size of a backlog:
 * grouping the whole index instead read all 20,000 rows a hanging receiver had queued, every poll.
 */
export async function findDueWebhooks(backend: Backend, now: number, limit = 1_000): Promise<string[]> {
  const result = await sql<{ webhook_id: string }>`
    select webhook_id from (
      select webhooks.id as webhook_id,
             (select min(deliveries.next_attempt_at) from deliveries
              where deliveries.webhook_id = webhooks.id and deliveries.status in ('pending', 'retrying')) as due_at
      from webhooks
    ) as oldest
    where due_at <= ${now}
    order by due_at
    limit ${limit}
  `.execute(backend.queue);
  return result.rows.map((row) => row.webhook_id);
}
