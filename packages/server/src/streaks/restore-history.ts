import type { Kysely } from 'kysely';
import { periodContaining, type PeriodRecord } from '../engine/streaks/index.js';
import type { Schema } from '../store/schema.js';
import type { UserStreak } from './user-streak.js';

/**
 * The longest length in the user's history from `windowStart` through today: the stored rows and
 * `pending`, the rows this write will store (a catch-up just before the restore).
 */
export async function maxLengthSince(trx: Kysely<Schema>, streak: UserStreak, windowStart: string, pending: readonly PeriodRecord[]): Promise<number> {
  const row = await trx
    .selectFrom('streak_periods')
    .select((eb) => eb.fn.max<number | null>('length').as('max'))
    .where('environment_id', '=', streak.environmentId)
    .where('user_id', '=', streak.user.id)
    .where('period_start', '>=', windowStart)
    .where('period_start', '<=', streak.today)
    .executeTakeFirst();
  const stored = row?.max == null ? 0 : Number(row.max);
  const inWindow = pending.filter((record) => record.periodStart >= windowStart && record.periodStart <= streak.today);
  return Math.max(stored, ...inWindow.map((record) => record.length));
}

/**
 * The history row of the last counted period after a restore: it shows the restored length, so the
 * history reads on from it (the next extension is length + 1). A pause or freeze that period already
 * used (stored, or in `pending`) stays marked.
 */
export async function restoredPeriodRecord(trx: Kysely<Schema>, streak: UserStreak, pending: readonly PeriodRecord[]): Promise<PeriodRecord | null> {
  const { lastPeriodStart, length } = streak.state;
  if (lastPeriodStart === null) return null;
  const period = periodContaining(lastPeriodStart, streak.settings.frequency, streak.settings.weekStart);
  const written = pending.findLast((record) => record.periodStart === period.start);
  const existing = written
    ? { usedFreeze: written.usedFreeze, usedPause: written.usedPause }
    : await trx
        .selectFrom('streak_periods')
        .select(['used_freeze', 'used_pause'])
        .where('environment_id', '=', streak.environmentId)
        .where('user_id', '=', streak.user.id)
        .where('period_start', '=', period.start)
        .executeTakeFirst()
        .then((row) => ({ usedFreeze: row?.used_freeze === 1, usedPause: row?.used_pause === 1 }));
  return { periodStart: period.start, periodEnd: period.end, length, usedFreeze: existing.usedFreeze, usedPause: existing.usedPause };
}
