import type { Kysely } from 'kysely';
import type { Outbox } from '../delivery/outbox.js';
import type { EvaluationMode, FreezeSettings, StreakFrequency, StreakSettings } from '../engine/streaks/index.js';
import { errors } from '../errors.js';
import { startWalk, userWalkKind, type UserWalk } from '../schedule/user-walk.js';
import type { Schema } from '../store/schema.js';
import { findUser } from '../users/user-store.js';
import { ConfigCache } from '../environments/config-cache.js';
import { runSilently } from '../pipeline/run-pipeline.js';
import { loadStreakSettings, saveStreakSettings } from './streak-settings.js';
import type { AdminIssue } from '../admin-issue.js';

export type StreakIssue = AdminIssue;

export const USER_MISSING = 'User does not exist';

/** What the streak admin writes need: the database, the outbox for their webhooks, and whether to lock user rows (PostgreSQL). */
export interface StreakAdminDeps {
  db: Kysely<Schema>;
  outbox: Pick<Outbox, 'emitAll'>;
  /** `FOR UPDATE` on the user's row, so one user's streak writes run one at a time (backend.supportsSkipLocked). */
  lockForUpdate: boolean;
}

/** The settings as PUT /streaks/settings (Laurel's extension) takes them: conditions name metrics by key. */
export interface StreakSettingsInput {
  enabled: boolean;
  frequency: StreakFrequency;
  conditions: { metricKey: string; threshold: number }[];
  evaluationMode: EvaluationMode;
  weekStart: number;
  freezes: FreezeSettings;
  personalization: boolean;
  daysOff?: number[] | undefined;
}

/** Trophy's StreakSettingsFreezes: null in StreakSettingsView when freezes are off. */
export interface TrophyFreezes {
  startCount: number;
  maxCount: number;
  autoEarnInterval: number | null;
  autoEarnAmount: number | null;
}

/**
 * PATCH /streaks/settings (Trophy's UpdateStreakSettingsRequest plus Laurel's `enabled` and
 * `weekStart`): fields left out keep their values.
 */
export interface StreakSettingsPatch {
  frequency?: StreakFrequency | undefined;
  evaluationMode?: EvaluationMode | undefined;
  customizationEnabled?: boolean | undefined;
  daysOff?: number[] | undefined;
  metrics?: { key: string; threshold: number }[] | undefined;
  freezes?: { startCount: number; maxCount: number; autoEarnInterval?: number | null | undefined; autoEarnAmount?: number | null | undefined } | null | undefined;
  enabled?: boolean | undefined;
  weekStart?: number | undefined;
}

/**
 * The settings as the API shows them: Trophy's StreakSettings (frequency, evaluationMode,
 * customizationEnabled, daysOff, metrics, freezes), then Laurel's extensions: `enabled`,
 * `weekStart`, `personalization` (the same as customizationEnabled) and `conditions`, which name
 * each metric by id and key (key null once the metric is deleted; such a condition is not in
 * `metrics`).
 */
export interface StreakSettingsView {
  frequency: StreakFrequency;
  evaluationMode: EvaluationMode;
  customizationEnabled: boolean;
  daysOff: number[];
  metrics: { key: string; threshold: number }[];
  freezes: TrophyFreezes | null;
  enabled: boolean;
  weekStart: number;
  personalization: boolean;
  conditions: { metricId: string; metricKey: string | null; threshold: number }[];
}

export async function getStreakSettings(db: Kysely<Schema>, environmentId: string): Promise<StreakSettingsView> {
  const settings = await loadStreakSettings(db, environmentId);
  return toView(settings, await metricKeys(db, environmentId, settings));
}

async function metricKeys(db: Kysely<Schema>, environmentId: string, settings: StreakSettings): Promise<Map<string, string>> {
  const ids = settings.conditions.map((condition) => condition.metricId);
  const rows = ids.length === 0 ? [] : await db.selectFrom('metrics').select(['id', 'key']).where('environment_id', '=', environmentId).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.key]));
}

