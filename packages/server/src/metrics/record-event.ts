import type { Kysely } from 'kysely';
import type { ActiveRules } from '../achievements/achievement-queries.js';
import type { ConfigCache } from '../environments/config-cache.js';
import { insertCompletions } from '../achievements/completions.js';
import { toUserAchievementResponse } from '../achievements/achievement-view.js';
import type { EmitInput, Outbox } from '../delivery/outbox.js';
import { attributesMatch, newlyCompleted, type AchievementRule } from '../engine/achievements/qualify.js';
import { localDate, type StreakSettings } from '../engine/streaks/index.js';
import { buildPayload } from '../events/catalog.js';
import type { UserAchievementResponse } from '../events/payloads.js';
import { errors } from '../errors.js';
import type { Backend } from '../store/backends/backend.js';
import { newId } from '../store/ids.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { Schema, UserRow } from '../store/schema.js';
import {
  applyActivity,
  catchUp,
  describeStreak,
  loadUserStreak,
  newUserStreak,
  saveState,
  scheduleNext,
  streakActive,
  wakeOf,
  type UserStreak,
} from '../streaks/user-streak.js';
import type { UpsertedUserInput } from '../users/user-input.js';
import { writeEventRows } from './event-rows.js';
import { findUser, requireDeclared, toWebhookUser, upsertUser } from '../users/user-store.js';

export interface MetricEventInput {
  environmentId: string;
  metricKey: string;
  user: UpsertedUserInput;
  value: number;
  attributes: Record<string, string>;
  idempotencyKey?: string | undefined;
}

/** Trophy's EventResponse (points and leaderboards stay empty until those features exist). */
export interface EventResponse {
  eventId: string;
  metricId: string;
  total: number;
  achievements: UserAchievementResponse[];
  currentStreak: ReturnType<typeof describeStreak> & { extended: boolean };
  points: Record<string, never>;
  leaderboards: Record<string, never>;
  idempotencyKey?: string;
  idempotentReplayed?: boolean;
}

export interface RecordedEvent {
  response: EventResponse;
  /** True when the idempotency key had been used: nothing was processed. */
  replayed: boolean;
}

export interface EventDependencies {
  backend: Backend;
  outbox: Outbox;
  configCache: ConfigCache;
  /** SQLite: concurrent events share a commit. Undefined on PostgreSQL, where they run side by side. */
  groupCommit?: GroupCommit | undefined;
}

/**
 * The core write path. One transaction upserts the user, settles their streak up to now, adds the
 * event to the metric's total, counts the streak period, completes achievements and writes every
 * webhook it caused to the outbox: all of it commits or none of it does.
 */
export async function recordMetricEvent(deps: EventDependencies, input: MetricEventInput, now: number): Promise<RecordedEvent> {
  if (deps.groupCommit) return deps.groupCommit.run((trx) => recordEventIn(trx, deps, input, now));
  // A used key is rare: rather than look it up first, let the unique index refuse the insert, and
  // then answer the replay (also what a concurrent duplicate gets when it loses the race).
  try {
    return await deps.backend.db.transaction().execute((trx) => recordEventIn(trx, deps, input, now, { lookUpKey: false }));
  } catch (error) {
    if (input.idempotencyKey && isUniqueViolation(error)) {
      return deps.backend.db.transaction().execute((trx) => recordEventIn(trx, deps, input, now));
    }
    throw error;
  }
}

/**
 * The same inside the caller's transaction (batches). Every business-rule error (unknown metric or
 * attribute, an email rule) is thrown before this event writes anything.
 */
export async function recordEventIn(
  trx: Kysely<Schema>,
  deps: EventDependencies,
  input: MetricEventInput,
  now: number,
  { lookUpKey } = { lookUpKey: true },
): Promise<RecordedEvent> {
  const { environmentId } = input;
  const config = await deps.configCache.get(trx, environmentId);
  const metric = config.metricsByKey.get(input.metricKey);
  if (!metric || metric.status !== 'active') throw errors.notFound('Metric', input.metricKey);
  requireDeclared(input.attributes, config.attributeKeys.event, 'event');
  const settings = config.streakSettings;

  if (input.idempotencyKey && lookUpKey) {
    const replay = await replayed(trx, input, metric.id, settings, now);
    if (replay) return { response: replay, replayed: true };
  }

  const lock = deps.backend.supportsSkipLocked;
  const { user, created, previous } = await upsertUser(trx, environmentId, input.user, 'identify', now, lock, config.attributeKeys.user);
  const pending: EmitInput[] = [];
  const emit = (event: EmitInput) => pending.push(event);

  const streak = created ? newUserStreak(environmentId, user, settings, now) : await loadUserStreak(trx, environmentId, user, settings, now);
  // What the schedule holds for the user now: nothing for a new user; unknown if the time zone just moved.
  const scheduledWake = created ? null : previous?.tz !== user.tz ? undefined : wakeOf(streak);
  await catchUp(trx, streak, now, emit);
  const lengthBefore = streak.state.length;

  const eventId = newId();
  const total = await writeEventRows(trx, deps.backend.kind, {
    id: eventId,
    environmentId,
    userId: user.id,
    metricId: metric.id,
    value: input.value,
    attributes: JSON.stringify(input.attributes),
    idempotencyKey: input.idempotencyKey ?? null,
    day: localDate(now, user.tz),
    now,
  });

  const extended = await applyActivity(trx, streak, metric.id, config.metricsByKey, now, emit);
  const rules = config.rules;
  const achievements = await completeAchievements(
    trx,
    { environmentId, user, metricId: metric.id, total, attributes: input.attributes, value: input.value, streak, lengthBefore, rules },
    now,
    emit,
  );
  if (!streak.persisted) await saveState(trx, streak, now);
  // The schedule already holds this wake-up unless the streak, the time zone or the user is new.
  if (wakeOf(streak) !== scheduledWake) await scheduleNext(trx, streak, now);
  await deps.outbox.emitAll(trx, pending, now);

  const response: EventResponse = {
    eventId,
    metricId: metric.id,
    total,
    achievements,
    currentStreak: { ...describeStreak(streak), extended },
    points: {},
    leaderboards: {},
  };
  if (input.idempotencyKey) Object.assign(response, { idempotencyKey: input.idempotencyKey, idempotentReplayed: false });
  return { response, replayed: false };
}

