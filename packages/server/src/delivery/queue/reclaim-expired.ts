import { newId } from '../../store/ids.js';
import { sql } from 'kysely';
import type { Backend } from '../../store/backends/backend.js';

/**
 * Returns deliveries whose worker died (lease expired while delivering) to the queue, due now, and
 * logs the lost attempt as `lease_expired`. It may or may not have reached the receiver: that is
 * the at-least-once contract. `ownedByDeadProcesses` is for SQLite start-up, where the only
 * possible owner is an earlier run of this process, so there is no need to wait out the leases.
 */
export async function reclaimExpiredLeases(
  backend: Backend,
  now: number,
  options: { ownedByDeadProcesses?: boolean; limit?: number } = {},
): Promise<number> {
  return backend.queue.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('deliveries')
      .select(['id', 'webhook_id', 'attempts', 'next_trigger', 'last_attempt_at', 'updated_at', 'lease_owner'])
      .where('status', '=', 'delivering')
      .limit(options.limit ?? 1000);
    if (!options.ownedByDeadProcesses) query = query.where('lease_expires_at', '<', now);
    if (backend.supportsSkipLocked) query = query.forUpdate().skipLocked();
    const expired = await query.execute();
    if (expired.length === 0) return 0;

    await trx
      .insertInto('delivery_attempts')
      .values(
        expired.map((d) => ({
          id: newId(),
          delivery_id: d.id,
          webhook_id: d.webhook_id,
          number: d.attempts,
          trigger: d.next_trigger,
          started_at: d.updated_at,
          status_code: null,
          error_kind: 'lease_expired',
          error_message: `worker ${d.lease_owner ?? '?'} stopped before recording this attempt; it may have been received`,
          latency_ms: 0,
          response_body: null,
          request_headers: '{}',
        })),
      )
      .execute();
    await trx
      .updateTable('deliveries')
      .set({
        status: 'retrying',
        next_trigger: sql`case when next_trigger = 'manual' then 'manual' else 'retry' end`,
        next_attempt_at: now,
        lease_owner: null,
        lease_expires_at: null,
        updated_at: now,
      })
      .where('id', 'in', expired.map((d) => d.id))
      .execute();
    return expired.length;
  });
}
