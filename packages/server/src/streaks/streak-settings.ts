import type { Kysely } from 'kysely';
import type { StreakSettings } from '../engine/streaks/index.js';
import type { Schema } from '../store/schema.js';

/** Until an admin configures one, an environment has no streak: every user's length stays 0. */
export const DEFAULT_STREAK_SETTINGS: StreakSettings = {
  enabled: false,
  frequency: 'daily',
  conditions: [],
  evaluationMode: 'AND',
  weekStart: 0,
  freezes: { enabled: false, initial: 0, max: 0, autoEarnInterval: null, autoEarnAmount: null },
  personalization: false,
  daysOff: [],
};

export async function loadStreakSettings(db: Kysely<Schema>, environmentId: string): Promise<StreakSettings> {
  const row = await db.selectFrom('streak_settings').select('settings').where('environment_id', '=', environmentId).executeTakeFirst();
  return row ? { ...DEFAULT_STREAK_SETTINGS, ...(JSON.parse(row.settings) as Partial<StreakSettings>) } : DEFAULT_STREAK_SETTINGS;
}

export async function saveStreakSettings(trx: Kysely<Schema>, environmentId: string, settings: StreakSettings, now: number): Promise<void> {
  const json = JSON.stringify(settings);
  await trx
    .insertInto('streak_settings')
    .values({ environment_id: environmentId, settings: json, updated_at: now })
    .onConflict((oc) => oc.column('environment_id').doUpdateSet({ settings: json, updated_at: now }))
    .execute();
}