/** The answer to a repeated key: the original event's id and total, today's streak, nothing processed. */
async function replayed(trx: Kysely<Schema>, input: MetricEventInput, metricId: string, settings: StreakSettings, now: number): Promise<EventResponse | undefined> {
  const original = await trx
    .selectFrom('metric_events')
    .select(['id', 'total'])
    .where('environment_id', '=', input.environmentId)
    .where('user_id', '=', input.user.id)
    .where('metric_id', '=', metricId)
    .where('idempotency_key', '=', input.idempotencyKey!)
    .executeTakeFirst();
  if (!original) return undefined;
  const user = await findUser(trx, input.environmentId, input.user.id);
  if (!user) return undefined;
  const streak = await loadUserStreak(trx, input.environmentId, user, settings, now);
  return {
    eventId: original.id,
    metricId,
    total: Number(original.total),
    achievements: [],
    currentStreak: { ...describeStreak(streak), extended: false },
    points: {},
    leaderboards: {},
    idempotencyKey: input.idempotencyKey!,
    idempotentReplayed: true,
  };
}

interface CompletionContext {
  environmentId: string;
  user: UserRow;
  metricId: string;
  total: number;
  value: number;
  attributes: Record<string, string>;
  streak: UserStreak;
  /** The streak length before this event counted (after catching up). */
  lengthBefore: number;
  rules: ActiveRules;
}

/**
 * Adds the event to the filtered totals of the metric's achievements it matches, then completes
 * whatever the user now qualifies for (composites cascade), emitting `achievement.completed`.
 */
async function completeAchievements(trx: Kysely<Schema>, context: CompletionContext, now: number, emit: (event: EmitInput) => void): Promise<UserAchievementResponse[]> {
  const { environmentId, user, rules } = context;
  if (rules.rules.length === 0) return [];
  const filteredTotals = new Map<string, number>();
  for (const rule of rules.rules) {
    if (rule.trigger !== 'metric' || rule.metricId !== context.metricId || rule.eventAttributes.length === 0) continue;
    if (!attributesMatch(rule.eventAttributes, context.attributes)) continue;
    const row = await trx
      .insertInto('achievement_progress')
      .values({ environment_id: environmentId, user_id: user.id, achievement_id: rule.id, total: context.value })
      .onConflict((oc) =>
        oc.columns(['environment_id', 'user_id', 'achievement_id']).doUpdateSet((eb) => ({ total: eb('achievement_progress.total', '+', eb.ref('excluded.total')) })),
      )
      .returning('total')
      .executeTakeFirstOrThrow();
    filteredTotals.set(rule.id, Number(row.total));
  }
  if (!rules.rules.some((rule) => mayCompleteNow(rule, context, filteredTotals))) return [];
  const done = await trx.selectFrom('user_achievements').select('achievement_id').where('environment_id', '=', environmentId).where('user_id', '=', user.id).execute();
  const ids = newlyCompleted(rules.rules, {
    attributes: JSON.parse(user.attributes) as Record<string, string>,
    metricTotals: new Map([[context.metricId, context.total]]),
    filteredTotals,
    streakLength: streakActive(context.streak) ? context.streak.state.length : 0,
    completed: new Set(done.map((row) => row.achievement_id)),
  });
  if (ids.length === 0) return [];
  const completions = await insertCompletions(trx, environmentId, user.id, ids, now, false);
  const webhookUser = toWebhookUser(user);
  return completions.map((completion) => {
    const row = rules.rows.get(completion.achievementId)!;
    const achievement = toUserAchievementResponse(row, row.metric_id ? rules.metricNames.get(row.metric_id) : undefined, completion.achievedAt);
    emit({ environmentId, type: 'achievement.completed', payload: buildPayload('achievement.completed', { user: webhookUser, achievement }) });
    return achievement;
  });
}

/**
 * Whether this event took the user across the rule's threshold. Only a crossing can complete an
 * achievement here (composites only cascade from a completion): someone already past a threshold
 * when its achievement went live got it by backdating. Lets most events skip the completions read.
 */
function mayCompleteNow(rule: AchievementRule, context: CompletionContext, filteredTotals: ReadonlyMap<string, number>): boolean {
  if (rule.trigger === 'metric' && rule.metricId === context.metricId && rule.metricValue !== null) {
    const after = rule.eventAttributes.length > 0 ? filteredTotals.get(rule.id) : context.total;
    return after !== undefined && after >= rule.metricValue && after - context.value < rule.metricValue;
  }
  if (rule.trigger === 'streak' && rule.streakLength !== null) {
    const length = streakActive(context.streak) ? context.streak.state.length : 0;
    return length >= rule.streakLength && context.lengthBefore < rule.streakLength;
  }
  return false;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
