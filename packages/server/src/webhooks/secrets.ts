import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';
import { generateWebhookSecret } from './generate-secret.js';

export { generateWebhookSecret };

export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export async function insertSecret(db: Kysely<Schema>, webhookId: string, now: number): Promise<string> {
  const secret = generateWebhookSecret();
  await db
    .insertInto('webhook_secrets')
    .values({ id: randomUUID(), webhook_id: webhookId, secret, created_at: now, expires_at: null })
    .execute();
  return secret;
}

/** Secrets that still sign, newest first: the current one plus any rotated out less than the overlap ago. */
export interface ActiveSecret {
  secret: string;
  /** null for the current secret; the end of the overlap window for a rotated one. */
  expiresAt: number | null;
}

export async function activeSecrets(db: Kysely<Schema>, webhookIds: readonly string[], now: number): Promise<Map<string, ActiveSecret[]>> {
  const byWebhook = new Map<string, ActiveSecret[]>();
  if (webhookIds.length === 0) return byWebhook;
  const rows = await db
    .selectFrom('webhook_secrets')
    .select(['webhook_id', 'secret', 'expires_at'])
    .where('webhook_id', 'in', webhookIds)
    .where(stillSigning(now))
    .orderBy(sql`expires_at is null`, 'desc')
    .orderBy('expires_at', 'desc')
    .execute();
  for (const row of rows) {
    const list = byWebhook.get(row.webhook_id) ?? [];
    list.push({ secret: row.secret, expiresAt: row.expires_at });
    byWebhook.set(row.webhook_id, list);
  }
  return byWebhook;
}

export interface SigningTarget {
  url: string;
  enabled: boolean;
  timeoutMs: number | null;
  /** Active secrets, newest first. */
  secrets: string[];
}

/** What the delivery worker needs of each webhook to sign and send an attempt, in one query. */
export async function signingTargets(db: Kysely<Schema>, webhookIds: readonly string[], now: number): Promise<Map<string, SigningTarget>> {
  const targets = new Map<string, SigningTarget>();
  if (webhookIds.length === 0) return targets;
  const rows = await db
    .selectFrom('webhooks')
    .leftJoin('webhook_secrets', (join) => join.onRef('webhook_secrets.webhook_id', '=', 'webhooks.id').on(stillSigning(now)))
    .select(['webhooks.id', 'webhooks.url', 'webhooks.enabled', 'webhooks.timeout_ms', 'webhook_secrets.secret'])
    .where('webhooks.id', 'in', webhookIds)
    .orderBy(sql`webhook_secrets.expires_at is null`, 'desc')
    .orderBy('webhook_secrets.expires_at', 'desc')
    .execute();
  for (const row of rows) {
    let target = targets.get(row.id);
    if (!target) {
      target = { url: row.url, enabled: row.enabled === 1, timeoutMs: row.timeout_ms, secrets: [] };
      targets.set(row.id, target);
    }
    if (row.secret !== null) target.secrets.push(row.secret);
  }
  return targets;
}

/** The current secret (no expiry) and rotated ones still inside their overlap. Order newest first with `expires_at is null desc, expires_at desc`. */
function stillSigning(now: number) {
  return (eb: ExpressionBuilder<Schema, 'webhook_secrets'>) => eb.or([eb('webhook_secrets.expires_at', 'is', null), eb('webhook_secrets.expires_at', '>', now)]);
}

/**
 * Replaces the current secret. The old one keeps signing (alongside the new one, in
 * `webhook-signature`) until `now + overlapMs`, so receivers can switch without dropping events.
 * Returns the secrets active right after this rotation (newest first, read in the same transaction,
 * so a concurrent rotation can't change the answer), or undefined when the webhook no longer exists.
 */
export async function rotateSecret(db: Kysely<Schema>, webhookId: string, overlapMs: number, now: number): Promise<ActiveSecret[] | undefined> {
  return db.transaction().execute(async (trx) => {
    // Locks the webhook's row (PostgreSQL) so concurrent rotations, say a double-clicked button, run one
    // after the other. Without it each saw the same current secret and all inserted theirs: several
    // secrets without an expiry, and the secret call and X-Trophy-Signature could disagree on which is current.
    const locked = await trx
      .updateTable('webhooks')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', webhookId)
      .executeTakeFirst();
    if (locked.numUpdatedRows === 0n) return undefined;
    await trx
      .updateTable('webhook_secrets')
      .set({ expires_at: now + overlapMs })
      .where('webhook_id', '=', webhookId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now + overlapMs)]))
      .execute();
    // Secrets past their window are dead weight; they can never sign again.
    await trx.deleteFrom('webhook_secrets').where('webhook_id', '=', webhookId).where('expires_at', '<=', now).execute();
    await insertSecret(trx, webhookId, now);
    return (await activeSecrets(trx, [webhookId], now)).get(webhookId);
  });
}
