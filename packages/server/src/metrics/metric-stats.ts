import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';

/** How much of a metric the environment's users have, as the dashboard's metric list shows it. */
export interface MetricStats {
  metricId: string;
  key: string;
  /** Sum of every user's total for the metric. */
  total: number;
  /** Users with a total for the metric (a row in user_metrics: they sent at least one event). */
  users: number;
}

/**
 * Every metric of the environment, oldest first (as GET /metrics lists them), with its sums over
 * `user_metrics`. One grouped statement; a metric nobody has used yet gets zeros.
 */
export async function metricStats(db: Kysely<Schema>, environmentId: string): Promise<MetricStats[]> {
  const rows = await db
    .selectFrom('metrics as m')
    .leftJoin('user_metrics as um', (join) => join.onRef('um.metric_id', '=', 'm.id').onRef('um.environment_id', '=', 'm.environment_id'))
    .where('m.environment_id', '=', environmentId)
    .groupBy(['m.id', 'm.key', 'm.created_at'])
    .select((eb) => ['m.id', 'm.key', eb.fn.sum<number | string | null>('um.total').as('total'), eb.fn.count<number | string>('um.user_id').as('users')])
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute();
  return rows.map((row) => ({ metricId: row.id, key: row.key, total: Number(row.total ?? 0), users: Number(row.users) }));
}
