import { sql, type Kysely, type UpdateObject } from 'kysely';
import type { EventType } from '../events/event-types.js';
import type { Schema, Webhook as WebhookRow } from '../store/schema.js';
import { deleteDeliveryLog } from '../delivery/delivery-log.js';
import { newId } from '../store/ids.js';
import { insertSecret } from './secrets.js';

/** A webhook as the API shows it (its secret is only ever returned by the secret calls). */
export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: EventType[];
  enabled: boolean;
  /** Set when Laurel disabled the webhook itself (410 Gone, days of failures); null otherwise. */
  disabledReason: string | null;
  /** Attempt timeout for this webhook, or null for the server's default. */
  timeoutMs: number | null;
  created: string;
  updated: string;
}

export interface WebhookInput {
  name: string;
  url: string;
  events: EventType[];
  enabled?: boolean;
  timeoutMs?: number | null;
}

export type WebhookChanges = Partial<WebhookInput>;

export function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: JSON.parse(row.events) as EventType[],
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    timeoutMs: row.timeout_ms,
    created: new Date(row.created_at).toISOString(),
    updated: new Date(row.updated_at).toISOString(),
  };
}

/** Creates webhooks with their first secret, all or none. */
export async function createWebhooks(
  db: Kysely<Schema>,
  environmentId: string,
  inputs: readonly WebhookInput[],
  now: number,
): Promise<(Webhook & { secret: string })[]> {
  return db.transaction().execute(async (trx) => {
    const created: (Webhook & { secret: string })[] = [];
    for (const input of inputs) {
      const row: WebhookRow = {
        // Time-ordered, so webhooks created in one call list in the order they were sent.
        id: newId(),
        environment_id: environmentId,
        name: input.name,
        url: input.url,
        events: JSON.stringify(dedupe(input.events)),
        enabled: input.enabled === false ? 0 : 1,
        disabled_reason: null,
        timeout_ms: input.timeoutMs ?? null,
        failing_since: null,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('webhooks').values(row).execute();
      const secret = await insertSecret(trx, row.id, now);
      created.push({ ...toWebhook(row), secret });
    }
    return created;
  });
}

export async function listWebhooks(db: Kysely<Schema>, environmentId: string, limit: number, skip: number): Promise<Webhook[]> {
  const rows = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .offset(skip)
    .execute();
  return rows.map(toWebhook);
}

export async function findWebhookRow(db: Kysely<Schema>, environmentId: string, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('environment_id', '=', environmentId).where('id', '=', id).executeTakeFirst();
}

/**
 * Applies changes by id; ids of other environments are as unknown as ids that never existed.
 * Only the fields given are written (no read-modify-write), so two changes at once, or a change
 * while the worker disables the webhook, never undo each other. Setting `enabled` by hand clears
 * the reason Laurel disabled it; re-enabling a disabled webhook also clears its failure streak.
 */
export async function updateWebhooks(
  db: Kysely<Schema>,
  environmentId: string,
  changes: readonly (WebhookChanges & { id: string })[],
  now: number,
): Promise<{ updated: Webhook[]; missing: string[] }> {
  return db.transaction().execute(async (trx) => {
    const updated: Webhook[] = [];
    const missing: string[] = [];
    for (const change of changes) {
      const set: UpdateObject<Schema, 'webhooks'> = { updated_at: now };
      if (change.name !== undefined) set.name = change.name;
      if (change.url !== undefined) {
        set.url = change.url;
        // A new address is a new receiver: failures of the old one must not count towards auto-disable.
        set.failing_since = null;
      }
      if (change.events !== undefined) set.events = JSON.stringify(dedupe(change.events));
      if (change.timeoutMs !== undefined) set.timeout_ms = change.timeoutMs;
      if (change.enabled !== undefined) {
        set.enabled = change.enabled ? 1 : 0;
        set.disabled_reason = null;
        // SET expressions read the row as it was, so this sees whether the webhook was disabled.
        if (change.enabled && change.url === undefined) {
          set.failing_since = sql<number | null>`case when enabled = 0 then null else failing_since end`;
        }
      }
      const row = await trx
        .updateTable('webhooks')
        .set(set)
        .where('environment_id', '=', environmentId)
        .where('id', '=', change.id)
        .returningAll()
        .executeTakeFirst();
      if (row) updated.push(toWebhook(row));
      else missing.push(change.id);
    }
    return { updated, missing };
  });
}

export async function deleteWebhooks(
  db: Kysely<Schema>,
  environmentId: string,
  ids: readonly string[],
): Promise<{ deleted: string[]; missing: string[] }> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .deleteFrom('webhooks')
      .where('environment_id', '=', environmentId)
      .where('id', 'in', [...ids])
      .returning('id')
      .execute();
    const deleted = rows.map((row) => row.id);
    await deleteDeliveryLog(trx, deleted);
    return { deleted, missing: ids.filter((id) => !deleted.includes(id)) };
  });
}

function dedupe<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
