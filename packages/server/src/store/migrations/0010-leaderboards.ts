import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * Leaderboards: their configuration, and the per-run scoring state that the write path (metric
 * events, points awards, streak changes) keeps up to date and the ranking reads query.
 *
 * Configuration. `leaderboards` holds each board as the Admin API sets it: `status` is the
 * admin's status (engine/leaderboards/status.ts derives what users see from it and the dates),
 * dates are local `YYYY-MM-DD` text (`start_date`, `end_date`: `end` is reserved in SQL), times of
 * day `HH:mm[:ss]` text, and `breakdown_attribute_ids` a JSON array of attribute ids in the
 * board's order. Writes bump the environment's config_version like the other configuration tables
 * (0003), so the per-process ConfigCache reloads. A deleted metric or points system leaves its
 * boards without one (`metric_id` or `points_system_id` null: they rank nothing until an admin
 * gives them another while inactive).
 *
 * Scoring state, per board and run. A run is named by its first local date (`run_start`), which
 * the run settings fix once a board is live, so a `run=YYYY-MM-DD` query resolves to it with date
 * arithmetic alone (engine/leaderboards/runs.ts).
 *
 * - `leaderboard_scores`: every user who has a score in the run, members or not: the running
 *   `total` (metric sums are decimals), the integer `value` it ranks by, `reached_at` (when that
 *   value was reached: the tie-break) and `group_key`, the breakdown group the user's attributes
 *   put them in (engine groups.ts: a JSON array of values, `[]` without breakdowns; null when an
 *   attribute is missing and the user is in no group).
 * - `leaderboard_members`: who holds a place, at most maxParticipants per (board, run, group),
 *   with copies of their score's `value` and `reached_at`. Membership is state, not a query: the
 *   engine keeps a member whose value falls below a non-member's (ranking.ts), so it cannot be
 *   recomputed from the scores. Groups are named by `group_id`, a short hash of the group key
 *   (leaderboards/group-id.ts), because a key made of long attribute values could exceed
 *   PostgreSQL's limit on the size of an index entry.
 * - `leaderboard_groups`: each run's groups, `group_id` to the readable `group_key`.
 *
 * How a rank is read. Ranking order is value descending, then reached_at ascending, then user id
 * ascending (engine compareEntries), and the index `leaderboard_members_ranking` is exactly
 * (leaderboard_id, run_start, group_id, value desc, reached_at, user_id). So:
 * - a page (`GET /leaderboards/{key}?offset&limit&run&userAttributes`) is one range scan of that
 *   index in order, offset + limit entries at most, no sort;
 * - a user's rank (`GET /users/{id}/leaderboards/{key}`) is their member row by primary key
 *   (leaderboard_id, run_start, user_id), then 1 + the count of the group's members ahead of
 *   them: a scan of at most maxParticipants (1,000) index entries of the same prefix;
 * - a group's size and lowest member (the threshold) are a count and a backward scan of the same
 *   range. Reads cost the same with 1,000,000 scores as with 1,000: scores are never scanned.
 * leaderboards/ranking-reads.ts holds these statements.
 *
 * - `leaderboard_rank_history`: one row per user, run and local date on which their standing
 *   changed (engine history.ts), read newest first by primary key for `numEvents`.
 * - `leaderboard_throttles`: the 15-minute throttle state (engine/throttle.ts) of
 *   `leaderboard.changed` (per board: `user_id` '') and `leaderboard.rank_changed` (per board and
 *   user): when the last delivery went out and the merged payload waiting for the trailing one.
 *
 * The scoring tables have no foreign keys, for the reason 0005 gives for the delivery log: they
 * are written on every metric event, and a referential check locks the parent row on PostgreSQL.
 * Deleting a board deletes its rows explicitly (leaderboards/scoring-state.ts).
 */
