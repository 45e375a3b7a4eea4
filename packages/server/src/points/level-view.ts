import type { Selectable } from 'kysely';
import type { LevelRule } from '../engine/points/index.js';
import type { PointsLevel } from '../events/payloads.js';
import type { PointsLevelTable } from '../store/schema.js';

export type PointsLevelRow = Selectable<PointsLevelTable>;

/** Trophy's AdminPointsLevel. */
export interface AdminPointsLevel {
  id: string;
  name: string;
  key: string;
  points: number;
  description: string;
  badge: { url: string } | null;
}

export function toAdminLevel(row: PointsLevelRow): AdminPointsLevel {
  return { id: row.id, name: row.name, key: row.key, points: row.points, description: row.description, badge: row.badge_url === null ? null : { url: row.badge_url } };
}

/** Trophy's PointsLevel (Application API). */
export function toPointsLevel(row: PointsLevelRow): PointsLevel {
  return { id: row.id, key: row.key, name: row.name, description: row.description, badgeUrl: row.badge_url, points: row.points };
}

export function toLevelRule(row: PointsLevelRow): LevelRule {
  return { id: row.id, key: row.key, points: row.points };
}
