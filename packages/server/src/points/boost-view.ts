import type { Selectable } from 'kysely';
import type { BoostRule, BoostStatus } from '../engine/points/index.js';
import type { PointsBoost } from '../events/payloads.js';
import type { PointsBoostTable } from '../store/schema.js';
import { parseFilters, toAdminFilters, toKeyValues, type AttributeFilterInput } from './attribute-filters.js';

export type PointsBoostRow = Selectable<PointsBoostTable>;

/** Trophy's AdminPointsBoost: `userAttributes` only on boosts that are not for one user. */
export interface AdminPointsBoost {
  id: string;
  name: string;
  status: BoostStatus;
  start: string;
  end: string | null;
  multiplier: number;
  rounding: PointsBoostRow['rounding'];
  userId: string | null;
  userAttributes?: AttributeFilterInput[];
}

/** `status` comes from the dates (engine boostStatusAt); the caller knows the user's time zone. */
export function toAdminBoost(row: PointsBoostRow, status: BoostStatus): AdminPointsBoost {
  const view: AdminPointsBoost = {
    id: row.id,
    name: row.name,
    status,
    start: row.start_date,
    end: row.end_date,
    multiplier: row.multiplier,
    rounding: row.rounding,
    userId: row.user_id,
  };
  if (row.user_id === null) view.userAttributes = toAdminFilters(parseFilters(row.user_attributes));
  return view;
}

/** Trophy's PointsBoost (Application API). */
export function toPointsBoost(row: PointsBoostRow, status: BoostStatus): PointsBoost {
  return { id: row.id, name: row.name, status, start: row.start_date, end: row.end_date, multiplier: row.multiplier, rounding: row.rounding };
}

export function toBoostRule(row: PointsBoostRow): BoostRule {
  return {
    id: row.id,
    start: row.start_date,
    end: row.end_date,
    multiplier: row.multiplier,
    rounding: row.rounding,
    userId: row.user_id,
    userAttributes: toKeyValues(parseFilters(row.user_attributes)),
    enabled: row.enabled === 1,
  };
}

/** The dates in the form engine/points' schedule functions take. */
export function boostDates(row: PointsBoostRow): Pick<BoostRule, 'start' | 'end' | 'userId'> {
  return { start: row.start_date, end: row.end_date, userId: row.user_id };
}
