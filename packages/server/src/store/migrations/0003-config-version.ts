import { SqliteAdapter, sql, type Kysely } from 'kysely';

/** Tables whose rows make up an environment's configuration, read on every metric event. */
const CONFIG_TABLES = ['attributes', 'metrics', 'achievements', 'streak_settings'];

// Every write to the configuration bumps its environment's config_version, by trigger so that no
// write path can forget it. Event processing caches the configuration per process and reads only
// this number per event: exact across processes, one small read instead of several.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('environments').addColumn('config_version', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (const table of CONFIG_TABLES) {
      for (const [operation, row] of [['insert', 'new'], ['update', 'new'], ['delete', 'old']] as const) {
        await sql`
          create trigger ${sql.raw(`${table}_${operation}_bumps_config`)} after ${sql.raw(operation)} on ${sql.table(table)}
          begin
            update environments set config_version = config_version + 1 where id = ${sql.raw(row)}.environment_id;
          end
        `.execute(db);
      }
    }
    return;
  }
  await sql`
    create function laurel_bump_config_version() returns trigger language plpgsql as $$
    begin
      update environments set config_version = config_version + 1
      where id = (case when tg_op = 'DELETE' then old.environment_id else new.environment_id end);
      return null;
    end
    $$
  `.execute(db);
  for (const table of CONFIG_TABLES) {
    await sql`
      create trigger ${sql.raw(`${table}_bumps_config`)} after insert or update or delete on ${sql.table(table)}
      for each row execute function laurel_bump_config_version()
    `.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (const table of CONFIG_TABLES) {
      for (const operation of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.raw(`${table}_${operation}_bumps_config`)}`.execute(db);
    }
  } else {
    for (const table of CONFIG_TABLES) await sql`drop trigger if exists ${sql.raw(`${table}_bumps_config`)} on ${sql.table(table)}`.execute(db);
    await sql`drop function if exists laurel_bump_config_version()`.execute(db);
  }
  await db.schema.alterTable('environments').dropColumn('config_version').execute();
}
