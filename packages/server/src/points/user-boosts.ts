import type { Kysely } from 'kysely';
import { boostsFor } from '../engine/points/index.js';
import { localDate } from '../engine/streaks/index.js';
import type { PointsBoost } from '../events/payloads.js';
import type { Schema, UserRow } from '../store/schema.js';
import { toBoostRule, toPointsBoost } from './boost-view.js';

/**
 * GET /users/{id}/points/{key}/boosts: the boosts that would multiply the user's awards in the
 * system today, in their own calendar (engine boostsFor): enabled, today inside their dates, and
 * for everyone, for the user's attributes or given to this user. By start date, then creation.
 * One statement over the system's boosts (points_boosts_by_system).
 */
export async function userBoosts(db: Kysely<Schema>, systemId: string, user: UserRow, now: number): Promise<PointsBoost[]> {
  const rows = await db
    .selectFrom('points_boosts')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('enabled', '=', 1)
    .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', user.id)]))
    .orderBy('start_date')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const applying = new Set(
    boostsFor(rows.map(toBoostRule), { id: user.id, attributes: JSON.parse(user.attributes) as Record<string, string> }, localDate(now, user.tz)).map((boost) => boost.id),
  );
  return rows.filter((row) => applying.has(row.id)).map((row) => toPointsBoost(row, 'active'));
}
