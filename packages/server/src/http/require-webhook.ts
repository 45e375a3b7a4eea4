import type { Kysely } from 'kysely';
import type { Schema, Webhook } from '../store/schema.js';
import { findWebhookRow } from '../webhooks/webhook-store.js';
import { errors } from '../errors.js';

/** The webhook with this id in the caller's environment, or a 404: other environments' ids are as unknown as ids never made. */
export async function requireWebhook(db: Kysely<Schema>, environmentId: string, id: string): Promise<Webhook> {
  const row = await findWebhookRow(db, environmentId, id);
  if (!row) throw errors.notFound('Webhook', id);
  return row;
}
