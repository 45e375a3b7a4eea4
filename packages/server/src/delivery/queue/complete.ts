import { sql, type Kysely } from 'kysely';
import { newId } from '../../store/ids.js';
import { rowSet } from '../../store/row-set.js';
import { leaseKey } from './lease-fence.js';
import type { Backend } from '../../store/backends/backend.js';
import type { AttemptTrigger, Schema } from '../../store/schema.js';

/** What became of one attempt, decided by the worker, written here. */
export interface FinishedAttempt {
  deliveryId: string;
  webhookId: string;
  number: number;
  trigger: AttemptTrigger;
  startedAt: number;
  latencyMs: number;
  statusCode: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  responseBody: string | null;
  requestHeaders: Record<string, string>;
  next: { status: 'succeeded' } | { status: 'failed' } | { status: 'retrying'; at: number };
  /** The receiver said 410 Gone: it wants no more deliveries. */
  gone: boolean;
}

export interface CompletionResult {
  /** Attempts written; the rest lost their lease to another worker and were dropped. */
  recorded: FinishedAttempt[];
  disabledWebhooks: { id: string; reason: string }[];
}

/**
 * Writes a batch of finished attempts in one transaction: the attempt log rows, each delivery's
 * next state, and webhook health (failure streaks, auto-disable). Every delivery write is fenced
 * on the lease: same owner AND same attempt number as the claim. The owner alone is not enough: a
 * worker whose lease was reclaimed may claim the same delivery again, and its late answer to the
 * old attempt must not overwrite the new one. A fenced-out attempt is not recorded and changes nothing.
 * The fence needs no status condition: only a claim sets `lease_owner`, and every write that ends
 * a claim (this one, release, reclaim) clears it. Leaving status out also keeps PostgreSQL on the
 * primary key: with `status = 'delivering'` it picked the partial index of leased rows, which under
 * a steady stream of claims is mostly dead entries (7.9 ms for 50 rows instead of 0.8).
 * Batching is what lets one SQLite connection keep up with thousands of attempts per second.
 */
export async function completeAttempts(
  backend: Backend,
  workerId: string,
  attempts: readonly FinishedAttempt[],
  now: number,
  autoDisableAfterMs: number,
): Promise<CompletionResult> {
  if (attempts.length === 0) return { recorded: [], disabledWebhooks: [] };
  const update = updateDeliveries(backend, workerId, attempts, now);
  if (backend.kind === 'postgres' && attempts.every(succeeded)) {
    // The usual batch, all 2xx, in one statement (so one round trip, no transaction to open and
    // commit): the deliveries' new state, the attempt rows of those still held, and the webhooks
    // made healthy again. Batches with failures take the path below (streaks, auto-disable).
    const rows = attempts.map(toRow);
    const written = await sql<{ id: string; attempts: number }>`
      with written as (${update}),
      logged as (
        insert into delivery_attempts (${ATTEMPT_COLUMN_LIST})
        select ${sql.join(Object.keys(ATTEMPT_COLUMNS).map((column) => sql.ref(`a.${column}`)))}
        from ${rowSet(backend.kind, 'a', ATTEMPT_COLUMNS, rows)}
        join written on written.id = a.delivery_id and written.attempts = a.number
      ),
      healthy as (
        update webhooks set failing_since = null
        where id = any(${[...new Set(attempts.map((a) => a.webhookId))]}) and failing_since is not null
      )
      select id, attempts from written
    `.execute(backend.queue);
    return { recorded: heldBy(written.rows, attempts), disabledWebhooks: [] };
  }
  return backend.queue.transaction().execute(async (trx) => {
    const recorded = heldBy((await update.execute(trx)).rows, attempts);
    if (recorded.length > 0) {
      await sql`
        insert into delivery_attempts (${ATTEMPT_COLUMN_LIST})
        select ${ATTEMPT_COLUMN_LIST} from ${rowSet(backend.kind, 'a', ATTEMPT_COLUMNS, recorded.map(toRow))}
      `.execute(trx);
    }
    const disabledWebhooks = await updateWebhookHealth(trx, recorded, now, autoDisableAfterMs);
    return { recorded, disabledWebhooks };
  });
}

