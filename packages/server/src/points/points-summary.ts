import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { summaryCeiling, summaryRanges, type PointsRange } from '../engine/points/index.js';
import { jsonTextField } from '../store/json-field.js';
import type { Schema } from '../store/schema.js';

/**
 * GET /points/{key}/summary: how many of the environment's users hold how many points of a
 * system, in Trophy's 11 ranges (engine summary.ts: 0-0, then ten equal ranges up to the top
 * total rounded up to a power of 10). A user with no points in the system yet (no user_points
 * row) holds 0. With `userAttributes`, only users whose attributes match every pair count, and
 * the top is theirs.
 *
 * Three statements: the top total (one seek at the end of user_points_by_total's range for the
 * system), the positive totals counted per range (one pass over that range of the index), and the
 * users (the environment's range of the users primary key); 0-0 is the users minus the positives.
 */
export async function pointsSummary(db: Kysely<Schema>, environmentId: string, systemId: string, userAttributes: Readonly<Record<string, string>> = {}): Promise<PointsRange[]> {
  const filters = Object.entries(userAttributes);
  const matching = (eb: ExpressionBuilder<any, any>) => eb.and(filters.map(([key, value]) => eb(jsonTextField(db, 'u.attributes', key), '=', value)));
  const totals = () => {
    const rows = db.selectFrom('user_points as p').where('p.system_id', '=', systemId);
    return filters.length === 0
      ? rows
      : rows.innerJoin('users as u', (join) => join.onRef('u.environment_id', '=', 'p.environment_id').onRef('u.id', '=', 'p.user_id')).where(matching);
  };

  const top = await totals()
    .select((eb) => eb.fn.max('p.total').as('top'))
    .executeTakeFirst();
  const ranges = summaryRanges(Number(top?.top ?? 0));
  const width = summaryCeiling(Number(top?.top ?? 0)) / 10;

  // Range i + 1 holds totals (i * width, (i + 1) * width]: the integer part of (total - 1) / width
  // (cast, since SQLite gets the width as a real number).
  const bucket = sql<number>`cast((${sql.ref('p.total')} - 1) / ${width} as integer)`;
  const counts = await totals()
    .select((eb) => [bucket.as('bucket'), eb.fn.countAll().as('users')])
    .where('p.total', '>', 0)
    .groupBy('bucket')
    .execute();
  let positive = 0;
  for (const row of counts) {
    const users = Number(row.users);
    (ranges[Number(row.bucket) + 1] as PointsRange).users = users;
    positive += users;
  }

  let users = db.selectFrom('users as u').select((eb) => eb.fn.countAll().as('users')).where('u.environment_id', '=', environmentId);
  if (filters.length > 0) users = users.where(matching);
  const everyone = Number((await users.executeTakeFirstOrThrow()).users);
  (ranges[0] as PointsRange).users = Math.max(0, everyone - positive);
  return ranges;
}
