import type { Kysely } from 'kysely';
import type { Outbox } from '../delivery/outbox.js';
import type { EvaluationMode, FreezeSettings, StreakFrequency, StreakSettings } from '../engine/streaks/index.js';
import { errors } from '../http/errors.js';
import type { Schema } from '../store/schema.js';
import { loadStreakSettings, saveStreakSettings } from './streak-settings.js';
import { loadUserStreak, saveState, scheduleNext } from './user-streak.js';
import { addDays, autoEarn } from '../engine/streaks/index.js';
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
 * environment (400 otherwise). Every user's next streak wake-up depends on the settings, so each
 * user with a streak row is rescheduled in the same transaction: the new settings and the
 * schedule that follows from them commit together.
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
    await rescheduleAll(trx, environmentId, settings, now);
    const keyById = new Map(rows.map((row) => [row.id, row.key]));
    return toView(settings, (id) => keyById.get(id) ?? null);
  });
}

/** Puts every streak of the environment on the schedule the given settings imply. */
async function rescheduleAll(trx: Kysely<Schema>, environmentId: string, settings: StreakSettings, now: number): Promise<void> {
  const users = await trx
    .selectFrom('user_streaks')
    .innerJoin('users', (join) => join.onRef('users.environment_id', '=', 'user_streaks.environment_id').onRef('users.id', '=', 'user_streaks.user_id'))
    .selectAll('users')
    .where('user_streaks.environment_id', '=', environmentId)
    .execute();
  const earning = autoEarn(settings.freezes);
  for (const user of users) {
    const streak = await loadUserStreak(trx, environmentId, user, settings, now);
    // Auto-earn switched on now: the first grant is one interval from today, not from the first wake-up.
    if (earning && streak.state.nextFreezeEarn === null) {
      streak.state = { ...streak.state, nextFreezeEarn: addDays(streak.today, earning.interval) };
      await saveState(trx, streak, now);
    }
    await scheduleNext(trx, streak, now);
  }
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
