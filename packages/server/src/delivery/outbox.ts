import { createHash } from 'node:crypto';
import { newId } from '../store/ids.js';
import { sql, type Insertable, type Kysely } from 'kysely';
import type { EventType } from '../events/event-types.js';
import type { Backend } from '../store/backends/backend.js';
import { rowSet } from '../store/row-set.js';
import { preparedRows } from '../store/prepared.js';
import type { DeliveryTable, EventTable, Schema } from '../store/schema.js';

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

/**
 * What a wake-up says: which webhooks have new deliveries, and (for emits) the `next_attempt_at`
 * they were written with, so a worker that has already claimed past that time looks back for them
 * (see the worker's scan floors). Encoded for NOTIFY as "since,id,id,...", or "id,id,..." when the
 * time is unknown; '' means "look at every webhook".
 */
export interface WakeUp {
  webhookIds: readonly string[] | undefined;
  since?: number;
}

export function encodeWakeUp(webhookIds: readonly string[], since?: number): string {
  if (webhookIds.length > MAX_NOTIFIED_WEBHOOKS) return '';
  return (since === undefined ? webhookIds : [String(since), ...webhookIds]).join(',');
}

export function decodeWakeUp(payload: string): WakeUp {
  if (payload === '') return { webhookIds: undefined };
  const parts = payload.split(',');
  return /^\d+$/.test(parts[0]!) ? { webhookIds: parts.slice(1), since: Number(parts[0]) } : { webhookIds: parts };
}

