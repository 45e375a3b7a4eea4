import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';
import type { RankedThing } from './leaderboard.js';

/**
 * The environment's points systems among `ids`, by id, with their keys and names: how a points
 * board's pointsSystemId is checked and shown. Points systems live in their own store (src/points/,
 * migration 0009), which this tree does not have yet, so no points system exists and every id is
 * unknown: a points board is refused naming pointsSystemId. When the points store lands, this
 * function becomes a query of its `points_systems` table; nothing else here changes.
 */
export async function findPointsSystems(_db: Kysely<Schema>, _environmentId: string, _ids: readonly string[]): Promise<Map<string, RankedThing>> {
  return new Map();
}
