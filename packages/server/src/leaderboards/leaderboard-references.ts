import type { Kysely } from 'kysely';
import type { FieldError } from '../engine/leaderboards/index.js';
import type { Schema } from '../store/schema.js';
import type { LeaderboardFields } from './leaderboard-input.js';
import { findPointsSystems } from './points-systems.js';

/** The ids a request names that exist in the environment: metrics, points systems and attributes (with their type). */
export interface References {
  metricIds: ReadonlySet<string>;
  pointsSystemIds: ReadonlySet<string>;
  attributeTypes: ReadonlyMap<string, 'user' | 'event'>;
}

/** Reads, once per request, which of the ids its items name exist. */
export async function loadReferences(db: Kysely<Schema>, environmentId: string, items: readonly LeaderboardFields[]): Promise<References> {
  const metricIds = new Set<string>();
  const pointsSystemIds = new Set<string>();
  const attributeIds = new Set<string>();
  for (const item of items) {
    if (item.metricId !== undefined) metricIds.add(item.metricId);
    if (item.pointsSystemId !== undefined) pointsSystemIds.add(item.pointsSystemId);
    for (const id of item.breakdownAttributes ?? []) attributeIds.add(id);
  }
  const metrics =
    metricIds.size === 0
      ? []
      : await db.selectFrom('metrics').select('id').where('environment_id', '=', environmentId).where('id', 'in', [...metricIds]).execute();
  const attributes =
    attributeIds.size === 0
      ? []
      : await db.selectFrom('attributes').select(['id', 'type']).where('environment_id', '=', environmentId).where('id', 'in', [...attributeIds]).execute();
  const pointsSystems = pointsSystemIds.size === 0 ? new Map() : await findPointsSystems(db, environmentId, [...pointsSystemIds]);
  return {
    metricIds: new Set(metrics.map((m) => m.id)),
    pointsSystemIds: new Set(pointsSystems.keys()),
    attributeTypes: new Map(attributes.map((a) => [a.id, a.type])),
  };
}

/**
 * The ids in `fields` that name nothing usable: an unknown metric or points system, a breakdown
 * attribute that does not exist or is an event attribute (breakdowns group users). A field the
 * rules already blamed (`skip`, e.g. a metricId on a streak board) is not checked again.
 */
export function referenceErrors(fields: LeaderboardFields, references: References, skip: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  if (fields.metricId !== undefined && !skip.has('metricId') && !references.metricIds.has(fields.metricId)) {
    errors.push({ field: 'metricId', message: `no metric has the id ${fields.metricId} in this environment` });
  }
  if (fields.pointsSystemId !== undefined && !skip.has('pointsSystemId') && !references.pointsSystemIds.has(fields.pointsSystemId)) {
    errors.push({ field: 'pointsSystemId', message: `no points system has the id ${fields.pointsSystemId} in this environment` });
  }
  if (fields.breakdownAttributes !== undefined && !skip.has('breakdownAttributes')) {
    for (const id of new Set(fields.breakdownAttributes)) {
      const type = references.attributeTypes.get(id);
      if (type === undefined) errors.push({ field: 'breakdownAttributes', message: `no user attribute has the id ${id} in this environment` });
      else if (type === 'event') errors.push({ field: 'breakdownAttributes', message: `attribute ${id} is an event attribute; breakdowns group users by user attributes` });
    }
  }
  return errors;
}
