import { sql, type Kysely } from 'kysely';
import type { Backend } from '../store/backends/backend.js';
import { prepared } from '../store/prepared.js';
import type { Schema } from '../store/schema.js';

export interface EventRows {
  id: string;
  environmentId: string;
  userId: string;
  metricId: string;
  value: number;
  /** JSON object of the event's attributes. */
  attributes: string;
  idempotencyKey: string | null;
  /** The user's local date, for the daily bucket. */
  day: string;
  now: number;
}

/**
 * An event's three writes: add the value to the user's total, record the event with the new
 * total, add the value to the day's bucket. Returns the new total. On PostgreSQL they are one
 * statement (each round trip costs more than the SQL); SQLite has no data-modifying CTEs and no
 * round trips, so there they are three.
 */
export async function writeEventRows(trx: Kysely<Schema>, kind: Backend['kind'], rows: EventRows): Promise<number> {
  if (kind === 'postgres') return writeInOneStatement(trx, rows);
  const [total] = await addToTotal(trx, rows.environmentId, rows.userId, rows.metricId, rows.value, rows.now);
  const newTotal = Number(total!.total);
  await insertEvent(trx, rows.id, rows.environmentId, rows.userId, rows.metricId, rows.value, rows.attributes, rows.idempotencyKey, newTotal, rows.now);
  await addToDay(trx, rows.environmentId, rows.userId, rows.metricId, rows.day, rows.value);
  return newTotal;
}

async function writeInOneStatement(trx: Kysely<Schema>, r: EventRows): Promise<number> {
  const result = await sql<{ total: number }>`
    with total as (
      insert into user_metrics (environment_id, user_id, metric_id, total, updated_at)
      values (${r.environmentId}, ${r.userId}, ${r.metricId}, ${r.value}, ${r.now})
      on conflict (environment_id, user_id, metric_id)
      do update set total = user_metrics.total + excluded.total, updated_at = excluded.updated_at
      returning total
    ), event as (
      insert into metric_events (id, environment_id, user_id, metric_id, value, attributes, idempotency_key, total, created_at)
      -- (a SELECT list gives parameters no column types to infer, hence the casts)
      select ${r.id}::text, ${r.environmentId}::text, ${r.userId}::text, ${r.metricId}::text, ${r.value}::double precision,
        ${r.attributes}::text, ${r.idempotencyKey}::text, total.total, ${r.now}::bigint
      from total
    ), day as (
      insert into metric_daily (environment_id, user_id, metric_id, day, change)
      values (${r.environmentId}, ${r.userId}, ${r.metricId}, ${r.day}, ${r.value})
      on conflict (environment_id, user_id, metric_id, day) do update set change = metric_daily.change + excluded.change
    )
    select total from total
  `.execute(trx);
  return Number(result.rows[0]!.total);
}

const addToTotal = prepared((db, environmentId: string, userId: string, metricId: string, value: number, now: number) =>
  db
    .insertInto('user_metrics')
    .values({ environment_id: environmentId, user_id: userId, metric_id: metricId, total: value, updated_at: now })
    .onConflict((oc) =>
      oc
        .columns(['environment_id', 'user_id', 'metric_id'])
        .doUpdateSet((eb) => ({ total: eb('user_metrics.total', '+', eb.ref('excluded.total')), updated_at: eb.ref('excluded.updated_at') })),
    )
    .returning('total'),
);

const insertEvent = prepared(
  (db, id: string, environmentId: string, userId: string, metricId: string, value: number, attributes: string, idempotencyKey: string | null, total: number, now: number) =>
    db.insertInto('metric_events').values({
      id,
      environment_id: environmentId,
      user_id: userId,
      metric_id: metricId,
      value,
      attributes,
      idempotency_key: idempotencyKey,
      total,
      created_at: now,
    }),
);

const addToDay = prepared((db, environmentId: string, userId: string, metricId: string, day: string, value: number) =>
  db
    .insertInto('metric_daily')
    .values({ environment_id: environmentId, user_id: userId, metric_id: metricId, day, change: value })
    .onConflict((oc) =>
      oc.columns(['environment_id', 'user_id', 'metric_id', 'day']).doUpdateSet((eb) => ({ change: eb('metric_daily.change', '+', eb.ref('excluded.change')) })),
    ),
);
