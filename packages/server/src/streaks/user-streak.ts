import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { EmitInput } from '../delivery/outbox.js';
import { buildPayload } from '../events/catalog.js';
import {
  advance,
  conditionsMet,
  describe,
  initialState,
  localDate,
  nextWake,
  nextPeriod,
  periodContaining,
  recordActivity,
  type BaseStreakView,
  type DateRange,
  type PeriodRecord,
  type StreakChange,
  type StreakCondition,
  type StreakSettings,
  type StreakState,
} from '../engine/streaks/index.js';
import { jobKind } from '../schedule/job-kind.js';
import { scheduleJob, unscheduleJob, type JobKey } from '../schedule/jobs.js';
import type { Schema, UserRow } from '../store/schema.js';
import { preferencesOf, settingsForUser, streakEnabledFor } from '../users/preferences.js';
import { toWebhookUser } from '../users/user-store.js';
import { prepared } from '../store/prepared.js';

/** One job per user with a streak that can change by itself (subject = user id); everything it needs is stored state. */
export const STREAK_JOB = jobKind('streak', z.null());

/**
 * One user's streak, as the pipeline's streak stage uses it: load, bring up to date and apply
 * activity in memory, then persist and schedule the next time-driven change. The rules themselves
 * are in engine/streaks.
 */
export interface UserStreak {
  environmentId: string;
  user: UserRow;
  settings: StreakSettings;
  state: StreakState;
  /** The user's local date now. */
  today: string;
  /** Whether the user's streak row exists and holds `state`. */
  persisted: boolean;
}

const streakRow = prepared((db, environmentId: string, userId: string) =>
  db.selectFrom('user_streaks').selectAll().where('environment_id', '=', environmentId).where('user_id', '=', userId),
);

export async function loadUserStreak(trx: Kysely<Schema>, environmentId: string, user: UserRow, settings: StreakSettings, now: number): Promise<UserStreak> {
  const today = localDate(now, user.tz);
  const [row] = await streakRow(trx, environmentId, user.id);
  const state: StreakState = row
    ? {
        length: row.length,
        started: row.started,
        lastPeriodStart: row.last_period_start,
        lastExtendedAt: row.last_extended_at === null ? null : Number(row.last_extended_at),
        freezes: row.freezes,
        nextFreezeEarn: row.next_freeze_earn,
      }
    : initialState(settings, today);
  return { environmentId, user, settings: settingsForUser(settings, user), state, today, persisted: row !== undefined };
}

/**
 * A new user's streak, not yet written: the initial freeze grant happens here (no webhook for
 * it). The caller saves it (saveState) and schedules it (scheduleNext).
 */
export function newUserStreak(environmentId: string, user: UserRow, settings: StreakSettings, now: number): UserStreak {
  const today = localDate(now, user.tz);
  return { environmentId, user, settings: settingsForUser(settings, user), state: initialState(settings, today), today, persisted: false };
}

/** What settling or counting did to a streak (already applied to `streak.state`); the caller writes it. */
export interface StreakStep {
  /** History rows to upsert, oldest first. */
  records: PeriodRecord[];
  /** Webhooks, in the order they happened. */
  events: EmitInput[];
  /** Whether `streak.state` changed. */
  changed: boolean;
}

/** Settles missed periods and due freeze grants up to now, in memory, with their webhooks. */
export async function catchUp(trx: Kysely<Schema>, streak: UserStreak): Promise<StreakStep> {
  if (!streakActive(streak)) return { records: [], events: [], changed: false };
  // Pauses matter only when a period went by uncounted; most events find none and skip the read.
  const pauses = periodMissed(streak) ? await loadPauses(trx, streak.environmentId, streak.user.id) : [];
  const result = advance(streak.state, streak.settings, { today: streak.today, pauses });
  const changed = !sameState(result.state, streak.state);
  streak.state = result.state;
  return { records: result.records, events: result.changes.map((change) => changeEvent(streak, change)), changed };
}

/**
 * Counts the current period, in memory, if a metric event made its conditions hold. `change` says
 * whether the streak started or was extended (Trophy's `extended` is true for both).
 */
