import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { PercentileAnswer, PercentileQuery } from '../engine/wrapped/index.js';
import type { Schema } from '../store/schema.js';

/**
 * How the other users of the environment did in each period: those with any change of the metric
 * (metric_daily, by each user's own local dates) or any award in the points system (points_awards)
 * in the period, and how many of them changed it by at most the user's own figure.
 *
 * Cost: unlike the rest of a Wrapped, this reads other users' rows. One statement per metric and
 * points system answers its three periods together, reading every daily row (or award) of the
 * environment in the span they cover (the year): metric_daily's primary key leads with the user,
 * so the environment's rows are scanned and the metric's kept.
 */
export async function answerPercentiles(db: Kysely<Schema>, environmentId: string, userId: string, queries: readonly PercentileQuery[]): Promise<PercentileAnswer[]> {
  const groups = new Map<string, PercentileQuery[]>();
  for (const query of queries) {
    const key = `${query.kind} ${query.id}`;
    groups.set(key, [...(groups.get(key) ?? []), query]);
  }
  const answers: PercentileAnswer[] = [];
  for (const group of groups.values()) answers.push(...(await answerGroup(db, environmentId, userId, group)));
  return answers;
}

/** The periods of one metric or system: per other user, a sum and a row count per period; then the counts per period. */
async function answerGroup(db: Kysely<Schema>, environmentId: string, userId: string, queries: readonly PercentileQuery[]): Promise<PercentileAnswer[]> {
  const { kind, id } = queries[0]!;
  const from = queries.reduce((min, q) => (q.range.start < min ? q.range.start : min), queries[0]!.range.start);
  const to = queries.reduce((max, q) => (q.range.end > max ? q.range.end : max), queries[0]!.range.end);
  const amount = sql.ref(kind === 'metric' ? 'change' : 'awarded');
  const inPeriod = (q: PercentileQuery): RawBuilder<unknown> => sql`day >= ${q.range.start} and day <= ${q.range.end}`;
  const perPeriod = queries.flatMap((q, i) => [
    sql<number>`sum(case when ${inPeriod(q)} then ${amount} else 0 end)`.as(`s${i}`),
    sql<number>`sum(case when ${inPeriod(q)} then 1 else 0 end)`.as(`n${i}`),
  ]);
  const metricRows = () =>
    db.selectFrom('metric_daily').select(['user_id', ...perPeriod]).where('environment_id', '=', environmentId).where('metric_id', '=', id);
  // The same columns from the awards; the cast only unifies the two builders' table types.
  const awardRows = () =>
    db.selectFrom('points_awards').select(['user_id', ...perPeriod]).where('environment_id', '=', environmentId).where('system_id', '=', id) as unknown as ReturnType<typeof metricRows>;
  const grouped = (kind === 'metric' ? metricRows() : awardRows())
    .where('day', '>=', from)
    .where('day', '<=', to)
    .where('user_id', '<>', userId)
    .groupBy('user_id')
    .as('per_user');
  const row = (await db
    .selectFrom(grouped)
    .select(
      queries.flatMap((q, i) => [
        sql<number>`coalesce(sum(case when ${sql.ref(`per_user.n${i}`)} > 0 then 1 else 0 end), 0)`.as(`others${i}`),
        sql<number>`coalesce(sum(case when ${sql.ref(`per_user.n${i}`)} > 0 and ${sql.ref(`per_user.s${i}`)} <= ${q.own} then 1 else 0 end), 0)`.as(`at_most${i}`),
      ]),
    )
    .executeTakeFirstOrThrow()) as Record<string, unknown>;
  return queries.map((query, i) => ({ query, others: Number(row[`others${i}`]), othersAtMost: Number(row[`at_most${i}`]) }));
}
