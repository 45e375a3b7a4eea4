import type { Kysely } from 'kysely';
import type { Outbox } from '../delivery/outbox.js';
import type { EvaluationMode, FreezeSettings, StreakFrequency, StreakSettings } from '../engine/streaks/index.js';
import { errors } from '../errors.js';
import { startWalk, userWalkKind, type UserWalk } from '../schedule/user-walk.js';
import type { Schema } from '../store/schema.js';
import { findUser } from '../users/user-store.js';
import { loadStreakSettings, saveStreakSettings } from './streak-settings.js';
import { loadUserStreak, saveState, scheduleNext } from './user-streak.js';
import { addDays, autoEarn, localDate } from '../engine/streaks/index.js';
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

/** The settings as PUT /streaks/settings takes them: conditions name metrics by key. */
export interface StreakSettingsInput {
  enabled: boolean;
  frequency: StreakFrequency;
  conditions: { metricKey: string; threshold: number }[];
  evaluationMode: EvaluationMode;
  weekStart: number;
  freezes: FreezeSettings;
  personalization: boolean;
}

/** The settings as the API shows them: conditions carry both the metric's id and its key. */
export interface StreakSettingsView extends Omit<StreakSettingsInput, 'conditions'> {
  conditions: { metricId: string; metricKey: string | null; threshold: number }[];
}

export async function getStreakSettings(db: Kysely<Schema>, environmentId: string): Promise<StreakSettingsView> {
  const settings = await loadStreakSettings(db, environmentId);
  const ids = settings.conditions.map((condition) => condition.metricId);
  const rows = ids.length === 0 ? [] : await db.selectFrom('metrics').select(['id', 'key']).where('environment_id', '=', environmentId).where('id', 'in', ids).execute();
  const keyById = new Map(rows.map((row) => [row.id, row.key]));
  return toView(settings, (id) => keyById.get(id) ?? null);
}

/**
 * Replaces the environment's streak settings. Condition metrics must be active metrics of the
 * environment (400 otherwise). Every user's next streak wake-up depends on the settings, so the
 * same transaction starts the walk that reschedules each user with a streak row (STREAK_RESCHEDULE):
 * the work is proportional to the users, so it runs after the response, a chunk at a time.
 */
export async function replaceStreakSettings(db: Kysely<Schema>, environmentId: string, input: StreakSettingsInput, now: number): Promise<StreakSettingsView> {
  return db.transaction().execute(async (trx) => {
    const keys = input.conditions.map((condition) => condition.metricKey);
    const rows =
      keys.length === 0
        ? []
        : await trx.selectFrom('metrics').select(['id', 'key']).where('environment_id', '=', environmentId).where('key', 'in', keys).where('status', '=', 'active').execute();
    const idByKey = new Map(rows.map((row) => [row.key, row.id]));
    const unknown = input.conditions.flatMap((condition, index) => (idByKey.has(condition.metricKey) ? [] : [`conditions[${index}].metricKey: unknown metric "${condition.metricKey}"`]));
    if (unknown.length > 0) throw errors.business(`${unknown.join('; ')}. Conditions must name active metrics of this environment (POST /admin/v1/metrics creates them).`);

    const settings: StreakSettings = {
      enabled: input.enabled,
      frequency: input.frequency,
      conditions: input.conditions.map((condition) => ({ metricId: idByKey.get(condition.metricKey)!, threshold: condition.threshold })),
      evaluationMode: input.evaluationMode,
      weekStart: input.weekStart,
      freezes: { ...input.freezes },
      personalization: input.personalization,
    };
    await saveStreakSettings(trx, environmentId, settings, now);
    await startWalk(trx, STREAK_RESCHEDULE, environmentId, now);
    const keyById = new Map(rows.map((row) => [row.id, row.key]));
    return toView(settings, (id) => keyById.get(id) ?? null);
  });
}

/** The walk that puts every streak of an environment on the schedule its current settings imply. */
export const STREAK_RESCHEDULE = userWalkKind('streak-reschedule');

/** STREAK_RESCHEDULE's chunks: users with a streak row, in id order; each one's row locked like the other streak writes. */
export function streakRescheduleWalk(deps: Pick<StreakAdminDeps, 'lockForUpdate'>): UserWalk {
  return {
    async page(trx, environmentId, after, limit) {
      let query = trx.selectFrom('user_streaks').select('user_id').where('environment_id', '=', environmentId);
      if (after !== null) query = query.where('user_id', '>', after);
      return (await query.orderBy('user_id').limit(limit).execute()).map((row) => row.user_id);
    },
    async visit(trx, environmentId, userIds, { now, startedAt }) {
      const settings = await loadStreakSettings(trx, environmentId);
      const earning = autoEarn(settings.freezes);
      for (const id of userIds) {
        const user = await findUser(trx, environmentId, id, deps.lockForUpdate);
        if (!user) continue;
        const streak = await loadUserStreak(trx, environmentId, user, settings, now);
        // Auto-earn switched on: the first grant is one interval from the day of the switch, not from the first wake-up.
        if (earning && streak.state.nextFreezeEarn === null) {
          streak.state = { ...streak.state, nextFreezeEarn: addDays(localDate(startedAt, user.tz), earning.interval) };
          await saveState(trx, streak, now);
        }
        await scheduleNext(trx, streak, now);
      }
    },
  };
}

function toView(settings: StreakSettings, keyOf: (metricId: string) => string | null): StreakSettingsView {
  return {
    enabled: settings.enabled,
    frequency: settings.frequency,
    conditions: settings.conditions.map((condition) => ({ metricId: condition.metricId, metricKey: keyOf(condition.metricId), threshold: condition.threshold })),
    evaluationMode: settings.evaluationMode,
    weekStart: settings.weekStart,
    freezes: { ...settings.freezes },
    personalization: settings.personalization,
  };
}
