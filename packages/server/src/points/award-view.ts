import type { Selectable } from 'kysely';
import type { PointsAward, PointsBoost, PointsTrigger } from '../events/payloads.js';
import type { PointsAwardTable } from '../store/schema.js';

export type PointsAwardRow = Selectable<PointsAwardTable>;

/**
 * Trophy's PointsAward: the amount applied, when, the total after it, the trigger that made it
 * (archived once deleted) and the boosts that multiplied it (`[]` for none; a boost deleted since
 * is left out). The reference marks no field required; Laurel always sends them all.
 */
export function toPointsAward(row: PointsAwardRow, trigger: PointsTrigger, boosts: readonly PointsBoost[]): Required<PointsAward> {
  return { id: row.id, awarded: row.awarded, date: new Date(row.created_at).toISOString(), total: row.total, trigger, boosts: [...boosts] };
}

/** The boost ids an award row lists, in the order they applied. */
export function awardBoostIds(row: Pick<PointsAwardRow, 'boost_ids'>): string[] {
  return JSON.parse(row.boost_ids) as string[];
}
