import type { Selectable } from 'kysely';
import type { PointsResponse } from '../events/payloads.js';
import type { PointsSystemTable } from '../store/schema.js';

export type PointsSystemRow = Selectable<PointsSystemTable>;

/** Trophy's AdminPointsSystem. */
export interface AdminPointsSystem {
  id: string;
  name: string;
  key: string;
  description: string;
  status: PointsSystemRow['status'];
  badge: { url: string } | null;
  maxPoints: number | null;
}

export function toAdminSystem(row: PointsSystemRow): AdminPointsSystem {
  return {
    id: row.id,
    name: row.name,
    key: row.key,
    description: row.description,
    status: row.status,
    badge: row.badge_url === null ? null : { url: row.badge_url },
    maxPoints: row.max_points,
  };
}

/** Trophy's PointsResponse, the system's fields in Application API answers (an empty description is null). */
export function toPointsResponse(row: PointsSystemRow): PointsResponse {
  return { id: row.id, key: row.key, name: row.name, description: row.description === '' ? null : row.description, badgeUrl: row.badge_url, maxPoints: row.max_points };
}
