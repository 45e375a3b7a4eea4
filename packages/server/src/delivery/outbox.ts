import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventType } from '../events/event-types.js';
import type { Backend } from '../store/backends/backend.js';
import type { NewDelivery, Schema } from '../store/schema.js';

export const DELIVERY_CHANNEL = 'laurel_deliveries';

export interface EmitInput {
  environmentId: string;
  type: EventType;
  payload: { type: EventType };
  /** Deliver to this webhook only, subscribed or not ("send test event"). */
  onlyWebhookId?: string;
}

export interface EmitResult {
  eventId: string;
  deliveryIds: string[];
}

/**
 * The transactional outbox. `emit` writes the event and one delivery row per enabled webhook of
 * the environment subscribed to its type, inside the CALLER's transaction: if that rolls back,
 * nothing is sent; once it commits, the rows are there for a worker to claim, whatever crashes next.
 */
export interface Outbox {
  emit(trx: Kysely<Schema>, input: EmitInput, now: number): Promise<EmitResult>;
}

/** A NOTIFY payload is limited to 8000 bytes; past this many webhooks, listeners just look for themselves. */
const MAX_NOTIFIED_WEBHOOKS = 100;

export function createOutbox(backend: Backend, wakeLocalWorker: (webhookIds: readonly string[]) => void): Outbox {
  return {
    async emit(trx, input, now) {
      const eventId = randomUUID();
      const body = JSON.stringify(input.payload);
      await trx
        .insertInto('events')
        .values({ id: eventId, environment_id: input.environmentId, type: input.type, payload: body, created_at: now })
        .execute();

      const targets = await subscribedWebhooks(trx, input);
      const rows: NewDelivery[] = targets.map((webhookId) => ({
        id: randomUUID(),
        event_id: eventId,
        webhook_id: webhookId,
        environment_id: input.environmentId,
        event_type: input.type,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        next_trigger: 'first',
        lease_owner: null,
        lease_expires_at: null,
        last_attempt_at: null,
        created_at: now,
        updated_at: now,
      }));
      if (rows.length > 0) {
        await trx.insertInto('deliveries').values(rows).execute();
        // PostgreSQL delivers NOTIFY only on commit, which is exactly when workers should look;
        // the payload names the webhooks, so workers claim for them without searching.
        if (backend.notify) {
          await backend.notify(trx, DELIVERY_CHANNEL, targets.length <= MAX_NOTIFIED_WEBHOOKS ? targets.join(',') : '');
        }
        // SQLite has one connection: the worker's claim queues behind this transaction, so an
        // early wake-up still sees the rows once (and only if) they commit.
        else setImmediate(wakeLocalWorker, targets);
      }
      return { eventId, deliveryIds: rows.map((row) => row.id) };
    },
  };
}

async function subscribedWebhooks(trx: Kysely<Schema>, input: EmitInput): Promise<string[]> {
  const query = trx
    .selectFrom('webhooks')
    .select(['id', 'events'])
    .where('environment_id', '=', input.environmentId)
    .where('enabled', '=', 1);
  if (input.onlyWebhookId) return (await query.where('id', '=', input.onlyWebhookId).execute()).map((w) => w.id);
  const webhooks = await query.execute();
  return webhooks.filter((w) => (JSON.parse(w.events) as string[]).includes(input.type)).map((w) => w.id);
}
