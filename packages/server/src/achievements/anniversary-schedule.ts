import type { Kysely } from 'kysely';
import { z } from 'zod';
import { anniversaryDate } from '../engine/achievements/anniversary.js';
import { startOfLocalDay } from '../engine/streaks/index.js';
import { jobKind } from '../schedule/job-kind.js';
import { scheduleJob, unscheduleJob } from '../schedule/jobs.js';
import type { AchievementRow, Schema, UserRow } from '../store/schema.js';

/**
 * The per-user job of anniversary achievements (subject: the user id), due at the start of the
 * user's next anniversary day (in their time zone) among the active anniversary achievements they
 * do not hold. Apart from its handler (anniversary.ts) so that the users' store can schedule it
 * without importing the pipeline.
 */
export const ANNIVERSARY_JOB = jobKind('achievement-anniversary', z.null());

/** The environment's active anniversary achievements (most environments have none). */
export async function activeAnniversaries(trx: Kysely<Schema>, environmentId: string): Promise<AchievementRow[]> {
  return trx.selectFrom('achievements').selectAll().where('environment_id', '=', environmentId).where('trigger', '=', 'anniversary').where('status', '=', 'active').execute();
}

/** When the user's anniversary day for this achievement starts (epoch ms), or null without a sign-up date. */
export function anniversaryStart(user: UserRow, achievement: AchievementRow): number | null {
  if (user.sign_up_date === null || achievement.anniversary_years === null) return null;
  return startOfLocalDay(anniversaryDate(user.sign_up_date, achievement.anniversary_years), user.tz);
}

/**
 * The next due time of the user's job: the earliest anniversary day start of an active
 * anniversary achievement they do not hold, leaving out days that began at or before `skipUntil`
 * (those the backdating walk grants); null when there is none.
 */
export function nextAnniversary(user: UserRow, achievements: readonly AchievementRow[], held: ReadonlySet<string>, skipUntil: number): number | null {
  let next: number | null = null;
  for (const achievement of achievements) {
    if (held.has(achievement.id)) continue;
    const start = anniversaryStart(user, achievement);
    if (start === null || start <= skipUntil) continue;
    if (next === null || start < next) next = start;
  }
  return next;
}

export async function heldAnniversaries(trx: Kysely<Schema>, environmentId: string, userIds: readonly string[], achievementIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0 || achievementIds.length === 0) return new Set();
  const rows = await trx
    .selectFrom('user_achievements')
    .select(['user_id', 'achievement_id'])
    .where('environment_id', '=', environmentId)
    .where('user_id', 'in', [...userIds])
    .where('achievement_id', 'in', [...achievementIds])
    .execute();
  return new Set(rows.map((row) => `${row.user_id}\u0000${row.achievement_id}`));
}

/**
 * Puts the user's anniversary job at their next anniversary day (removed when there is none), in
 * the caller's transaction. Called when a user's sign-up date or time zone is written: an
 * anniversary already reached by then is due at once, and the job completes it (with its webhook).
 */
export async function scheduleUserAnniversaries(
  trx: Kysely<Schema>,
  environmentId: string,
  user: UserRow,
  now: number,
  options: { achievements?: readonly AchievementRow[]; held?: ReadonlySet<string>; skipUntil?: number } = {},
): Promise<void> {
  const achievements = options.achievements ?? (await activeAnniversaries(trx, environmentId));
  const key = { environmentId, subject: user.id };
  if (achievements.length === 0 || user.sign_up_date === null) {
    await unscheduleJob(trx, ANNIVERSARY_JOB, key);
    return;
  }
  const heldPairs = options.held ?? (await heldAnniversaries(trx, environmentId, [user.id], achievements.map((a) => a.id)));
  const held = new Set(achievements.filter((a) => heldPairs.has(`${user.id}\u0000${a.id}`)).map((a) => a.id));
  const at = nextAnniversary(user, achievements, held, options.skipUntil ?? Number.NEGATIVE_INFINITY);
  if (at === null) await unscheduleJob(trx, ANNIVERSARY_JOB, key);
  else await scheduleJob(trx, ANNIVERSARY_JOB, key, { at: Math.max(at, now), payload: null }, now);
}