/** Each delivery's next state, for those whose lease these attempts still hold; returns their ids and attempt numbers. */
function updateDeliveries(backend: Backend, workerId: string, attempts: readonly FinishedAttempt[], now: number) {
  const outcomes = attempts.map((a) => ({
    id: a.deliveryId,
    attempt: a.number,
    status: a.next.status,
    retry_at: a.next.status === 'retrying' ? a.next.at : null,
  }));
  return sql<{ id: string; attempts: number }>`
    update deliveries
    set status = o.status,
        next_attempt_at = coalesce(o.retry_at, deliveries.next_attempt_at),
        next_trigger = case when o.status = 'retrying' then 'retry' else deliveries.next_trigger end,
        lease_owner = null,
        lease_expires_at = null,
        last_attempt_at = ${now},
        updated_at = ${now}
    from ${rowSet(backend.kind, 'o', OUTCOME_COLUMNS, outcomes)}
    where deliveries.id = o.id
      and deliveries.attempts = o.attempt
      and deliveries.lease_owner = ${workerId}
    returning deliveries.id, deliveries.attempts`;
}

/** The attempts whose delivery rows were written (the rest lost their lease). */
function heldBy(written: readonly { id: string; attempts: number }[], attempts: readonly FinishedAttempt[]): FinishedAttempt[] {
  const held = new Set(written.map((row) => leaseKey(row.id, Number(row.attempts))));
  return attempts.filter((a) => held.has(leaseKey(a.deliveryId, a.number)));
}

const succeeded = (a: FinishedAttempt): boolean => a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300;

const OUTCOME_COLUMNS = { id: 'text', attempt: 'integer', status: 'text', retry_at: 'bigint' } as const;

const ATTEMPT_COLUMNS = {
  id: 'text',
  delivery_id: 'text',
  webhook_id: 'text',
  number: 'integer',
  trigger: 'text',
  started_at: 'bigint',
  status_code: 'integer',
  error_kind: 'text',
  error_message: 'text',
  latency_ms: 'integer',
  response_body: 'text',
  request_headers: 'text',
} as const;

const ATTEMPT_COLUMN_LIST = sql.raw(Object.keys(ATTEMPT_COLUMNS).join(', '));

function toRow(a: FinishedAttempt) {
  return {
    id: newId(),
    delivery_id: a.deliveryId,
    webhook_id: a.webhookId,
    number: a.number,
    trigger: a.trigger,
    started_at: a.startedAt,
    status_code: a.statusCode,
    error_kind: a.errorKind,
    error_message: a.errorMessage,
    latency_ms: Math.round(a.latencyMs),
    response_body: a.responseBody,
    request_headers: JSON.stringify(a.requestHeaders),
  };
}

/**
 * A webhook that answers any 2xx is healthy again. One that keeps failing with no success for
 * `autoDisableAfterMs` is disabled, and so is one that answered 410 Gone; the reason is stored.
 */
async function updateWebhookHealth(
  trx: Kysely<Schema>,
  attempts: readonly FinishedAttempt[],
  now: number,
  autoDisableAfterMs: number,
): Promise<{ id: string; reason: string }[]> {
  const healthy = new Set(attempts.filter(succeeded).map((a) => a.webhookId));
  const failing = new Set(attempts.map((a) => a.webhookId).filter((id) => !healthy.has(id)));
  const gone = new Set(attempts.filter((a) => a.gone).map((a) => a.webhookId));
  if (healthy.size > 0) {
    await trx
      .updateTable('webhooks')
      .set({ failing_since: null })
      .where('id', 'in', [...healthy])
      .where('failing_since', 'is not', null)
      .execute();
  }
  const disabled: { id: string; reason: string }[] = [];
  if (failing.size > 0) {
    await trx
      .updateTable('webhooks')
      .set({ failing_since: now })
      .where('id', 'in', [...failing])
      .where('failing_since', 'is', null)
      .execute();
    const reason = `disabled automatically: every delivery failed for ${describeDuration(autoDisableAfterMs)} without a success`;
    const rows = await trx
      .updateTable('webhooks')
      .set({ enabled: 0, disabled_reason: reason, updated_at: now })
      .where('id', 'in', [...failing])
      .where('enabled', '=', 1)
      .where('failing_since', '<=', now - autoDisableAfterMs)
      .returning('id')
      .execute();
    disabled.push(...rows.map((row) => ({ id: row.id, reason })));
  }
  if (gone.size > 0) {
    const reason = 'disabled automatically: the receiver answered 410 Gone';
    const rows = await trx
      .updateTable('webhooks')
      .set({ enabled: 0, disabled_reason: reason, updated_at: now })
      .where('id', 'in', [...gone])
      .where('enabled', '=', 1)
      .returning('id')
      .execute();
    disabled.push(...rows.map((row) => ({ id: row.id, reason })));
  }
  return disabled;
}

const UNITS = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
] as const;

/** "5 days", "36 hours", "10 minutes": the window in the largest unit that divides it exactly. */
function describeDuration(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}
