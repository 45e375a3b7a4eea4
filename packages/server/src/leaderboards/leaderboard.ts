import type { LeaderboardConfig } from '../engine/leaderboards/index.js';
import type { LeaderboardRow } from '../store/schema.js';

/** What a board ranks by, by name: the metric's or points system's key and name. */
export interface RankedThing {
  key: string;
  name: string;
}

/**
 * A leaderboard as the rest of Laurel uses it: the engine's LeaderboardConfig (breakdowns as
 * attribute keys, what the rules and the users' attributes speak), plus what the APIs show.
 */
export interface Leaderboard extends LeaderboardConfig {
  id: string;
  name: string;
  description: string | null;
  /** The breakdown attributes by id, as the Admin API shows and takes them, in the board's order. */
  breakdownAttributeIds: readonly string[];
  /** The metric of a metric board; null for other boards, and once the metric is deleted. */
  metric: RankedThing | null;
  /** The points system of a points board; null for other boards, and once the system is deleted. */
  pointsSystem: RankedThing | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * The key standing in for a breakdown attribute that was deleted. No user attribute has an empty
 * key, so nobody is in a group of such a board (engine groupKey) until an admin changes its
 * breakdown; the Application API leaves it out.
 */
export const DELETED_ATTRIBUTE_KEY = '';

/** What a row's ids are resolved with: the environment's attribute keys, metrics and points systems by id. */
export interface Lookups {
  attributeKeys: ReadonlyMap<string, string>;
  metrics: ReadonlyMap<string, RankedThing>;
  pointsSystems: ReadonlyMap<string, RankedThing>;
}

export function toLeaderboard(row: LeaderboardRow, lookups: Lookups): Leaderboard {
  const breakdownAttributeIds = JSON.parse(row.breakdown_attribute_ids) as string[];
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    status: row.status,
    rankBy: row.rank_by,
    metricId: row.metric_id,
    pointsSystemId: row.points_system_id,
    maxParticipants: row.max_participants,
    start: row.start_date,
    end: row.end_date,
    startTime: row.start_time,
    endTime: row.end_time,
    breakdownAttributes: breakdownAttributeIds.map((id) => lookups.attributeKeys.get(id) ?? DELETED_ATTRIBUTE_KEY),
    breakdownAttributeIds,
    runUnit: row.run_unit,
    runInterval: row.run_interval,
    metric: row.metric_id === null ? null : (lookups.metrics.get(row.metric_id) ?? null),
    pointsSystem: row.points_system_id === null ? null : (lookups.pointsSystems.get(row.points_system_id) ?? null),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
