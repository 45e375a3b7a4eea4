import type { Kysely } from 'kysely';
import type { AttributeType, Schema } from '../store/schema.js';

/** What points configuration may refer to in its environment, read once per request. */
export interface ConfigReferences {
  /** Metric id -> name. */
  metrics: ReadonlyMap<string, string>;
  /** Achievement id -> name. */
  achievements: ReadonlyMap<string, string>;
  attributes: ReadonlyMap<string, { key: string; type: AttributeType }>;
}

export async function loadReferences(db: Kysely<Schema>, environmentId: string): Promise<ConfigReferences> {
  const [metrics, achievements, attributes] = await Promise.all([
    db.selectFrom('metrics').select(['id', 'name']).where('environment_id', '=', environmentId).execute(),
    db.selectFrom('achievements').select(['id', 'name']).where('environment_id', '=', environmentId).execute(),
    db.selectFrom('attributes').select(['id', 'key', 'type']).where('environment_id', '=', environmentId).execute(),
  ]);
  return {
    metrics: new Map(metrics.map((row) => [row.id, row.name])),
    achievements: new Map(achievements.map((row) => [row.id, row.name])),
    attributes: new Map(attributes.map((row) => [row.id, { key: row.key, type: row.type }])),
  };
}
