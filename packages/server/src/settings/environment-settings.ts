import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';

/**
 * GET/PATCH /admin/v1/settings (Trophy spec 1.24.0): an environment's branding, experimentation
 * and aggregation period, stored as one JSON document (0014). Stored and served only: nothing
 * reads them yet (the control group's assignment from `controlRatio` and the emails that use the
 * branding and the aggregation period are later work of issue 15).
 */
export const fontFamilies = ['MODERN_SANS', 'BOOK_SANS', 'ORGANIC_SANS', 'GEOMETRIC_SANS', 'HEAVY_SANS', 'ROUNDED_SANS', 'MODERN_SERIF', 'BOOK_SERIF', 'MONOSPACE'] as const;
export type FontFamily = (typeof fontFamilies)[number];
export const aggregationPeriods = ['weekly', 'monthly'] as const;
export type AggregationPeriod = (typeof aggregationPeriods)[number];

export interface EnvironmentSettings {
  branding: {
    appName: string;
    appUrl: string;
    brandColor: string;
    font: FontFamily;
    logo: { url: string } | null;
    appIcon: { url: string } | null;
  };
  experimentation: {
    /** Percentage (0-100) of new users put in the control group. */
    controlRatio: number;
    /** Days (3-30) after a user's first event that measure retention and early engagement. */
    userActivationWindow: number;
  };
  aggregationPeriod: AggregationPeriod;
}

/** What an environment has until an admin changes it: no control group, Trophy's first font, weekly recaps. */
export const DEFAULT_SETTINGS: EnvironmentSettings = {
  branding: { appName: '', appUrl: '', brandColor: '#000000', font: 'MODERN_SANS', logo: null, appIcon: null },
  experimentation: { controlRatio: 0, userActivationWindow: 7 },
  aggregationPeriod: 'weekly',
};

export interface SettingsUpdate {
  branding?: Partial<EnvironmentSettings['branding']> | undefined;
  experimentation?: Partial<EnvironmentSettings['experimentation']> | undefined;
  aggregationPeriod?: AggregationPeriod | undefined;
}

export async function loadSettings(db: Kysely<Schema>, environmentId: string): Promise<EnvironmentSettings> {
  const row = await db.selectFrom('environment_settings').select('settings').where('environment_id', '=', environmentId).executeTakeFirst();
  if (!row) return DEFAULT_SETTINGS;
  const stored = JSON.parse(row.settings) as Partial<EnvironmentSettings>;
  return {
    branding: { ...DEFAULT_SETTINGS.branding, ...stored.branding },
    experimentation: { ...DEFAULT_SETTINGS.experimentation, ...stored.experimentation },
    aggregationPeriod: stored.aggregationPeriod ?? DEFAULT_SETTINGS.aggregationPeriod,
  };
}

/** Trophy's PATCH: top-level fields left out keep their values; branding and experimentation merge field by field. */
export async function updateSettings(db: Kysely<Schema>, environmentId: string, update: SettingsUpdate, now: number): Promise<EnvironmentSettings> {
  return db.transaction().execute(async (trx) => {
    const current = await loadSettings(trx, environmentId);
    const next: EnvironmentSettings = {
      branding: { ...current.branding, ...definedOnly(update.branding) },
      experimentation: { ...current.experimentation, ...definedOnly(update.experimentation) },
      aggregationPeriod: update.aggregationPeriod ?? current.aggregationPeriod,
    };
    const json = JSON.stringify(next);
    await trx
      .insertInto('environment_settings')
      .values({ environment_id: environmentId, settings: json, updated_at: now })
      .onConflict((oc) => oc.column('environment_id').doUpdateSet({ settings: json, updated_at: now }))
      .execute();
    return next;
  });
}

/** The fields a partial object sets (undefined means left out; null, for logo and appIcon, is a value). */
function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