export function createOutbox(backend: Backend, wakeLocalWorker: (wakeUp: WakeUp) => void): Outbox {
  const cache = new SubscriberCache();
  const outbox: Outbox = {
    async emit(trx, input, now) {
      const [result] = await outbox.emitAll(trx, [input], now);
      return result!;
    },

    async emitAll(trx, inputs, now) {
      if (inputs.length === 0) return [];
      const events: NewEvent[] = inputs.map((input) => ({
        id: newId(),
        environment_id: input.environmentId,
        type: input.type,
        payload: JSON.stringify(input.payload),
      }));
      // Parameters in a select list have no type on PostgreSQL until cast.
      const at = sql`cast(${now} as bigint)`;
      const insertEvents = sql`
        insert into events (id, environment_id, type, payload, created_at)
        select id, environment_id, type, payload, ${at} from ${rowSet(backend.kind, 'e', EVENT_COLUMNS, events)}`;
      const insertDeliveries = (deliveries: NewDelivery[], onlyIf = sql`true`) => sql`
        insert into deliveries (id, event_id, webhook_id, environment_id, event_type, status, attempts, next_attempt_at, next_trigger, created_at, updated_at)
        select id, event_id, webhook_id, environment_id, event_type, 'pending', 0, ${at}, 'first', ${at}, ${at}
        from ${rowSet(backend.kind, 'd', DELIVERY_COLUMNS, deliveries)}
        where ${onlyIf}`;

      if (backend.kind === 'postgres') {
        // PostgreSQL: one statement writes the events, the deliveries and the NOTIFY, because round
        // trips are what a one-event transaction spends its time on. With the environment's
        // subscribers cached, even their lookup rides along: the statement checks that the enabled
        // webhooks are still exactly the cached ones (a fingerprint of their ids and event lists)
        // and writes deliveries only if so; otherwise they are planned again from a fresh read.
        const [environmentId, ...others] = new Set(inputs.map((input) => input.environmentId));
        const cached = others.length === 0 ? cache.get(environmentId!) : undefined;
        const planned = plan(inputs, events, cached ? new Map([[environmentId!, cached.subscribers]]) : await subscribersByEnvironment(trx, inputs, cache));
        const notify = planned.webhookIds.length > 0 ? sql`, case when fresh then pg_notify(${DELIVERY_CHANNEL}, ${encodeWakeUp(planned.webhookIds, now)}) end` : sql``;
        const { rows } = await sql<{ fresh: boolean }>`
          with current as (select ${cached ? sql`${fingerprintOf(environmentId!)} = ${cached.fingerprint}` : sql`true`} as fresh),
          inserted_events as (${insertEvents}),
          inserted_deliveries as (${insertDeliveries(planned.deliveries, sql`(select fresh from current)`)})
          select fresh ${notify} from current
        `.execute(trx);
        if (rows[0]!.fresh) return planned.results;
        // The webhooks changed since they were remembered: the events are in; plan their deliveries again.
        cache.forget(environmentId!);
        const replanned = plan(inputs, events, await subscribersByEnvironment(trx, inputs, cache));
        if (replanned.deliveries.length > 0) {
          await sql`
            with inserted_deliveries as (${insertDeliveries(replanned.deliveries)})
            select pg_notify(${DELIVERY_CHANNEL}, ${encodeWakeUp(replanned.webhookIds, now)})
          `.execute(trx);
        }
        return replanned.results;
      }

      const planned = plan(inputs, events, await subscribersByEnvironment(trx, inputs));
      // SQLite: one change's few events and deliveries (a metric event's five or so) are plain
      // multi-row inserts, prepared once per row count: the JSON row set escaped every payload a
      // second time for SQLite to parse back, which made these two the costliest statements of a
      // metric event. Larger batches keep the row set (one parameter, however many rows).
      if (events.length <= MAX_PREPARED_ROWS) await insertEventRows(trx, events.map((event) => ({ ...event, created_at: now })));
      else await insertEvents.execute(trx);
      if (planned.deliveries.length > 0) {
        if (planned.deliveries.length <= MAX_PREPARED_ROWS) await insertDeliveryRows(trx, planned.deliveries.map((delivery) => pendingDelivery(delivery, now)));
        else await insertDeliveries(planned.deliveries).execute(trx);
        await announce(trx, planned.webhookIds, now);
      }
      return planned.results;
    },

    announce: (db, webhookIds) => announce(db, webhookIds),
  };

  async function announce(db: Kysely<Schema>, webhookIds: readonly string[], since?: number): Promise<void> {
    if (webhookIds.length === 0) return;
    // PostgreSQL delivers NOTIFY only on commit, which is exactly when workers should look;
    // the payload names the webhooks, so workers claim for them without searching.
    if (backend.notify) {
      await backend.notify(db, DELIVERY_CHANNEL, encodeWakeUp(webhookIds, since));
    }
    // SQLite has one connection: the worker's claim queues behind the caller's transaction, so
    // an early wake-up still sees the rows once (and only if) they commit.
    else setImmediate(wakeLocalWorker, { webhookIds, since });
  }
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

/** Up to this many rows, SQLite's outbox writes are prepared multi-row inserts (store/prepared.ts's limit). */
const MAX_PREPARED_ROWS = 8;

const insertEventRows = preparedRows((db, rows: EventTable[]) => db.insertInto('events').values(rows));
const insertDeliveryRows = preparedRows((db, rows: Insertable<DeliveryTable>[]) => db.insertInto('deliveries').values(rows));

function pendingDelivery(delivery: NewDelivery, now: number): Insertable<DeliveryTable> {
  return { ...delivery, status: 'pending', attempts: 0, next_attempt_at: now, next_trigger: 'first', created_at: now, updated_at: now };
}

const EVENT_COLUMNS = { id: 'text', environment_id: 'text', type: 'text', payload: 'text' } as const;
const DELIVERY_COLUMNS = { id: 'text', event_id: 'text', webhook_id: 'text', environment_id: 'text', event_type: 'text' } as const;

interface Subscriber {
  id: string;
  events: Set<string>;
}

/** One delivery row per event and subscribed webhook (or only the named webhook, for test events). */
function plan(inputs: readonly EmitInput[], events: readonly NewEvent[], subscribers: Map<string, Subscriber[]>) {
  const deliveries: NewDelivery[] = [];
  const results = inputs.map((input, i): EmitResult => {
    const eventId = events[i]!.id;
    const targets = (subscribers.get(input.environmentId) ?? []).filter((webhook) =>
      input.onlyWebhookId ? webhook.id === input.onlyWebhookId : webhook.events.has(input.type),
    );
    const deliveryIds = targets.map((webhook) => {
      const id = newId();
      deliveries.push({ id, event_id: eventId, webhook_id: webhook.id, environment_id: input.environmentId, event_type: input.type });
      return id;
    });
    return { eventId, deliveryIds };
  });
  return { deliveries, results, webhookIds: [...new Set(deliveries.map((d) => d.webhook_id))] };
}

/** Enabled webhooks of each environment the inputs touch, read once per batch; remembered in `cache` when given. */
async function subscribersByEnvironment(trx: Kysely<Schema>, inputs: readonly EmitInput[], cache?: SubscriberCache): Promise<Map<string, Subscriber[]>> {
  const environmentIds = [...new Set(inputs.map((input) => input.environmentId))];
  const rows = await trx
    .selectFrom('webhooks')
    .select(['id', 'environment_id', 'events'])
    .where('environment_id', 'in', environmentIds)
    .where('enabled', '=', 1)
    .execute();
  const byEnvironment = new Map<string, (typeof rows)[number][]>(environmentIds.map((id) => [id, []]));
  for (const row of rows) byEnvironment.get(row.environment_id)!.push(row);
  const subscribers = new Map<string, Subscriber[]>();
  for (const [environmentId, webhooks] of byEnvironment) {
    webhooks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const list = webhooks.map((row) => ({ id: row.id, events: new Set(JSON.parse(row.events) as string[]) }));
    subscribers.set(environmentId, list);
    cache?.remember(environmentId, fingerprint(webhooks), list);
  }
  return subscribers;
}

/**
 * What identifies an environment's subscribers: its enabled webhooks' ids and event lists, in id
 * order (byte order: ids are ASCII). Computed here from rows read, and by PostgreSQL in the emitting
 * statement (`fingerprintOf`); equal exactly when the subscribers are the same.
 */
function fingerprint(webhooks: readonly { id: string; events: string }[]): string {
  if (webhooks.length === 0) return '';
  return createHash('md5').update(webhooks.map((w) => `${w.id}:${w.events}`).join(',')).digest('hex');
}

function fingerprintOf(environmentId: string) {
  return sql`(
    select coalesce(md5(string_agg(id || ':' || events, ',' order by id collate "C")), '')
    from webhooks where environment_id = ${environmentId} and enabled = 1
  )`;
}

/** Each environment's subscribers as last read by this process, with their fingerprint. */
class SubscriberCache {
  private readonly entries = new Map<string, { fingerprint: string; subscribers: Subscriber[] }>();

  get(environmentId: string) {
    return this.entries.get(environmentId);
  }

  remember(environmentId: string, fingerprint: string, subscribers: Subscriber[]): void {
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(environmentId, { fingerprint, subscribers });
  }

  forget(environmentId: string): void {
    this.entries.delete(environmentId);
  }
}
