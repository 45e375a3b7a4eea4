import type { Kysely } from 'kysely';

/**
 * Trophy's newer admin surface (spec 1.24.0, issue 15).
 *
 * - `users.sign_up_date`: the user's `signUpDate`, a `YYYY-MM-DD` calendar date or null. Anniversary
 *   achievements count whole years from it; a user without one cannot earn them.
 * - `achievements.anniversary_years`: how many years after sign-up an `anniversary` achievement is
 *   earned (null for the other triggers).
 * - `environment_settings`: GET/PATCH /admin/v1/settings (branding, experimentation, aggregation
 *   period) as one JSON document per environment; an environment without a row has the defaults
 *   (settings/environment-settings.ts). Not part of the cached configuration: nothing on the event
 *   path reads it yet.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('sign_up_date', 'text').execute();
  await db.schema.alterTable('achievements').addColumn('anniversary_years', 'integer').execute();
  await db.schema
    .createTable('environment_settings')
    .addColumn('environment_id', 'text', (c) => c.primaryKey().references('environments.id').onDelete('cascade'))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
