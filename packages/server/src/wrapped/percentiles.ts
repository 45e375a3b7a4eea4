import { sql, type Kysely } from 'kysely';
import type { PercentileAnswer, PercentileQuery } from '../engine/wrapped/index.js';
import type { Schema } from '../store/schema.js';

/**
 * How the other users of the environment did in each period: those with any change of the metric
 * (metric_daily, by each user's own local dates) or any award in the points system (points_awards)
 * in the range, and how many of them changed it by at most the user's own figure.
 *
 * Cost: unlike the rest of a Wrapped, this reads other users' rows: for each metric and points
 * system and each of the three periods, every daily row or award of the environment in the
 * period (metric_daily's primary key leads with the user, so the metric's rows are scanned).
 */
export async function answerPercentiles(db: Kysely<Schema>, environmentId: string, userId: string, queries: readonly PercentileQuery[]): Promise<PercentileAnswer[]> {
  const answers: PercentileAnswer[] = [];
  for (const query of queries) {
    const perUser =
      query.kind === 'metric'
        ? db
            .selectFrom('metric_daily')
            .select((eb) => ['user_id', eb.fn.sum<number>('change').as('change')])
            .where('environment_id', '=', environmentId)
            .where('metric_id', '=', query.id)
            .where('day', '>=', query.range.start)
            .where('day', '<=', query.range.end)
            .where('user_id', '<>', userId)
            .groupBy('user_id')
        : db
            .selectFrom('points_awards')
            .select((eb) => ['user_id', eb.fn.sum<number>('awarded').as('change')])
            .where('environment_id', '=', environmentId)
            .where('system_id', '=', query.id)
            .where('day', '>=', query.range.start)
            .where('day', '<=', query.range.end)
            .where('user_id', '<>', userId)
            .groupBy('user_id');
    const row = await db
      .selectFrom(perUser.as('per_user'))
      .select([
        sql<number>`count(*)`.as('others'),
        sql<number>`coalesce(sum(case when per_user.change <= ${query.own} then 1 else 0 end), 0)`.as('at_most'),
      ])
      .executeTakeFirstOrThrow();
    answers.push({ query, others: Number(row.others), othersAtMost: Number(row.at_most) });
  }
  return answers;
}
