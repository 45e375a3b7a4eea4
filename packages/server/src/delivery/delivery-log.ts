import type { Kysely } from 'kysely';
import type { AttemptTrigger, DeliveryAttempt as AttemptRow, Delivery as DeliveryRow, DeliveryStatus, Schema } from '../store/schema.js';

/** What the delivery log shows: each event sent to a webhook, its state and every attempt. */
export interface DeliverySummary {
  id: string;
  eventId: string;
  webhookId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  /** When the next attempt is due; null once the delivery has succeeded or failed for good. */
  nextAttemptAt: string | null;
  created: string;
  updated: string;
  lastAttempt: Attempt | null;
}

export interface DeliveryDetail extends DeliverySummary {
  payload: unknown;
  attempts: Attempt[];
}

export interface Attempt {
  number: number;
  trigger: AttemptTrigger;
  startedAt: string;
  statusCode: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  latencyMs: number;
  responseBody: string | null;
  requestHeaders: Record<string, string>;
}

export interface DeliveryFilter {
  status?: DeliveryStatus | undefined;
  eventType?: string | undefined;
  limit: number;
  skip: number;
}

export async function listDeliveries(db: Kysely<Schema>, webhookId: string, filter: DeliveryFilter): Promise<DeliverySummary[]> {
  let query = db.selectFrom('deliveries').selectAll().where('webhook_id', '=', webhookId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.eventType) query = query.where('event_type', '=', filter.eventType);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).offset(filter.skip).execute();
  const latest = await latestAttempts(db, rows.map((row) => row.id));
  return rows.map((row) => toSummary(row, latest.get(row.id) ?? null));
}

export async function getDelivery(db: Kysely<Schema>, webhookId: string, deliveryId: string): Promise<DeliveryDetail | undefined> {
  const row = await db.selectFrom('deliveries').selectAll().where('webhook_id', '=', webhookId).where('id', '=', deliveryId).executeTakeFirst();
  if (!row) return undefined;
  const [event, attemptRows] = await Promise.all([
    db.selectFrom('events').select('payload').where('id', '=', row.event_id).executeTakeFirst(),
    db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('number').orderBy('started_at').execute(),
  ]);
  const attempts = attemptRows.map(toAttempt);
  return { ...toSummary(row, attempts.at(-1) ?? null), payload: event ? JSON.parse(event.payload) : null, attempts };
}

async function latestAttempts(db: Kysely<Schema>, deliveryIds: string[]): Promise<Map<string, Attempt>> {
  const latest = new Map<string, Attempt>();
  if (deliveryIds.length === 0) return latest;
  const rows = await db.selectFrom('delivery_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('number').orderBy('started_at').execute();
  for (const row of rows) latest.set(row.delivery_id, toAttempt(row));
  return latest;
}

function toSummary(row: DeliveryRow, lastAttempt: Attempt | null): DeliverySummary {
  const live = row.status === 'pending' || row.status === 'retrying' || row.status === 'delivering';
  return {
    id: row.id,
    eventId: row.event_id,
    webhookId: row.webhook_id,
    eventType: row.event_type,
    status: row.status,
    attemptCount: row.attempts,
    nextAttemptAt: live ? new Date(row.next_attempt_at).toISOString() : null,
    created: new Date(row.created_at).toISOString(),
    updated: new Date(row.updated_at).toISOString(),
    lastAttempt,
  };
}

function toAttempt(row: AttemptRow): Attempt {
  return {
    number: row.number,
    trigger: row.trigger,
    startedAt: new Date(row.started_at).toISOString(),
    statusCode: row.status_code,
    errorKind: row.error_kind,
    errorMessage: row.error_message,
    latencyMs: row.latency_ms,
    responseBody: row.response_body,
    requestHeaders: JSON.parse(row.request_headers) as Record<string, string>,
  };
}

/**
 * Deletes the delivery log of these webhooks: their deliveries and those deliveries' attempts.
 * The log has no foreign keys (migration 0005), so nothing cascades: whoever removes a webhook's
 * log calls this, inside its own transaction. Returns how many deliveries went.
 */
export async function deleteDeliveryLog(trx: Kysely<Schema>, webhookIds: readonly string[]): Promise<number> {
  if (webhookIds.length === 0) return 0;
  const deliveries = trx.selectFrom('deliveries').select('id').where('webhook_id', 'in', webhookIds);
  await trx.deleteFrom('delivery_attempts').where('delivery_id', 'in', deliveries).execute();
  const result = await trx.deleteFrom('deliveries').where('webhook_id', 'in', webhookIds).executeTakeFirst();
  return Number(result.numDeletedRows);
}
