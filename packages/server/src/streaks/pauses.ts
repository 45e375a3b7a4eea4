import type { Kysely } from 'kysely';
import { validate as isUuid } from 'uuid';
import { localDate } from '../engine/streaks/index.js';
import { newId } from '../store/ids.js';
import type { Schema, UserRow } from '../store/schema.js';
import { findUser } from '../users/user-store.js';
import { USER_MISSING, type StreakIssue } from './streak-admin.js';

/** Trophy's AdminStreakPause. */
export interface AdminStreakPause {
  id: string;
  userId: string;
  start: string;
  end: string;
  status: 'active' | 'archived';
}

export interface PauseInput {
  userId: string;
  /** Inclusive local dates, `YYYY-MM-DD`, end >= start (checked by the request schema). */
  start: string;
  end: string;
}

/**
 * Creates pauses, in one transaction. Per-item errors: the user does not exist, or the pause
 * starts before the user's local today (UTC for a user without a time zone). Overlapping pauses
 * are allowed. A pause only ever covers periods not settled yet (it starts today or later), so
 * no streak needs catching up or rescheduling: the rollover that judges a covered period reads it.
 */
export async function createPauses(db: Kysely<Schema>, environmentId: string, items: readonly PauseInput[], now: number): Promise<{ created: AdminStreakPause[]; issues: StreakIssue[] }> {
  return db.transaction().execute(async (trx) => {
    const users = new Map<string, UserRow | undefined>();
    const created: AdminStreakPause[] = [];
    const issues: StreakIssue[] = [];
    for (const [index, item] of items.entries()) {
      if (!users.has(item.userId)) users.set(item.userId, await findUser(trx, environmentId, item.userId));
      const user = users.get(item.userId);
      if (!user) {
        issues.push({ userId: item.userId, index, severity: 'error', message: USER_MISSING });
        continue;
      }
      const today = localDate(now, user.tz);
      if (item.start < today) {
        issues.push({ userId: item.userId, index, severity: 'error', message: `start ${item.start} is in the past: the user's today is ${today} (${user.tz ?? 'UTC'})` });
        continue;
      }
      const pause: AdminStreakPause = { id: newId(), userId: user.id, start: item.start, end: item.end, status: 'active' };
      await trx
        .insertInto('streak_pauses')
        .values({ id: pause.id, environment_id: environmentId, user_id: user.id, start_date: pause.start, end_date: pause.end, status: 'active', created_at: now })
        .execute();
      created.push(pause);
    }
    return { created, issues };
  });
}

/**
 * Deletes pauses by id: they become `archived`, so they stop covering periods and leave the
 * user's list, while the history rows they already produced stay as they are. An id that is not
 * a UUID, unknown, or already deleted is an issue. Ids repeated in the request count once.
 */
export async function deletePauses(db: Kysely<Schema>, environmentId: string, ids: readonly string[]): Promise<{ deleted: { id: string }[]; issues: StreakIssue[] }> {
  return db.transaction().execute(async (trx) => {
    const deleted: { id: string }[] = [];
    const issues: StreakIssue[] = [];
    for (const id of new Set(ids)) {
      if (!isUuid(id)) {
        issues.push({ id, severity: 'error', message: 'id must be a valid UUID' });
        continue;
      }
      const result = await trx
        .updateTable('streak_pauses')
        .set({ status: 'archived' })
        .where('environment_id', '=', environmentId)
        .where('id', '=', id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) issues.push({ id, severity: 'error', message: 'Streak pause not found by ID' });
      else deleted.push({ id });
    }
    return { deleted, issues };
  });
}