/** Active metrics of the environment by key, among `keys`. */
async function activeMetricIds(db: Kysely<Schema>, environmentId: string, keys: readonly string[]): Promise<Map<string, string>> {
  const rows =
    keys.length === 0
      ? []
      : await db.selectFrom('metrics').select(['id', 'key']).where('environment_id', '=', environmentId).where('key', 'in', [...keys]).where('status', '=', 'active').execute();
  return new Map(rows.map((row) => [row.key, row.id]));
}

/**
 * Replaces the environment's streak settings. Condition metrics must be active metrics of the
 * environment (400 otherwise). Every user's next streak wake-up depends on the settings, so the
 * same transaction starts the walk that reschedules each user with a streak row (STREAK_RESCHEDULE):
 * the work is proportional to the users, so it runs after the response, a chunk at a time.
 */
export async function replaceStreakSettings(db: Kysely<Schema>, environmentId: string, input: StreakSettingsInput, now: number): Promise<StreakSettingsView> {
  return db.transaction().execute(async (trx) => {
    const idByKey = await activeMetricIds(trx, environmentId, input.conditions.map((condition) => condition.metricKey));
    const unknown = input.conditions.flatMap((condition, index) => (idByKey.has(condition.metricKey) ? [] : [`conditions[${index}].metricKey: unknown metric "${condition.metricKey}"`]));
    if (unknown.length > 0) throw errors.business(`${unknown.join('; ')}. Conditions must name active metrics of this environment (POST /admin/v1/metrics creates them).`);
    const daysOff = input.daysOff ?? [];
    if (daysOff.length > 0 && input.frequency !== 'daily') throw errors.invalid(`daysOff: only a daily streak has days off (frequency is ${input.frequency})`);

    const settings: StreakSettings = {
      enabled: input.enabled,
      frequency: input.frequency,
      conditions: input.conditions.map((condition) => ({ metricId: idByKey.get(condition.metricKey)!, threshold: condition.threshold })),
      evaluationMode: input.evaluationMode,
      weekStart: input.weekStart,
      freezes: { ...input.freezes },
      personalization: input.personalization,
      daysOff: sortedDays(daysOff),
    };
    return save(trx, environmentId, settings, new Map([...idByKey].map(([key, id]) => [id, key])), now);
  });
}

/**
 * Trophy's PATCH: top-level fields left out keep their values; `metrics` replaces the list (each
 * key an active metric of the environment: 422 otherwise); `freezes` replaces the freeze settings
 * and null turns freezes off; a non-empty `daysOff` needs the frequency after the update to be
 * daily (422), and a frequency other than daily clears the days off. Laurel's `enabled` is set by
 * the request when sent; otherwise sending `metrics` turns the streak on (a Trophy client has no
 * other way to), and it is kept as it was. An enabled streak needs at least one metric (422).
 */
export async function updateStreakSettings(db: Kysely<Schema>, environmentId: string, patch: StreakSettingsPatch, now: number): Promise<StreakSettingsView> {
  return db.transaction().execute(async (trx) => {
    const current = await loadStreakSettings(trx, environmentId);
    const frequency = patch.frequency ?? current.frequency;
    if (patch.daysOff && patch.daysOff.length > 0 && frequency !== 'daily') throw errors.invalid(`daysOff: only a daily streak has days off (frequency would be ${frequency})`);
    let conditions = current.conditions;
    const keyById = await metricKeys(trx, environmentId, current);
    if (patch.metrics) {
      const idByKey = await activeMetricIds(trx, environmentId, patch.metrics.map((metric) => metric.key));
      const unknown = patch.metrics.flatMap((metric, index) => (idByKey.has(metric.key) ? [] : [`metrics[${index}].key: unknown metric "${metric.key}"`]));
      if (unknown.length > 0) throw errors.invalid(`${unknown.join('; ')}. Streak metrics must be active metrics of this environment.`);
      conditions = patch.metrics.map((metric) => ({ metricId: idByKey.get(metric.key)!, threshold: metric.threshold }));
      for (const [key, id] of idByKey) keyById.set(id, key);
    }
    const enabled = patch.enabled ?? (patch.metrics ? true : current.enabled);
    if (enabled && conditions.length === 0) throw errors.invalid('metrics: at least one metric is required while the streak is enabled');
    const freezes: FreezeSettings =
      patch.freezes === undefined
        ? current.freezes
        : patch.freezes === null
          ? { enabled: false, initial: 0, max: 0, autoEarnInterval: null, autoEarnAmount: null }
          : {
              enabled: true,
              initial: patch.freezes.startCount,
              max: patch.freezes.maxCount,
              autoEarnInterval: patch.freezes.autoEarnInterval ?? null,
              autoEarnAmount: patch.freezes.autoEarnAmount ?? null,
            };
    const settings: StreakSettings = {
      enabled,
      frequency,
      conditions,
      evaluationMode: patch.evaluationMode ?? current.evaluationMode,
      weekStart: patch.weekStart ?? current.weekStart,
      freezes,
      personalization: patch.customizationEnabled ?? current.personalization,
      daysOff: frequency === 'daily' ? sortedDays(patch.daysOff ?? current.daysOff) : [],
    };
    return save(trx, environmentId, settings, keyById, now);
  });
}

