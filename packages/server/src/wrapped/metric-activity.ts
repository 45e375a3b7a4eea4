import type { Kysely } from 'kysely';
import type { WrappedEvent, WrappedPriorSum } from '../engine/wrapped/index.js';
import type { Schema } from '../store/schema.js';

/**
 * A user's metric events for their Wrapped: the sums before the year (per metric and set of event
 * attributes, grouped in SQL on the stored attributes text) and each event of the year. Both read
 * through metric_events_idempotency, whose leading columns are (environment_id, user_id), so the
 * cost is the user's own events, never the environment's.
 */
export async function readMetricActivity(
  db: Kysely<Schema>,
  environmentId: string,
  userId: string,
  year: { from: number; to: number },
): Promise<{ priorSums: WrappedPriorSum[]; events: WrappedEvent[] }> {
  const ofUser = db.selectFrom('metric_events').where('environment_id', '=', environmentId).where('user_id', '=', userId);
  const prior = await ofUser
    .select((eb) => ['metric_id', 'attributes', eb.fn.sum<number>('value').as('sum')])
    .where('created_at', '<', year.from)
    .groupBy(['metric_id', 'attributes'])
    .execute();
  const rows = await ofUser
    .select(['metric_id', 'value', 'attributes', 'created_at'])
    .where('created_at', '>=', year.from)
    .where('created_at', '<', year.to)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return {
    priorSums: prior.map((row) => ({ metricId: row.metric_id, attributes: parseAttributes(row.attributes), sum: Number(row.sum) })),
    events: rows.map((row) => ({ metricId: row.metric_id, value: Number(row.value), attributes: parseAttributes(row.attributes), at: Number(row.created_at) })),
  };
}

function parseAttributes(text: string): Record<string, string> {
  return JSON.parse(text) as Record<string, string>;
}
