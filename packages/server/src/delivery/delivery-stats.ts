import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DeliveryStatus, Schema } from '../store/schema.js';

/** One webhook's deliveries created within a time window, as the dashboard's webhook list shows them. */
export interface WebhookStats {
  webhookId: string;
  total: number;
  succeeded: number;
  failed: number;
  /** Not finished yet: pending, delivering or retrying. */
  pending: number;
  /** succeeded / (succeeded + failed): unfinished deliveries neither help nor hurt; null when none finished. */
  successRate: number | null;
  /** The newest delivery in the window (by creation), or null when there is none. */
  lastStatus: DeliveryStatus | null;
  lastDeliveryAt: string | null;
}

const UNFINISHED: readonly DeliveryStatus[] = ['pending', 'delivering', 'retrying'];

/**
 * Every webhook of the environment with its deliveries created at or after `since`, oldest webhook
 * first. One statement: the webhooks left-joined to their window of deliveries and grouped, so a
 * webhook without deliveries still gets its row of zeros. The window is a range scan of
 * `deliveries_by_webhook (webhook_id, created_at)`, for the counts and for the newest delivery alike.
 */
export async function webhookStats(db: Kysely<Schema>, environmentId: string, since: number): Promise<WebhookStats[]> {
  const countOf = (eb: ExpressionBuilder<any, any>, statuses: readonly DeliveryStatus[]) =>
    eb.fn.sum<number | string>(eb.case().when('d.status', 'in', statuses).then(1).else(0).end());
  const rows = await db
    .selectFrom('webhooks as w')
    .leftJoin('deliveries as d', (join) => join.onRef('d.webhook_id', '=', 'w.id').on('d.created_at', '>=', since))
    .where('w.environment_id', '=', environmentId)
    .groupBy(['w.id', 'w.created_at'])
    .select((eb) => [
      'w.id as webhookId',
      eb.fn.count<number | string>('d.id').as('total'),
      countOf(eb, ['succeeded']).as('succeeded'),
      countOf(eb, ['failed']).as('failed'),
      countOf(eb, UNFINISHED).as('pending'),
      eb.fn.max('d.created_at').as('lastAt'),
      eb
        .selectFrom('deliveries as last')
        .select('last.status')
        .whereRef('last.webhook_id', '=', 'w.id')
        .where('last.created_at', '>=', since)
        .orderBy('last.created_at', 'desc')
        .orderBy('last.id', 'desc')
        .limit(1)
        .as('lastStatus'),
    ])
    .orderBy('w.created_at')
    .orderBy('w.id')
    .execute();
  return rows.map((row) => {
    const succeeded = Number(row.succeeded ?? 0);
    const failed = Number(row.failed ?? 0);
    const finished = succeeded + failed;
    return {
      webhookId: row.webhookId,
      total: Number(row.total),
      succeeded,
      failed,
      pending: Number(row.pending ?? 0),
      successRate: finished === 0 ? null : succeeded / finished,
      lastStatus: row.lastStatus ?? null,
      lastDeliveryAt: row.lastAt === null || row.lastAt === undefined ? null : new Date(Number(row.lastAt)).toISOString(),
    };
  });
}
