import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * `leaderboard_groups.size`: how many places a breakdown group of a run holds (its
 * leaderboard_members rows). The leaderboards stage needs the size on every metric event, for each
 * board: as a count over the ranking index it read up to maxParticipants (1,000) index entries per
 * board per event, the largest single cost of a metric event with two boards (bench:events --config
 * full: 180-350 µs per count of a full board on SQLite). Kept by triggers on leaderboard_members,
 * so every writer (the stage, trimToCapacity, deleting scoring state, tests and bench:leaderboards
 * seeding places directly) keeps it exact without knowing about it; the group's row is written
 * before its first member (the stage's ensureGroup), and a member whose group has no row counts
 * nowhere (no group row, no place to count). Existing groups are counted once here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('leaderboard_groups').addColumn('size', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`
    update leaderboard_groups set size = (
      select count(*) from leaderboard_members m
      where m.leaderboard_id = leaderboard_groups.leaderboard_id and m.run_start = leaderboard_groups.run_start and m.group_id = leaderboard_groups.group_id
    )
  `.execute(db);

  const add = (row: 'new' | 'old', delta: '+ 1' | '- 1') => sql.raw(`
    update leaderboard_groups set size = size ${delta}
    where leaderboard_id = ${row}.leaderboard_id and run_start = ${row}.run_start and group_id = ${row}.group_id`);
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`create trigger leaderboard_members_insert_counts after insert on leaderboard_members begin ${add('new', '+ 1')}; end`.execute(db);
    await sql`create trigger leaderboard_members_delete_counts after delete on leaderboard_members begin ${add('old', '- 1')}; end`.execute(db);
    await sql`
      create trigger leaderboard_members_move_counts after update of leaderboard_id, run_start, group_id on leaderboard_members
      when old.leaderboard_id <> new.leaderboard_id or old.run_start <> new.run_start or old.group_id <> new.group_id
      begin ${add('old', '- 1')}; ${add('new', '+ 1')}; end
    `.execute(db);
    return;
  }
  await sql`
    create function laurel_count_leaderboard_members() returns trigger language plpgsql as $$
    begin
      if tg_op in ('DELETE', 'UPDATE') then ${add('old', '- 1')}; end if;
      if tg_op in ('INSERT', 'UPDATE') then ${add('new', '+ 1')}; end if;
      return null;
    end
    $$
  `.execute(db);
  await sql`
    create trigger leaderboard_members_counts after insert or delete on leaderboard_members
    for each row execute function laurel_count_leaderboard_members()
  `.execute(db);
  await sql`
    create trigger leaderboard_members_move_counts after update of leaderboard_id, run_start, group_id on leaderboard_members
    for each row when (old.leaderboard_id <> new.leaderboard_id or old.run_start <> new.run_start or old.group_id <> new.group_id)
    execute function laurel_count_leaderboard_members()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (const name of ['insert', 'delete', 'move']) await sql`drop trigger if exists ${sql.raw(`leaderboard_members_${name}_counts`)}`.execute(db);
  } else {
    await sql`drop trigger if exists leaderboard_members_counts on leaderboard_members`.execute(db);
    await sql`drop trigger if exists leaderboard_members_move_counts on leaderboard_members`.execute(db);
    await sql`drop function if exists laurel_count_leaderboard_members()`.execute(db);
  }
  await db.schema.alterTable('leaderboard_groups').dropColumn('size').execute();
}
