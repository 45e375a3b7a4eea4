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
  /** When it became due (`next_attempt_at`): claims take the oldest first. */
  dueAt: number;
  /** The event's body, when the claim could bring it along (PostgreSQL). */
  payload?: string;
}

export interface ClaimInput {
  workerId: string;
  webhookId: string;
  now: number;
  leaseMs: number;
  limit: number;
  /**
   * Look only at deliveries due at or after this time. A worker that knows it has claimed
   * everything older passes it, so that on PostgreSQL the scan starts where the live rows are
   * instead of walking the index entries of every delivery claimed since the last VACUUM.
   */
  dueFrom?: number;
}

/**
 * Atomically takes up to `limit` due deliveries of one webhook, oldest first: one statement marks
 * them delivering, sets the lease owner and expiry and counts the attempt. Every later write about
 * them checks the owner (complete.ts, release.ts), so a worker whose lease was reclaimed cannot
 * overwrite anything. Claiming per webhook keeps the cost proportional to what is taken, however
 * large another webhook's backlog. On PostgreSQL, SKIP LOCKED lets many workers claim at once.
 */
export async function claimDeliveries(backend: Backend, input: ClaimInput): Promise<ClaimedDelivery[]> {
  if (input.limit <= 0) return [];
  const leaseExpiresAt = input.now + input.leaseMs;
  const lock = backend.supportsSkipLocked ? sql`for update skip locked` : sql``;
  const update = sql`
    update deliveries
    set status = 'delivering',
        lease_owner = ${input.workerId},
        lease_expires_at = ${leaseExpiresAt},
        attempts = attempts + 1,
        updated_at = ${input.now}
    where id in (
      select id from deliveries
      where webhook_id = ${input.webhookId}
        and status in ('pending', 'retrying')
        and next_attempt_at <= ${input.now}
        ${input.dueFrom === undefined ? sql`` : sql`and next_attempt_at >= ${input.dueFrom}`}
      order by next_attempt_at, id
      limit ${input.limit}
      ${lock}
    )
    returning id, event_id, event_type, attempts, next_trigger, next_attempt_at`;
  // On PostgreSQL the claim brings the payloads along (a data-modifying CTE), saving the worker a
  // round trip per claim; SQLite has no such CTEs, and its reads are in-process anyway.
  const query =
    backend.kind === 'postgres'
      ? sql<ClaimRow>`with claimed as (${update}) select claimed.*, events.payload from claimed left join events on events.id = claimed.event_id`
      : sql<ClaimRow>`${update}`;
  const result = await query.execute(backend.queue);
  return result.rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    webhookId: input.webhookId,
    eventType: row.event_type,
    attempt: Number(row.attempts),
    trigger: row.next_trigger,
    leaseExpiresAt,
    dueAt: Number(row.next_attempt_at),
    ...(row.payload !== undefined ? { payload: row.payload ?? '' } : {}),
  }));
}

interface ClaimRow {
  id: string;
  event_id: string;
  event_type: string;
  attempts: number;
  next_trigger: AttemptTrigger;
  next_attempt_at: number;
  payload?: string | null;
}
