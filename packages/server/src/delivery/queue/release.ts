import { sql } from 'kysely';
import type { Backend } from '../../store/backends/backend.js';
import { heldLeases, type Lease } from './lease-fence.js';

/**
 * Gives claimed deliveries back without attempting them (worker stopping, or a lease too short to
 * start an attempt safely). The claim's attempt count is undone; the owner and attempt number fence it.
 */
export async function releaseDeliveries(backend: Backend, workerId: string, leases: readonly Lease[], now: number): Promise<number> {
  if (leases.length === 0) return 0;
  const result = await backend.queue
    .updateTable('deliveries')
    .set({
      status: sql`case when attempts <= 1 then 'pending' else 'retrying' end`,
      attempts: sql`attempts - 1`,
      lease_owner: null,
      lease_expires_at: null,
      updated_at: now,
    })
    .where((eb) => heldLeases(eb, leases))
    .where('lease_owner', '=', workerId)
    .where('status', '=', 'delivering')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