async function save(trx: Kysely<Schema>, environmentId: string, settings: StreakSettings, keyById: ReadonlyMap<string, string>, now: number): Promise<StreakSettingsView> {
  await saveStreakSettings(trx, environmentId, settings, now);
  await startWalk(trx, STREAK_RESCHEDULE, environmentId, now);
  return toView(settings, keyById);
}

function sortedDays(days: readonly number[]): number[] {
  return [...new Set(days)].sort((a, b) => a - b);
}

/** The walk that puts every streak of an environment on the schedule its current settings imply. */
export const STREAK_RESCHEDULE = userWalkKind('streak-reschedule');

/**
 * STREAK_RESCHEDULE's chunks: users with a streak row, in id order; each one's row locked like the
 * other streak writes, then a `streak_rescheduled` change through the pipeline (its streak stage
 * dates the first automatic freeze grant and schedules the next wake-up; it settles nothing, so
 * there is nothing to send).
 */
export function streakRescheduleWalk(deps: Pick<StreakAdminDeps, 'lockForUpdate'>): UserWalk {
  return {
    async page(trx, environmentId, after, limit) {
      let query = trx.selectFrom('user_streaks').select('user_id').where('environment_id', '=', environmentId);
      if (after !== null) query = query.where('user_id', '>', after);
      return (await query.orderBy('user_id').limit(limit).execute()).map((row) => row.user_id);
    },
    async visit(trx, environmentId, userIds, { now, startedAt }) {
      const config = await new ConfigCache().get(trx, environmentId);
      for (const id of userIds) {
        const user = await findUser(trx, environmentId, id, deps.lockForUpdate);
        if (!user) continue;
        await runSilently(trx, { environmentId, user, userCreated: false, tzChanged: false, change: { kind: 'streak_rescheduled', startedAt }, config, now });
      }
    },
  };
}

function toView(settings: StreakSettings, keyById: ReadonlyMap<string, string>): StreakSettingsView {
  const conditions = settings.conditions.map((condition) => ({ metricId: condition.metricId, metricKey: keyById.get(condition.metricId) ?? null, threshold: condition.threshold }));
  const { freezes } = settings;
  return {
    frequency: settings.frequency,
    evaluationMode: settings.evaluationMode,
    customizationEnabled: settings.personalization,
    daysOff: [...settings.daysOff],
    metrics: conditions.flatMap((condition) => (condition.metricKey === null ? [] : [{ key: condition.metricKey, threshold: condition.threshold }])),
    freezes: freezes.enabled ? { startCount: freezes.initial, maxCount: freezes.max, autoEarnInterval: freezes.autoEarnInterval, autoEarnAmount: freezes.autoEarnAmount } : null,
    enabled: settings.enabled,
    weekStart: settings.weekStart,
    personalization: settings.personalization,
    conditions,
  };
}
