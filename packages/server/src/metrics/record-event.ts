import type { Kysely } from 'kysely';
import type { ConfigCache } from '../environments/config-cache.js';
import type { Outbox } from '../delivery/outbox.js';
import { localDate, type StreakSettings } from '../engine/streaks/index.js';
import { errors } from '../errors.js';
import type { UserAchievementResponse } from '../events/payloads.js';
import { leaderboardsMap, type EventLeaderboardResponse } from '../pipeline/leaderboards-response.js';
import { pointsMap, type SystemPointsResponse } from '../pipeline/points-response.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import type { Backend } from '../store/backends/backend.js';
import { newId } from '../store/ids.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { Schema } from '../store/schema.js';
import { describeStreak, loadUserStreak } from '../streaks/user-streak.js';
import type { UpsertedUserInput } from '../users/user-input.js';
import { writeEventRows } from './event-rows.js';
import { findUser, requireDeclared, upsertUser } from '../users/user-store.js';

export interface MetricEventInput {
  environmentId: string;
  metricKey: string;
  user: UpsertedUserInput;
  value: number;
  attributes: Record<string, string>;
  idempotencyKey?: string | undefined;
}

/** Trophy's EventResponse. */
export interface EventResponse {
  eventId: string;
  metricId: string;
  total: number;
  achievements: UserAchievementResponse[];
  currentStreak: ReturnType<typeof describeStreak> & { extended: boolean };
  /** The points systems this event changed, by key. */
  points: Record<string, SystemPointsResponse>;
  /** The leaderboards this event counted on where the user takes part, by key. */
  leaderboards: Record<string, EventLeaderboardResponse>;
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
 * The core write path. One transaction upserts the user, adds the event to the metric's total and
 * hands the event to the pipeline of consequences (streak, achievements, ...), which writes what
 * they changed and every webhook they caused to the outbox: all of it commits or none of it does.
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

  if (input.idempotencyKey && lookUpKey) {
    const replay = await replayed(trx, input, metric.id, config.streakSettings, now);
    if (replay) return { response: replay, replayed: true };
  }

  const lock = deps.backend.supportsSkipLocked;
  const { user, created, previous } = await upsertUser(trx, environmentId, input.user, 'identify', now, lock, config.attributeKeys.user);
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

  const result = await runPipeline(trx, deps, {
    environmentId,
    user,
    userCreated: created,
    tzChanged: previous !== undefined && previous.tz !== user.tz,
    change: { kind: 'metric_event', eventId, metric, value: input.value, attributes: input.attributes, total },
    config,
    now,
  });

  const response: EventResponse = {
    eventId,
    metricId: metric.id,
    total,
    achievements: result.achievements.completed.map((completion) => completion.response!),
    currentStreak: { ...describeStreak(result.streak.streak!), extended: result.streak.extended },
    points: pointsMap(result.points.systems, result.levels, now),
    leaderboards: leaderboardsMap(result.leaderboards.boards, now),
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

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
