import { sql, type Kysely } from 'kysely';
import type { Schema, UserRow } from '../store/schema.js';

/**
 * Reads of users for the dashboard's user pages (the Admin API's user list and a user's recent
 * metric events). Writes stay in user-store.ts and identify.ts.
 */
export interface UserListQuery {
  /** Case-insensitive: an id starting with it, or an email containing it. Empty or absent lists everyone. */
  search?: string | undefined;
  limit: number;
  skip: number;
}

/**
 * The environment's users, newest first (ties by id). The search lowers both sides in SQL, so each
 * backend folds case its own way on both sides alike (SQLite folds ASCII only, PostgreSQL all of
 * Unicode), and escapes LIKE's wildcards so `_` and `%` match themselves. It cannot use the
 * primary key's order, so it scans the environment's users: fine for a dashboard, not for a hot path.
 */
export async function listUsers(db: Kysely<Schema>, environmentId: string, query: UserListQuery): Promise<UserRow[]> {
  let select = db.selectFrom('users').selectAll().where('environment_id', '=', environmentId);
  const search = query.search?.trim();
  if (search) {
    const escaped = escapeLike(search);
    select = select.where((eb) =>
      eb.or([
        eb(sql`lower(id)`, 'like', sql`lower(${`${escaped}%`}) escape '\\'`),
        eb(sql`lower(email)`, 'like', sql`lower(${`%${escaped}%`}) escape '\\'`),
      ]),
    );
  }
  return select.orderBy('created_at', 'desc').orderBy('id').limit(query.limit).offset(query.skip).execute();
}

/** `\`, `%` and `_` taken literally under `escape '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export interface UserMetricEvent {
  id: string;
  metricId: string;
  metricKey: string;
  metricName: string;
  value: number;
  /** The user's total for the metric right after this event (stored with the event). */
  total: number;
  idempotencyKey: string | null;
  created: string;
}

/**
 * A user's metric events, newest first, with each metric's key and name. The environment and user
 * are the leading columns of the `metric_events_idempotency` index, which narrows the scan to this
 * user's events; they are then sorted by time.
 */
export async function listUserEvents(
  db: Kysely<Schema>,
  environmentId: string,
  userId: string,
  page: { limit: number; skip: number },
): Promise<UserMetricEvent[]> {
  const rows = await db
    .selectFrom('metric_events as e')
    .innerJoin('metrics as m', 'm.id', 'e.metric_id')
    .select(['e.id', 'e.metric_id', 'm.key', 'm.name', 'e.value', 'e.total', 'e.idempotency_key', 'e.created_at'])
    .where('e.environment_id', '=', environmentId)
    .where('e.user_id', '=', userId)
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(page.limit)
    .offset(page.skip)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    metricId: row.metric_id,
    metricKey: row.key,
    metricName: row.name,
    value: row.value,
    total: row.total,
    idempotencyKey: row.idempotency_key,
    created: new Date(row.created_at).toISOString(),
  }));
}
