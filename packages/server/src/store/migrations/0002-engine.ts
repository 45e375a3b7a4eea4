import type { Kysely } from 'kysely';

// The gamification engine's tables: configuration (attributes, metrics, achievements, streak
// settings), per-user state (users, totals, daily buckets, completions, streaks) and the durable
// scheduler that moves time-based state forward. Ids of users are the customer's own strings.
export async function up(db: Kysely<any>): Promise<void> {
  const environment = (c: any) => c.notNull().references('environments.id').onDelete('cascade');

  await db.schema
    .createTable('attributes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', environment)
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('attributes_key', ['environment_id', 'type', 'key'])
    .execute();

  await db.schema
    .createTable('metrics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', environment)
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit_type', 'text', (c) => c.notNull())
    .addColumn('units', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('metrics_key', ['environment_id', 'key'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('environment_id', 'text', environment)
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('tz', 'text')
    .addColumn('device_tokens', 'text')
    .addColumn('subscribe_to_emails', 'integer', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('control', 'integer', (c) => c.notNull())
    .addColumn('preferences', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('users_pk', ['environment_id', 'id'])
    .execute();

  await db.schema
    .createTable('user_metrics')
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('metric_id', 'text', (c) => c.notNull().references('metrics.id').onDelete('cascade'))
    .addColumn('total', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_metrics_pk', ['environment_id', 'user_id', 'metric_id'])
    .execute();

  await db.schema
    .createTable('metric_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('metric_id', 'text', (c) => c.notNull().references('metrics.id').onDelete('cascade'))
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('total', 'double precision', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // NULL keys are distinct on both backends, so only events that carry a key are constrained.
  await db.schema
    .createIndex('metric_events_idempotency')
    .on('metric_events')
    .columns(['environment_id', 'user_id', 'metric_id', 'idempotency_key'])
    .unique()
    .execute();
  // Rebuilding an achievement's filtered progress pages through one metric's events; deleting a
  // metric cascades to them. (Per-user reads go through metric_daily, not here.)
  await db.schema.createIndex('metric_events_by_metric').on('metric_events').columns(['metric_id', 'id']).execute();

  // Per-user, per-metric change in each local day: event summaries and streak periods of any
  // frequency are sums over these, so switching a streak's frequency needs no recomputation.
  await db.schema
    .createTable('metric_daily')
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('metric_id', 'text', (c) => c.notNull().references('metrics.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('change', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_daily_pk', ['environment_id', 'user_id', 'metric_id', 'day'])
    .execute();

  await db.schema
    .createTable('achievements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', environment)
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('badge_url', 'text')
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('metric_id', 'text', (c) => c.references('metrics.id').onDelete('set null'))
    .addColumn('metric_value', 'double precision')
    .addColumn('streak_length', 'integer')
    .addColumn('prerequisite_ids', 'text', (c) => c.notNull())
    .addColumn('user_attributes', 'text', (c) => c.notNull())
    .addColumn('event_attributes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('achievements_key', ['environment_id', 'key'])
    .execute();

  await db.schema
    .createTable('user_achievements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('achievement_id', 'text', (c) => c.notNull().references('achievements.id').onDelete('cascade'))
    .addColumn('achieved_at', 'bigint', (c) => c.notNull())
    .addColumn('backdated', 'integer', (c) => c.notNull())
    .addUniqueConstraint('user_achievements_once', ['environment_id', 'user_id', 'achievement_id'])
    .execute();
  await db.schema.createIndex('user_achievements_by_achievement').on('user_achievements').columns(['achievement_id']).execute();

  // Sum of only the events matching an achievement's event-attribute filters.
  await db.schema
    .createTable('achievement_progress')
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('achievement_id', 'text', (c) => c.notNull().references('achievements.id').onDelete('cascade'))
    .addColumn('total', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('achievement_progress_pk', ['environment_id', 'user_id', 'achievement_id'])
    .execute();

  await db.schema
    .createTable('streak_settings')
    .addColumn('environment_id', 'text', (c) => c.primaryKey().references('environments.id').onDelete('cascade'))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_streaks')
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('length', 'integer', (c) => c.notNull())
    .addColumn('started', 'text')
    .addColumn('last_period_start', 'text')
    .addColumn('last_extended_at', 'bigint')
    .addColumn('freezes', 'integer', (c) => c.notNull())
    .addColumn('next_freeze_earn', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_streaks_pk', ['environment_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('streak_periods')
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('period_start', 'text', (c) => c.notNull())
    .addColumn('period_end', 'text', (c) => c.notNull())
    .addColumn('length', 'integer', (c) => c.notNull())
    .addColumn('used_freeze', 'integer', (c) => c.notNull())
    .addColumn('used_pause', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('streak_periods_pk', ['environment_id', 'user_id', 'period_start'])
    .execute();

  await db.schema
    .createTable('streak_pauses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('streak_pauses_by_user').on('streak_pauses').columns(['environment_id', 'user_id']).execute();

  // Durable time-based work (streak rollovers, freeze earning, batch events): one row per
  // (kind, subject), claimed with a lease like a delivery, and safe to run twice.
  await db.schema
    .createTable('scheduled_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', environment)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('payload', 'text')
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('scheduled_jobs_subject', ['kind', 'environment_id', 'subject'])
    .execute();
  await db.schema.createIndex('scheduled_jobs_due').on('scheduled_jobs').columns(['due_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'scheduled_jobs', 'streak_pauses', 'streak_periods', 'user_streaks', 'streak_settings', 'achievement_progress',
    'user_achievements', 'achievements', 'metric_daily', 'metric_events', 'user_metrics', 'users', 'metrics', 'attributes',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
