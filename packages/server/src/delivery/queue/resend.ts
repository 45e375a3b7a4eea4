import type { Kysely } from 'kysely';
import type { Schema } from '../../store/schema.js';

/**
 * Puts one delivery back in the queue for an attempt now, logged as `manual`. Manual attempts are
 * not retried automatically. A delivery being attempted right now is left alone (returns false).
 */
export async function resendDelivery(db: Kysely<Schema>, webhookId: string, deliveryId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'pending', next_trigger: 'manual', next_attempt_at: now, updated_at: now })
    .where('webhook_id', '=', webhookId)
    .where('id', '=', deliveryId)
    .where('status', '!=', 'delivering')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const RECOVER_LIMIT = 10_000;

/** Resends every failed delivery of a webhook created in [since, until), at most RECOVER_LIMIT per call. */
export async function recoverFailed(db: Kysely<Schema>, webhookId: string, since: number, until: number, now: number): Promise<number> {
  const candidates = db
    .selectFrom('deliveries')
    .select('id')
    .where('webhook_id', '=', webhookId)
    .where('status', '=', 'failed')
    .where('created_at', '>=', since)
    .where('created_at', '<', until)
    .orderBy('created_at')
    .limit(RECOVER_LIMIT);
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'pending', next_trigger: 'manual', next_attempt_at: now, updated_at: now })
    .where('id', 'in', candidates)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
