import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * Points (issue 14): each environment's points systems with their triggers, levels and boosts
 * (configuration), and the per-user state that awarding writes (totals, trigger progress, the
 * awards log, the points.changed throttle).
 *
 * Configuration tables reference their system with cascading foreign keys and bump the
 * environment's config_version by trigger, like 0003's tables, so the per-process ConfigCache
 * sees every change. A boost for one user is per-user state, not configuration: the event path
 * reads it by (environment, user), so only boosts without a user bump the version.
 *
 * The per-user tables are written on the event path and have no foreign keys (see "No foreign
 * keys on the delivery log" in docs/ARCHITECTURE.md); deleting a system deletes their rows in
 * the same transaction (points/system-store.ts). Their keys start with what the event path reads
 * by: (environment, user) for a user's totals and trigger progress, (system, user, time) for
 * the latest awards and the event summary.
 */
const CONFIG_TABLES = ['points_systems', 'points_triggers', 'points_levels'];

export async function up(db: Kysely<any>): Promise<void> {
  const environment = (c: any) => c.notNull().references('environments.id').onDelete('cascade');
  const system = (c: any) => c.notNull().references('points_systems.id').onDelete('cascade');

  await db.schema
    .createTable('points_systems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', environment)
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('badge_url', 'text')
    .addColumn('max_points', 'bigint')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('points_systems_key', ['environment_id', 'key'])
    .execute();

  await db.schema
    .createTable('points_triggers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', environment)
    .addColumn('system_id', 'text', system)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // A deleted metric or achievement leaves its triggers without one; they then never fire.
    .addColumn('metric_id', 'text', (c) => c.references('metrics.id').onDelete('set null'))
    .addColumn('metric_threshold', 'bigint')
    .addColumn('event_attributes', 'text', (c) => c.notNull())
    .addColumn('streak_length', 'integer')
    .addColumn('achievement_id', 'text', (c) => c.references('achievements.id').onDelete('set null'))
    .addColumn('time_unit', 'text')
    .addColumn('time_interval', 'integer')
    .addColumn('user_attributes', 'text', (c) => c.notNull())
    .addColumn('block_if_out_of_points', 'integer', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('points_triggers_by_system').on('points_triggers').columns(['system_id', 'created_at']).execute();
  // Deleting a metric or an achievement sets these to null: without an index each delete scans.
  await db.schema.createIndex('points_triggers_by_metric').on('points_triggers').column('metric_id').execute();
  await db.schema.createIndex('points_triggers_by_achievement').on('points_triggers').column('achievement_id').execute();

  await db.schema
    .createTable('points_levels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', environment)
    .addColumn('system_id', 'text', system)
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('badge_url', 'text')
    .addColumn('points', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('points_levels_key', ['system_id', 'key'])
    .execute();

  await db.schema
    .createTable('points_boosts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', environment)
    .addColumn('system_id', 'text', system)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text')
    .addColumn('multiplier', 'double precision', (c) => c.notNull())
    .addColumn('rounding', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('user_attributes', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('points_boosts_by_system').on('points_boosts').columns(['system_id', 'created_at']).execute();
  // A user's own boosts, read per event; user_id null (everyone's boosts) is the configuration's.
  await db.schema.createIndex('points_boosts_by_user').on('points_boosts').columns(['environment_id', 'user_id']).execute();

  // ---- Per-user state, written by awarding.

  await db.schema
    .createTable('user_points')
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('system_id', 'text', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('level_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_points_pk', ['environment_id', 'user_id', 'system_id'])
    .execute();
  // The summary's top total and range counts, users per level, points leaderboards.
  await db.schema.createIndex('user_points_by_total').on('user_points').columns(['system_id', 'total']).execute();

  await db.schema
    .createTable('user_points_triggers')
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('trigger_id', 'text', (c) => c.notNull())
    .addColumn('system_id', 'text', (c) => c.notNull())
    .addColumn('activated_at', 'bigint', (c) => c.notNull())
    .addColumn('progress', 'double precision', (c) => c.notNull())
    .addColumn('high_water', 'double precision', (c) => c.notNull())
    .addColumn('firings', 'bigint', (c) => c.notNull())
    .addColumn('anchor_at', 'bigint')
    .addColumn('counted_until', 'bigint')
    .addColumn('next_due_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_points_triggers_pk', ['environment_id', 'user_id', 'trigger_id'])
    .execute();
  await db.schema.createIndex('user_points_triggers_by_system').on('user_points_triggers').column('system_id').execute();
  // Time triggers due for a tick, oldest first; metric triggers' rows (null) are left out.
  await db.schema
    .createIndex('user_points_triggers_due')
    .on('user_points_triggers')
    .column('next_due_at')
    .where(sql.ref('next_due_at'), 'is not', null)
    .execute();

  await db.schema
    .createTable('points_awards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('system_id', 'text', (c) => c.notNull())
    .addColumn('trigger_id', 'text', (c) => c.notNull())
    .addColumn('awarded', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('boost_ids', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('points_awards_by_user').on('points_awards').columns(['system_id', 'user_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('points_changed_throttles')
    .addColumn('system_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('last_sent_at', 'bigint')
    .addColumn('pending', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('points_changed_throttles_pk', ['system_id', 'user_id'])
    .execute();

  await bumpConfigVersionOnWrite(db);
}

/**
 * The triggers of 0003, for this migration's configuration tables: on points_boosts only for
 * boosts for everyone, and on points_systems only for updates of what the rules read, so the
 * no-op update that locks a system while its triggers, levels or boosts change
 * (points/system-lock.ts) does not bump the version by itself.
 */
async function bumpConfigVersionOnWrite(db: Kysely<any>): Promise<void> {
  const everyone = { insert: 'new.user_id is null', update: 'old.user_id is null or new.user_id is null', delete: 'old.user_id is null' };
  const updateOf: Record<string, string> = { points_systems: ' of key, name, description, badge_url, max_points, status' };
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    const tables: [string, Record<string, string> | undefined][] = [...CONFIG_TABLES.map((table) => [table, undefined] as [string, undefined]), ['points_boosts', everyone]];
    for (const [table, when] of tables) {
      for (const [operation, row] of [['insert', 'new'], ['update', 'new'], ['delete', 'old']] as const) {
        const columns = operation === 'update' ? (updateOf[table] ?? '') : '';
        await sql`
          create trigger ${sql.raw(`${table}_${operation}_bumps_config`)} after ${sql.raw(operation + columns)} on ${sql.table(table)}
          ${when ? sql.raw(`when ${when[operation]}`) : sql``}
          begin
            update environments set config_version = config_version + 1 where id = ${sql.raw(row)}.environment_id;
          end
        `.execute(db);
      }
    }
    return;
  }
  // laurel_bump_config_version() is 0003's.
  for (const table of CONFIG_TABLES) {
    await sql`
      create trigger ${sql.raw(`${table}_bumps_config`)} after insert or update${sql.raw(updateOf[table] ?? '')} or delete on ${sql.table(table)}
      for each row execute function laurel_bump_config_version()
    `.execute(db);
  }
  // PostgreSQL's WHEN cannot name OLD in an insert trigger nor NEW in a delete one: one trigger each.
  for (const operation of ['insert', 'update', 'delete'] as const) {
    await sql`
      create trigger ${sql.raw(`points_boosts_${operation}_bumps_config`)} after ${sql.raw(operation)} on points_boosts
      for each row when (${sql.raw(everyone[operation])}) execute function laurel_bump_config_version()
    `.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  // Dropping a table drops its triggers on both backends.
  for (const table of [
    'points_changed_throttles', 'points_awards', 'user_points_triggers', 'user_points', 'points_boosts', 'points_levels', 'points_triggers', 'points_systems',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
