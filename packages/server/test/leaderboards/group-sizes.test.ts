import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { groupId } from '../../src/leaderboards/group-id.js';
import type { Backend } from '../../src/store/backends/backend.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openBackend } from '../../src/store/open-backend.js';
import { forEachBackend } from '../support/backends.js';
import { migrateBefore } from '../support/migrations.js';

const RUN = '2026-03-08';

/**
 * leaderboard_groups.size (migration 0011) is what the leaderboards stage reads as a group's size on
 * every event: it must equal the group's leaderboard_members rows after any write to them.
 */
forEachBackend('leaderboard group sizes (0011)', (database) => {
  let backend: Backend;
  before(async () => {
    backend = openBackend(database().url);
    await migrateBefore(backend.db, '0011-leaderboard-group-sizes');
    // Places written before 0011: the migration counts them.
    await group('old', '["old"]');
    for (const user of ['a', 'b', 'c']) await member('old', user, '["old"]', 10);
    await migrateToLatest(backend.db);
  });
  after(() => backend.close());

  async function group(board: string, key: string): Promise<void> {
    await backend.db.insertInto('leaderboard_groups').values({ leaderboard_id: board, run_start: RUN, group_id: groupId(key), group_key: key }).onConflict((oc) => oc.doNothing()).execute();
  }
  async function member(board: string, user: string, key: string, value: number): Promise<void> {
    await sql`insert into leaderboard_members (leaderboard_id, run_start, user_id, group_id, value, reached_at) values (${board}, ${RUN}, ${user}, ${groupId(key)}, ${value}, 1)
      on conflict (leaderboard_id, run_start, user_id) do update set group_id = excluded.group_id, value = excluded.value`.execute(backend.db);
  }
  /** Per group key: the stored size beside the count of its places. */
  async function sizes(board: string): Promise<Record<string, [number, number]>> {
    const rows = await backend.db.selectFrom('leaderboard_groups').select(['group_id', 'group_key', 'size']).where('leaderboard_id', '=', board).execute();
    const result: Record<string, [number, number]> = {};
    for (const row of rows) {
      const { n } = await backend.db
        .selectFrom('leaderboard_members')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('leaderboard_id', '=', board)
        .where('group_id', '=', row.group_id)
        .executeTakeFirstOrThrow();
      result[row.group_key] = [Number(row.size), Number(n)];
    }
    return result;
  }

  test('the migration counts the places already there', async () => {
    assert.deepEqual(await sizes('old'), { '["old"]': [3, 3] });
  });

  test('inserts, value changes, moves between groups and deletes keep each size equal to its places', async () => {
    await group('b1', '["x"]');
    await group('b1', '["y"]');
    for (const [i, user] of ['u1', 'u2', 'u3', 'u4'].entries()) await member('b1', user, '["x"]', i + 1);
    assert.deepEqual(await sizes('b1'), { '["x"]': [4, 4], '["y"]': [0, 0] });
    // A new value in the same group (the stage's "move") changes no size.
    await member('b1', 'u1', '["x"]', 50);
    assert.deepEqual(await sizes('b1'), { '["x"]': [4, 4], '["y"]': [0, 0] });
    // An upsert into another group (an attribute changed) moves the place.
    await member('b1', 'u2', '["y"]', 5);
    assert.deepEqual(await sizes('b1'), { '["x"]': [3, 3], '["y"]': [1, 1] });
    await backend.db.deleteFrom('leaderboard_members').where('leaderboard_id', '=', 'b1').where('user_id', 'in', ['u3', 'u4']).execute();
    assert.deepEqual(await sizes('b1'), { '["x"]': [1, 1], '["y"]': [1, 1] });
    // Another board's places are its own.
    assert.deepEqual(await sizes('old'), { '["old"]': [3, 3] });
  });
});
