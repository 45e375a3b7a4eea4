import type { PointsBoostWebhookPayload } from '../events/payloads.js';
import type { PointsBoostRow } from './boost-view.js';

/** The points system a boost belongs to, as its webhooks name it. */
export interface BoostSystem {
  id: string;
  key: string;
  name: string;
}

/** Trophy's PointsBoostWebhookPayload, the `boost` of points.boost_started (status active) and points.boost_finished (finished). */
export function boostWebhookPayload(row: PointsBoostRow, system: BoostSystem, status: PointsBoostWebhookPayload['status']): PointsBoostWebhookPayload {
  return {
    id: row.id,
    name: row.name,
    status,
    userId: row.user_id,
    pointsSystemId: system.id,
    pointsSystemKey: system.key,
    pointsSystemName: system.name,
    start: row.start_date,
    end: row.end_date,
    multiplier: row.multiplier,
    rounding: row.rounding,
  };
}