const SCORING_TABLES = ['leaderboard_scores', 'leaderboard_groups', 'leaderboard_members', 'leaderboard_rank_history', 'leaderboard_throttles'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('leaderboards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rank_by', 'text', (c) => c.notNull())
    .addColumn('metric_id', 'text', (c) => c.references('metrics.id').onDelete('set null'))
    .addColumn('points_system_id', 'text', (c) => c.references('points_systems.id').onDelete('set null'))
    .addColumn('max_participants', 'integer', (c) => c.notNull())
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text')
    .addColumn('start_time', 'text')
    .addColumn('end_time', 'text')
    .addColumn('breakdown_attribute_ids', 'text', (c) => c.notNull())
    .addColumn('run_unit', 'text')
    .addColumn('run_interval', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('leaderboards_key', ['environment_id', 'key'])
    .execute();
  // What deleting a metric or points system looks up to set null.
  await db.schema.createIndex('leaderboards_by_metric').on('leaderboards').column('metric_id').execute();
  await db.schema.createIndex('leaderboards_by_points_system').on('leaderboards').column('points_system_id').execute();

  await db.schema
    .createTable('leaderboard_scores')
    .addColumn('leaderboard_id', 'text', (c) => c.notNull())
    .addColumn('run_start', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('total', 'double precision', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addColumn('reached_at', 'bigint', (c) => c.notNull())
    .addColumn('group_key', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('leaderboard_scores_pk', ['leaderboard_id', 'run_start', 'user_id'])
    .execute();

  await db.schema
    .createTable('leaderboard_groups')
    .addColumn('leaderboard_id', 'text', (c) => c.notNull())
    .addColumn('run_start', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('leaderboard_groups_pk', ['leaderboard_id', 'run_start', 'group_id'])
    .execute();

  // Ties of value and instant go to the smaller user id, compared by code point as SQLite does and
  // as the engine's `<` does (they differ only between U+E000-U+FFFF and characters beyond U+FFFF);
  // PostgreSQL would otherwise compare by the database's locale, where "B" < "a" may not hold.
  const byteOrderText = db.getExecutor().adapter instanceof SqliteAdapter ? 'text' : sql`text collate "C"`;
  await db.schema
    .createTable('leaderboard_members')
    .addColumn('leaderboard_id', 'text', (c) => c.notNull())
    .addColumn('run_start', 'text', (c) => c.notNull())
    .addColumn('user_id', byteOrderText, (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addColumn('reached_at', 'bigint', (c) => c.notNull())
    // A user holds at most one place per run: the group they are ranked in.
    .addPrimaryKeyConstraint('leaderboard_members_pk', ['leaderboard_id', 'run_start', 'user_id'])
    .execute();
  await db.schema
    .createIndex('leaderboard_members_ranking')
    .on('leaderboard_members')
    .columns(['leaderboard_id', 'run_start', 'group_id', 'value desc', 'reached_at', 'user_id'])
    .execute();

  await db.schema
    .createTable('leaderboard_rank_history')
    .addColumn('leaderboard_id', 'text', (c) => c.notNull())
    .addColumn('run_start', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('previous_rank', 'integer')
    .addColumn('rank', 'integer')
    .addColumn('previous_value', 'bigint')
    .addColumn('value', 'bigint')
    .addPrimaryKeyConstraint('leaderboard_rank_history_pk', ['leaderboard_id', 'run_start', 'user_id', 'date'])
    .execute();

  await db.schema
    .createTable('leaderboard_throttles')
    .addColumn('leaderboard_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('last_sent_at', 'bigint')
    .addColumn('pending', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('leaderboard_throttles_pk', ['leaderboard_id', 'type', 'user_id'])
    .execute();

  await bumpConfigVersionOnWrites(db);
}

/** The same triggers 0003 put on the other configuration tables. */
async function bumpConfigVersionOnWrites(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (const [operation, row] of [['insert', 'new'], ['update', 'new'], ['delete', 'old']] as const) {
      await sql`
        create trigger ${sql.raw(`leaderboards_${operation}_bumps_config`)} after ${sql.raw(operation)} on leaderboards
        begin
          update environments set config_version = config_version + 1 where id = ${sql.raw(row)}.environment_id;
        end
      `.execute(db);
    }
    return;
  }
  await sql`
    create trigger leaderboards_bumps_config after insert or update or delete on leaderboards
    for each row execute function laurel_bump_config_version()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of SCORING_TABLES) await db.schema.dropTable(table).ifExists().execute();
  // Dropping the table drops its triggers on both backends.
  await db.schema.dropTable('leaderboards').ifExists().execute();
}