export async function countActivity(
  trx: Kysely<Schema>,
  streak: UserStreak,
  metricId: string,
  metricsByKey: ReadonlyMap<string, { id: string }>,
  now: number,
): Promise<StreakStep & { change: 'started' | 'extended' | null }> {
  const none = { records: [], events: [], changed: false, change: null };
  if (!streakActive(streak)) return none;
  const { conditions, mode } = effectiveConditions(streak, metricsByKey);
  if (!conditions.some((condition) => condition.metricId === metricId)) return none;
  const period = periodContaining(streak.today, streak.settings.frequency, streak.settings.weekStart);
  if (countedThrough(streak) >= period.start) return none; // this period already counts
  const sums = await periodSums(trx, streak, conditions, period.start, period.end);
  const result = recordActivity(streak.state, streak.settings, { today: streak.today, now, met: conditionsMet(conditions, mode, sums) });
  if (!result.change) return none;
  streak.state = result.state;
  const type = result.change === 'started' ? 'streak.started' : 'streak.extended';
  const event: EmitInput = { environmentId: streak.environmentId, type, payload: buildPayload(type, { user: toWebhookUser(streak.user), streak: describeStreak(streak) }) };
  return { records: result.record ? [result.record] : [], events: [event], changed: true, change: result.change };
}

/** The length the user's streak has for everything that reads it: 0 where streaks are off for them. */
export function currentLength(streak: UserStreak): number {
  return streakActive(streak) ? streak.state.length : 0;
}

/** Start of the last counted period, or '' without a streak. */
function countedThrough(streak: UserStreak): string {
  const { state, settings } = streak;
  if (state.length === 0 || state.lastPeriodStart === null) return '';
  return periodContaining(state.lastPeriodStart, settings.frequency, settings.weekStart).start;
}

/** Whether the period after the last counted one has ended: then catching up has periods to settle. */
function periodMissed(streak: UserStreak): boolean {
  const last = countedThrough(streak);
  if (last === '') return false;
  const { frequency, weekStart } = streak.settings;
  return nextPeriod(periodContaining(last, frequency, weekStart), frequency, weekStart).end < streak.today;
}

/** Whether this user has a streak at all: the environment has one and the user has not turned it off. */
export function streakActive(streak: UserStreak): boolean {
  return streak.settings.enabled && streakEnabledFor(streak.user);
}

/** Trophy's BaseStreakResponse for this user now; always length 0 where streaks are off for them. */
export function describeStreak(streak: UserStreak): BaseStreakView {
  return describe(streakActive(streak) ? streak.state : initialState(streak.settings, streak.today), streak.settings, streak.today);
}

/** When the user's streak next changes by itself (null: never): what the schedule should hold. */
export function wakeOf(streak: UserStreak): number | null {
  return streakActive(streak) ? nextWake(streak.state, streak.settings, streak.today, streak.user.tz) : null;
}

/** Puts the user's next time-driven streak change on the durable schedule (or removes it). */
export async function scheduleNext(trx: Kysely<Schema>, streak: UserStreak, now: number): Promise<void> {
  const key: JobKey = { environmentId: streak.environmentId, subject: streak.user.id };
  const due = wakeOf(streak);
  if (due === null) await unscheduleJob(trx, STREAK_JOB, key);
  else await scheduleJob(trx, STREAK_JOB, key, { at: Math.max(due, now), payload: null }, now);
}

/** The environment's conditions, or the user's own where personalisation allows them. */
function effectiveConditions(
  streak: UserStreak,
  metricsByKey: ReadonlyMap<string, { id: string }>,
): { conditions: StreakCondition[]; mode: StreakSettings['evaluationMode'] } {
  const preferences = preferencesOf(streak.user).streak;
  let conditions = streak.settings.conditions;
  let mode = streak.settings.evaluationMode;
  if (streak.settings.personalization && preferences) {
    if (preferences.evaluationMode) mode = preferences.evaluationMode;
    if (preferences.metrics && preferences.metrics.length > 0) {
      conditions = preferences.metrics.flatMap((metric) => {
        const id = metricsByKey.get(metric.key)?.id;
        return id ? [{ metricId: id, threshold: metric.threshold }] : [];
      });
      // Personal metrics that have all been deleted leave the environment's conditions in force.
      if (conditions.length === 0) conditions = streak.settings.conditions;
    }
  }
  return { conditions, mode };
}

