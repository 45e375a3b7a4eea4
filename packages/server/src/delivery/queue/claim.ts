import { sql } from 'kysely';
import type { Backend } from '../../store/backends/backend.js';
import type { AttemptTrigger } from '../../store/schema.js';

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  webhookId: string;
  eventType: string;
  /** The number of this attempt (1 for the first). */
  attempt: number;
  trigger: AttemptTrigger;
  leaseExpiresAt: number;
}

export interface ClaimInput {
  workerId: string;
  now: number;
  leaseMs: number;
  limit: number;
  /** At most this many rows of one webhook per claim, so one busy webhook cannot take the whole batch. */
  perWebhookLimit: number;
  /** Webhooks this worker is already saturated on. */
  excludeWebhookIds: readonly string[];
}

/**
 * Atomically takes up to `limit` due deliveries: one statement marks them delivering, sets the
 * lease owner and expiry and counts the attempt. Every later write about them checks the owner
 * (see complete.ts, release.ts), so a worker whose lease was reclaimed cannot overwrite anything.
 * On PostgreSQL, SKIP LOCKED lets many workers claim concurrently without waiting on each other.
 */
export async function claimDeliveries(backend: Backend, input: ClaimInput): Promise<ClaimedDelivery[]> {
  if (input.limit <= 0) return [];
  const leaseExpiresAt = input.now + input.leaseMs;
  const excluded =
    input.excludeWebhookIds.length > 0
      ? sql`and webhook_id not in (${sql.join(input.excludeWebhookIds)})`
      : sql``;
  const lock = backend.supportsSkipLocked ? sql`for update skip locked` : sql``;
  const result = await sql<{
    id: string;
    event_id: string;
    webhook_id: string;
    event_type: string;
    attempts: number;
    next_trigger: AttemptTrigger;
  }>`
    update deliveries
    set status = 'delivering',
        lease_owner = ${input.workerId},
        lease_expires_at = ${leaseExpiresAt},
        attempts = attempts + 1,
        updated_at = ${input.now}
    where id in (
      select id from (
        select id, row_number() over (partition by webhook_id order by next_attempt_at, id) as position
        from (
          select id, webhook_id, next_attempt_at
          from deliveries
          where status in ('pending', 'retrying') and next_attempt_at <= ${input.now} ${excluded}
          order by next_attempt_at, id
          limit ${input.limit}
          ${lock}
        ) as due
      ) as ranked
      where position <= ${input.perWebhookLimit}
    )
    returning id, event_id, webhook_id, event_type, attempts, next_trigger
  `.execute(backend.db);
  return result.rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    webhookId: row.webhook_id,
    eventType: row.event_type,
    attempt: Number(row.attempts),
    trigger: row.next_trigger,
    leaseExpiresAt,
  }));
}
