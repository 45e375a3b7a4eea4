import type { Kysely } from 'kysely';
import {
  advance,
  initialState,
  localDate,
  periodContaining,
  previousPeriod,
  type DateRange,
  type Period,
  type PeriodRecord,
  type StreakSettings,
  type StreakState,
} from '../engine/streaks/index.js';
import type { StreakHistoryEntry, StreakResponse } from '../events/payloads.js';
import type { Schema, UserRow, UserStreakRow } from '../store/schema.js';
import { streakEnabledFor } from '../users/preferences.js';
import { loadStreakSettings } from './streak-settings.js';
import { describeStreak, loadUserStreak, type UserStreak } from './user-streak.js';

/**
 * Streak reads. They show the streak as it is NOW: the stored state may lag behind (the rollover
 * job runs at local midnight, or a little after), so reads advance it virtually, with the same
 * rules, without writing anything. Nothing here writes.
 */

/** The streak brought up to its `today` without persisting, and the history rows that would produce. */
export function viewStreak(streak: UserStreak, pauses: readonly DateRange[]): { streak: UserStreak; records: PeriodRecord[] } {
  if (!streak.settings.enabled || !streakEnabledFor(streak.user)) return { streak, records: [] };
  const result = advance(streak.state, streak.settings, { today: streak.today, pauses });
  return { streak: { ...streak, state: result.state }, records: result.records };
}

/** Trophy's StreakResponse for GET /users/{id}/streak: the last `historyPeriods` periods through the current one, oldest first. */
export async function userStreakResponse(db: Kysely<Schema>, environmentId: string, user: UserRow, historyPeriods: number, now: number): Promise<StreakResponse> {
  const settings = await loadStreakSettings(db, environmentId);
  const loaded = await loadUserStreak(db, environmentId, user, settings, now);
  const pauses = await activePauses(db, environmentId, [user.id]);
  const { streak, records } = viewStreak(loaded, pauses);
  const base = describeStreak(streak);
  const active = settings.enabled && streakEnabledFor(user);

  const periods = lastPeriods(streak.today, settings, historyPeriods);
  const byStart = new Map<string, { length: number; usedFreeze: boolean; usedPause: boolean }>();
  if (active) {
    const rows = await db
      .selectFrom('streak_periods')
      .select(['period_start', 'length', 'used_freeze', 'used_pause'])
      .where('environment_id', '=', environmentId)
      .where('user_id', '=', user.id)
      .where('period_start', '>=', periods[0]!.start)
      .where('period_start', '<=', periods[periods.length - 1]!.start)
      .execute();
    for (const row of rows) byStart.set(row.period_start, { length: row.length, usedFreeze: row.used_freeze === 1, usedPause: row.used_pause === 1 });
    for (const record of records) byStart.set(record.periodStart, record);
  }
  const streakHistory = periods.map((period): StreakHistoryEntry => {
    const row = byStart.get(period.start);
    return {
      periodStart: period.start,
      periodEnd: period.end,
      length: row?.length ?? 0,
      ...(settings.freezes.enabled ? { usedFreeze: row?.usedFreeze ?? false } : {}),
      usedPause: row?.usedPause ?? false,
    };
  });

  return {
    ...base,
    extended: extendedAt(base.length, streak.state),
    streakHistory,
    pauses: pauses.filter((pause) => pause.end >= streak.today).map(({ id, start, end }) => ({ id, start, end })),
  };
}

export interface BulkStreakEntry {
  userId: string;
  streakLength: number;
  extended: string | null;
}

/**
 * GET /streaks: the users' current lengths, longest first (ties keep the order of `userIds`).
 * Ids of users that do not exist are left out.
 */
export async function bulkStreaks(db: Kysely<Schema>, environmentId: string, userIds: readonly string[], now: number): Promise<BulkStreakEntry[]> {
  if (userIds.length === 0) return [];
  const users = await db.selectFrom('users').selectAll().where('environment_id', '=', environmentId).where('id', 'in', userIds).execute();
  if (users.length === 0) return [];
  const present = users.map((user) => user.id);
  const settings = await loadStreakSettings(db, environmentId);
  const stateRows = await db.selectFrom('user_streaks').selectAll().where('environment_id', '=', environmentId).where('user_id', 'in', present).execute();
  const states = new Map(stateRows.map((row) => [row.user_id, toState(row)]));
  const pauses = await activePauses(db, environmentId, present);
  const userById = new Map(users.map((user) => [user.id, user]));

  const entries: BulkStreakEntry[] = [];
  for (const userId of userIds) {
    const user = userById.get(userId);
    if (!user) continue;
    const today = localDate(now, user.tz);
    const stored = states.get(userId);
    const loaded: UserStreak = { environmentId, user, settings, today, state: stored ?? initialState(settings, today), persisted: stored !== undefined };
    const { streak } = viewStreak(
      loaded,
      pauses.filter((pause) => pause.userId === userId),
    );
    const streakLength = describeStreak(streak).length;
    entries.push({ userId, streakLength, extended: extendedAt(streakLength, streak.state) });
  }
  // Array.prototype.sort is stable: equal lengths keep the request's order.
  return entries.sort((a, b) => b.streakLength - a.streakLength);
}

interface StoredPause extends DateRange {
  id: string;
  userId: string;
}

async function activePauses(db: Kysely<Schema>, environmentId: string, userIds: readonly string[]): Promise<StoredPause[]> {
  const rows = await db
    .selectFrom('streak_pauses')
    .select(['id', 'user_id', 'start_date', 'end_date'])
    .where('environment_id', '=', environmentId)
    .where('user_id', 'in', userIds)
    .where('status', '=', 'active')
    .orderBy('start_date')
    .orderBy('end_date')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, userId: row.user_id, start: row.start_date, end: row.end_date }));
}

/** The current period and the `count - 1` before it, oldest first. */
function lastPeriods(today: string, settings: StreakSettings, count: number): Period[] {
  const periods: Period[] = [periodContaining(today, settings.frequency, settings.weekStart)];
  while (periods.length < count) periods.unshift(previousPeriod(periods[0]!, settings.frequency, settings.weekStart));
  return periods;
}

function extendedAt(length: number, state: StreakState): string | null {
  return length > 0 && state.lastExtendedAt !== null ? new Date(state.lastExtendedAt).toISOString() : null;
}

function toState(row: UserStreakRow): StreakState {
  return {
    length: row.length,
    started: row.started,
    lastPeriodStart: row.last_period_start,
    lastExtendedAt: row.last_extended_at === null ? null : Number(row.last_extended_at),
    freezes: row.freezes,
    nextFreezeEarn: row.next_freeze_earn,
  };
}
