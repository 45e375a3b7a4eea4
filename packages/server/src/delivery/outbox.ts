import { newId } from '../store/ids.js';
import { sql, type Kysely } from 'kysely';
import type { EventType } from '../events/event-types.js';
import type { Backend } from '../store/backends/backend.js';
import { rowSet } from '../store/row-set.js';
import type { Schema } from '../store/schema.js';

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
 * The transactional outbox. `emit` writes events and one delivery row per enabled webhook of the
 * environment subscribed to each event's type, inside the CALLER's transaction: if that rolls
 * back, nothing is sent; once it commits, the rows are there for a worker to claim, whatever
 * crashes next. `emitAll` does the same for many events in the same three statements.
 */
export interface Outbox {
  emit(trx: Kysely<Schema>, input: EmitInput, now: number): Promise<EmitResult>;
  emitAll(trx: Kysely<Schema>, inputs: readonly EmitInput[], now: number): Promise<EmitResult[]>;
  /** Tells workers that these webhooks have deliveries due now (after a resend or a recover). */
  announce(db: Kysely<Schema>, webhookIds: readonly string[]): Promise<void>;
}

/** A NOTIFY payload is limited to 8000 bytes; past this many webhooks, listeners just look for themselves. */
const MAX_NOTIFIED_WEBHOOKS = 100;

const notifyPayload = (webhookIds: readonly string[]): string => (webhookIds.length <= MAX_NOTIFIED_WEBHOOKS ? webhookIds.join(',') : '');

export function createOutbox(backend: Backend, wakeLocalWorker: (webhookIds: readonly string[]) => void): Outbox {
  const outbox: Outbox = {
    async emit(trx, input, now) {
      const [result] = await outbox.emitAll(trx, [input], now);
      return result!;
    },

    async emitAll(trx, inputs, now) {
      if (inputs.length === 0) return [];
      const subscribers = await subscribersByEnvironment(trx, inputs);
      const events: NewEvent[] = [];
      const deliveries: NewDelivery[] = [];
      const results: EmitResult[] = [];
      for (const input of inputs) {
        const eventId = newId();
        events.push({ id: eventId, environment_id: input.environmentId, type: input.type, payload: JSON.stringify(input.payload) });
        const targets = (subscribers.get(input.environmentId) ?? []).filter((webhook) =>
          input.onlyWebhookId ? webhook.id === input.onlyWebhookId : webhook.events.has(input.type),
        );
        const ids = targets.map((webhook) => {
          const id = newId();
          deliveries.push({ id, event_id: eventId, webhook_id: webhook.id, environment_id: input.environmentId, event_type: input.type });
          return id;
        });
        results.push({ eventId, deliveryIds: ids });
      }
      // Parameters in a select list have no type on PostgreSQL until cast.
      const at = sql`cast(${now} as bigint)`;
      const insertEvents = sql`
        insert into events (id, environment_id, type, payload, created_at)
        select id, environment_id, type, payload, ${at} from ${rowSet(backend.kind, 'e', EVENT_COLUMNS, events)}`;
      const insertDeliveries = sql`
        insert into deliveries (id, event_id, webhook_id, environment_id, event_type, status, attempts, next_attempt_at, next_trigger, created_at, updated_at)
        select id, event_id, webhook_id, environment_id, event_type, 'pending', 0, ${at}, 'first', ${at}, ${at}
        from ${rowSet(backend.kind, 'd', DELIVERY_COLUMNS, deliveries)}`;
      const webhookIds = [...new Set(deliveries.map((d) => d.webhook_id))];
      if (backend.kind === 'postgres' && deliveries.length > 0) {
        // One round trip instead of three: both inserts and the wake-up ride in one statement.
        // Round trips are what a one-event transaction spends its time on; the fewer it makes, the
        // less each holds a pooled connection.
        await sql`
          with inserted_events as (${insertEvents}), inserted_deliveries as (${insertDeliveries})
          select pg_notify(${DELIVERY_CHANNEL}, ${notifyPayload(webhookIds)})
        `.execute(trx);
        return results;
      }
      await insertEvents.execute(trx);
      if (deliveries.length > 0) {
        await insertDeliveries.execute(trx);
        await outbox.announce(trx, webhookIds);
      }
      return results;
    },

    async announce(db, webhookIds) {
      if (webhookIds.length === 0) return;
      // PostgreSQL delivers NOTIFY only on commit, which is exactly when workers should look;
      // the payload names the webhooks, so workers claim for them without searching.
      if (backend.notify) {
        await backend.notify(db, DELIVERY_CHANNEL, notifyPayload(webhookIds));
      }
      // SQLite has one connection: the worker's claim queues behind the caller's transaction, so
      // an early wake-up still sees the rows once (and only if) they commit.
      else setImmediate(wakeLocalWorker, webhookIds);
    },
  };
  return outbox;
}

interface NewEvent {
  id: string;
  environment_id: string;
  type: string;
  payload: string;
}

interface NewDelivery {
  id: string;
  event_id: string;
  webhook_id: string;
  environment_id: string;
  event_type: string;
}

const EVENT_COLUMNS = { id: 'text', environment_id: 'text', type: 'text', payload: 'text' } as const;
const DELIVERY_COLUMNS = { id: 'text', event_id: 'text', webhook_id: 'text', environment_id: 'text', event_type: 'text' } as const;

interface Subscriber {
  id: string;
  events: Set<string>;
}

/** Enabled webhooks of each environment the inputs touch, read once per batch. */
async function subscribersByEnvironment(trx: Kysely<Schema>, inputs: readonly EmitInput[]): Promise<Map<string, Subscriber[]>> {
  const environmentIds = [...new Set(inputs.map((input) => input.environmentId))];
  const rows = await trx
    .selectFrom('webhooks')
    .select(['id', 'environment_id', 'events'])
    .where('environment_id', 'in', environmentIds)
    .where('enabled', '=', 1)
    .execute();
  const byEnvironment = new Map<string, Subscriber[]>();
  for (const row of rows) {
    const list = byEnvironment.get(row.environment_id) ?? [];
    list.push({ id: row.id, events: new Set(JSON.parse(row.events) as string[]) });
    byEnvironment.set(row.environment_id, list);
  }
  return byEnvironment;
}
