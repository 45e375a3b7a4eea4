import type { MetricEventPointsResponse, PointsAward } from '../events/payloads.js';
import type { LevelFacts } from './stages/level-stage.js';
import type { SystemPoints } from './stages/points-stage.js';

/** Trophy's MetricEventPointsResponse, as Laurel always sends it: every award with its boosts (`[]` for none). */
export type SystemPointsResponse = Omit<MetricEventPointsResponse, 'awards'> & { awards: Required<PointsAward>[] };

/**
 * Trophy's MetricEventPointsResponse for one system a write changed: the system, the total after
 * it, what it added, its awards with their trigger and boosts, and `level` only when it moved.
 * Event and completion responses, and points.changed, show it.
 */
export function systemPointsResponse(system: SystemPoints, levels: LevelFacts, now: number): SystemPointsResponse {
  const date = new Date(now).toISOString();
  const awards: Required<PointsAward>[] = system.awards.map((award) => ({
    id: award.id,
    awarded: award.awarded,
    date,
    total: award.total,
    trigger: system.config.triggers.get(award.triggerId)!,
    boosts: award.boostIds.flatMap((id) => system.boosts.get(id) ?? []),
  }));
  const level = levels.changed.get(system.config.system.id);
  return { ...system.config.response, total: system.total, ...(level !== undefined ? { level } : {}), added: system.added, awards };
}

/** The `points` map of event and completion responses: by system key, only the systems that changed. */
export function pointsMap(systems: readonly SystemPoints[], levels: LevelFacts, now: number): Record<string, SystemPointsResponse> {
  return Object.fromEntries(systems.map((system) => [system.config.system.key, systemPointsResponse(system, levels, now)]));
}
