import type { Kysely } from 'kysely';
import type { LeaderboardRow, Schema } from '../store/schema.js';
import { toLeaderboard, type Leaderboard, type Lookups, type RankedThing } from './leaderboard.js';
import { findPointsSystems } from './points-systems.js';

/** Every leaderboard of the environment, oldest first, a page at a time (the Admin list). */
export async function listLeaderboards(db: Kysely<Schema>, environmentId: string, limit: number, skip: number): Promise<Leaderboard[]> {
  const rows = await db
    .selectFrom('leaderboards')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .offset(skip)
    .execute();
  return resolveLeaderboards(db, environmentId, rows);
}

/** The leaderboard with this id in the environment; other environments' ids are as unknown as ids never made. */
export async function findLeaderboard(db: Kysely<Schema>, environmentId: string, id: string): Promise<Leaderboard | undefined> {
  const rows = await db.selectFrom('leaderboards').selectAll().where('environment_id', '=', environmentId).where('id', '=', id).execute();
  return (await resolveLeaderboards(db, environmentId, rows))[0];
}

/** The boards users can see (all but inactive ones), oldest first; whether a board is finished depends on the time. */
export async function visibleLeaderboards(db: Kysely<Schema>, environmentId: string): Promise<Leaderboard[]> {
  return resolveLeaderboards(db, environmentId, await byStatus(db, environmentId, ['scheduled', 'active', 'finished']));
}

/** The boards that can rank (scheduled or active as the admin set them; the dates decide the rest): what event processing needs. */
export async function liveLeaderboards(db: Kysely<Schema>, environmentId: string): Promise<Leaderboard[]> {
  return resolveLeaderboards(db, environmentId, await byStatus(db, environmentId, ['scheduled', 'active']));
}

function byStatus(db: Kysely<Schema>, environmentId: string, statuses: LeaderboardRow['status'][]): Promise<LeaderboardRow[]> {
  return db
    .selectFrom('leaderboards')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('status', 'in', statuses)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Rows with their attribute keys, metric and points system resolved. */
export async function resolveLeaderboards(db: Kysely<Schema>, environmentId: string, rows: readonly LeaderboardRow[]): Promise<Leaderboard[]> {
  if (rows.length === 0) return [];
  const lookups = await loadLookups(db, environmentId, rows);
  return rows.map((row) => toLeaderboard(row, lookups));
}

async function loadLookups(db: Kysely<Schema>, environmentId: string, rows: readonly LeaderboardRow[]): Promise<Lookups> {
  const metricIds = [...new Set(rows.flatMap((row) => (row.metric_id === null ? [] : [row.metric_id])))];
  const pointsSystemIds = [...new Set(rows.flatMap((row) => (row.points_system_id === null ? [] : [row.points_system_id])))];
  const needsAttributes = rows.some((row) => row.breakdown_attribute_ids !== '[]');
  const attributes = needsAttributes
    ? await db.selectFrom('attributes').select(['id', 'key']).where('environment_id', '=', environmentId).where('type', '=', 'user').execute()
    : [];
  const metrics =
    metricIds.length === 0
      ? []
      : await db.selectFrom('metrics').select(['id', 'key', 'name']).where('environment_id', '=', environmentId).where('id', 'in', metricIds).execute();
  return {
    attributeKeys: new Map(attributes.map((a) => [a.id, a.key])),
    metrics: new Map<string, RankedThing>(metrics.map((m) => [m.id, { key: m.key, name: m.name }])),
    pointsSystems: pointsSystemIds.length === 0 ? new Map() : await findPointsSystems(db, environmentId, pointsSystemIds),
  };
}