async function periodSums(trx: Kysely<Schema>, streak: UserStreak, conditions: readonly StreakCondition[], start: string, end: string): Promise<Map<string, number>> {
  const rows = await trx
    .selectFrom('metric_daily')
    .select(['metric_id', (eb) => eb.fn.sum<number>('change').as('sum')])
    .where('environment_id', '=', streak.environmentId)
    .where('user_id', '=', streak.user.id)
    .where(
      'metric_id',
      'in',
      conditions.map((condition) => condition.metricId),
    )
    .where('day', '>=', start)
    .where('day', '<=', end)
    .groupBy('metric_id')
    .execute();
  return new Map(rows.map((row) => [row.metric_id, Number(row.sum)]));
}

async function loadPauses(trx: Kysely<Schema>, environmentId: string, userId: string): Promise<DateRange[]> {
  const rows = await trx
    .selectFrom('streak_pauses')
    .select(['start_date', 'end_date'])
    .where('environment_id', '=', environmentId)
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .execute();
  return rows.map((row) => ({ start: row.start_date, end: row.end_date }));
}

/** Writes the streak's state row (insert or update); the admin paths (freeze grants, restore) use it too. */
export async function saveState(trx: Kysely<Schema>, streak: UserStreak, now: number): Promise<void> {
  const values = {
    length: streak.state.length,
    started: streak.state.started,
    last_period_start: streak.state.lastPeriodStart,
    last_extended_at: streak.state.lastExtendedAt,
    freezes: streak.state.freezes,
    next_freeze_earn: streak.state.nextFreezeEarn,
    updated_at: now,
  };
  await trx
    .insertInto('user_streaks')
    .values({ environment_id: streak.environmentId, user_id: streak.user.id, ...values })
    .onConflict((oc) => oc.columns(['environment_id', 'user_id']).doUpdateSet(values))
    .execute();
  streak.persisted = true;
}

export async function saveRecords(trx: Kysely<Schema>, streak: UserStreak, records: readonly PeriodRecord[]): Promise<void> {
  for (const record of records) {
    const values = { period_end: record.periodEnd, length: record.length, used_freeze: record.usedFreeze ? 1 : 0, used_pause: record.usedPause ? 1 : 0 };
    await trx
      .insertInto('streak_periods')
      .values({ environment_id: streak.environmentId, user_id: streak.user.id, period_start: record.periodStart, ...values })
      .onConflict((oc) => oc.columns(['environment_id', 'user_id', 'period_start']).doUpdateSet(values))
      .execute();
  }
}

function changeEvent(streak: UserStreak, change: StreakChange): EmitInput {
  const user = toWebhookUser(streak.user);
  const environmentId = streak.environmentId;
  switch (change.kind) {
    case 'lost':
      return { environmentId, type: 'streak.lost', payload: buildPayload('streak.lost', { user, length: change.length }) };
    case 'freeze_consumed':
      return { environmentId, type: 'streak.freeze_consumed', payload: buildPayload('streak.freeze_consumed', { user, consumed: change.consumed, freezes: change.freezes }) };
    case 'freeze_earned':
      return { environmentId, type: 'streak.freeze_earned', payload: buildPayload('streak.freeze_earned', { user, earned: change.earned, freezes: change.freezes }) };
  }
}

function sameState(a: StreakState, b: StreakState): boolean {
  return (
    a.length === b.length &&
    a.started === b.started &&
    a.lastPeriodStart === b.lastPeriodStart &&
    a.lastExtendedAt === b.lastExtendedAt &&
    a.freezes === b.freezes &&
    a.nextFreezeEarn === b.nextFreezeEarn
  );
}
