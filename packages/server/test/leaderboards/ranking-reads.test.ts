import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CompiledQuery, type Kysely } from 'kysely';
import { Ranking, groupKey, type Entry } from '../../src/engine/leaderboards/index.js';
import { groupId } from '../../src/leaderboards/group-id.js';
import { historyStatement, pageStatement, readHistory, readRankingPage, readStanding, standingStatement } from '../../src/leaderboards/ranking-reads.js';
import type { Backend } from '../../src/store/backends/backend.js';
import type { Schema } from '../../src/store/schema.js';
import { forEachBackend } from '../support/backends.js';
import { openTestStore } from '../support/store.js';
import { random } from '../engine/leaderboards/helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12);
const RUN = '2026-03-09';

/** Places as the write path stores them: one members row per entry, and the group's name. */
async function insertPlaces(db: Kysely<Schema>, leaderboardId: string, runStart: string, key: string, entries: readonly Entry[]): Promise<void> {
  const id = groupId(key);
  await db.insertInto('leaderboard_groups').values({ leaderboard_id: leaderboardId, run_start: runStart, group_id: id, group_key: key }).execute();
  for (let i = 0; i < entries.length; i += 200) {
    await db
      .insertInto('leaderboard_members')
      .values(entries.slice(i, i + 200).map((e) => ({ leaderboard_id: leaderboardId, run_start: runStart, user_id: e.userId, group_id: id, value: e.value, reached_at: e.reachedAt })))
      .execute();
  }
}

/** Entries with many ties of value and of instant, and ids whose order differs by locale ("B" before "a" in byte order). */
function entries(seed: number, count: number, prefix: string): Entry[] {
  const rng = random(seed);
  const letters = ['a', 'B', 'c', 'D', 'e'];
  return Array.from({ length: count }, (_, i) => ({
    userId: `${letters[rng.int(letters.length)]}${prefix}-${i}`,
    value: 1 + rng.int(20),
    reachedAt: NOW - rng.int(5) * 1000,
  }));
}

forEachBackend('leaderboard ranking reads', (database, kind) => {
  let backend: Backend;
  let environmentId: string;

  before(async () => {
    ({ backend, environmentId } = await openTestStore(database().url, NOW));
  });
  after(() => backend.close());

  test('pages and ranks agree with the engine’s Ranking: value desc, then who reached it first, then user id; groups apart', async () => {
    const db = backend.db;
    const board = 'board-agree';
    const london = groupKey(['city'], { city: 'London' });
    const paris = groupKey(['city'], { city: 'Paris' });
    const groups = new Map([
      [london!, entries(1, 300, 'l')],
      [paris!, entries(2, 120, 'p')],
    ]);
    for (const [key, list] of groups) await insertPlaces(db, board, RUN, key, list);
    // Another run of the same board and another board must not leak in.
    await insertPlaces(db, board, '2026-03-02', london!, entries(3, 50, 'l'));
    await insertPlaces(db, 'board-other', RUN, london!, entries(4, 50, 'l'));

    for (const [key, list] of groups) {
      const ranking = new Ranking(1000, list);
      for (const [offset, limit] of [[0, 10], [0, 1000], [37, 25], [295, 10], [400, 5]] as const) {
        const page = await readRankingPage(db, environmentId, board, RUN, groupId(key), offset, limit);
        assert.deepEqual(page, ranking.page(offset, limit).map((r) => ({ ...r, userName: null })), `${key} ${offset}+${limit}`);
      }
      for (const entry of list) {
        const standing = await readStanding(db, board, RUN, entry.userId);
        assert.deepEqual(standing, { groupId: groupId(key), value: entry.value, reachedAt: entry.reachedAt, rank: ranking.rankOf(entry.userId) }, entry.userId);
      }
    }
    assert.equal(await readStanding(db, board, RUN, 'nobody'), null);
    assert.deepEqual(await readRankingPage(db, environmentId, board, RUN, groupId(london!), 0, 0), []);
  });

  test('a page carries the users’ names from the environment’s users', async () => {
    const db = backend.db;
    await db
      .insertInto('users')
      .values({
        environment_id: environmentId,
        id: 'named',
        email: null,
        name: 'Maya',
        tz: null,
        device_tokens: null,
        subscribe_to_emails: 0,
        attributes: '{}',
        control: 0,
        preferences: '{"notifications":{}}',
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
    await insertPlaces(db, 'board-names', RUN, '[]', [
      { userId: 'named', value: 5, reachedAt: NOW },
      { userId: 'unnamed', value: 3, reachedAt: NOW },
    ]);
    assert.deepEqual(await readRankingPage(db, environmentId, 'board-names', RUN, groupId('[]'), 0, 10), [
      { userId: 'named', userName: 'Maya', rank: 1, value: 5 },
      { userId: 'unnamed', userName: null, rank: 2, value: 3 },
    ]);
    // Another environment's user of the same id is not this one.
    assert.deepEqual((await readRankingPage(db, 'another-environment', 'board-names', RUN, groupId('[]'), 0, 1))[0]?.userName, null);
  });

  test('both reads are index scans of leaderboard_members_ranking, the page without a sort', async () => {
    const db = backend.db;
    const board = 'board-plan';
    for (let g = 0; g < 4; g++) await insertPlaces(db, board, RUN, JSON.stringify([`g${g}`]), entries(10 + g, 400, `g${g}`));
    const page = pageStatement(db, board, RUN, groupId('["g1"]'), 10, 20).compile();
    const standing = standingStatement(db, board, RUN, 'ag1-7').compile();

    if (kind === 'sqlite') {
      const plan = async (query: CompiledQuery) =>
        (await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]))).rows.map((r) => r.detail);
      const pagePlan = await plan(page);
      assert.ok(pagePlan.some((d) => /SEARCH leaderboard_members USING (COVERING )?INDEX leaderboard_members_ranking \(leaderboard_id=\? AND run_start=\? AND group_id=\?\)/.test(d)), pagePlan.join('\n'));
      assert.ok(!pagePlan.some((d) => /TEMP B-TREE/.test(d)), `no sort: ${pagePlan.join('\n')}`);
      const standingPlan = await plan(standing);
      assert.ok(standingPlan.some((d) => /SEARCH me USING INDEX sqlite_autoindex_leaderboard_members_1 \(leaderboard_id=\? AND run_start=\? AND user_id=\?\)/.test(d)), standingPlan.join('\n'));
      assert.ok(standingPlan.some((d) => /SEARCH m USING COVERING INDEX leaderboard_members_ranking \(leaderboard_id=\? AND run_start=\? AND group_id=\?/.test(d)), standingPlan.join('\n'));
      return;
    }
    // Ties by user id follow byte order whatever the database's locale (the test database's may already be C).
    const [column] = (await db.executeQuery<{ collation_name: string }>(
      CompiledQuery.raw("select collation_name from information_schema.columns where table_name = 'leaderboard_members' and column_name = 'user_id'"),
    )).rows;
    assert.equal(column?.collation_name, 'C');
    // PostgreSQL plans by statistics; on a small table a sequential scan can be cheaper, so the
    // check asks whether the index can serve each read at all, and without sorting.
    await db.executeQuery(CompiledQuery.raw('analyze leaderboard_members'));
    await db.transaction().execute(async (trx) => {
      for (const setting of ['enable_seqscan', 'enable_sort', 'enable_bitmapscan']) await trx.executeQuery(CompiledQuery.raw(`set local ${setting} = off`));
      const plan = async (query: CompiledQuery) => {
        const rows = (await trx.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]))).rows;
        const nodes: Record<string, unknown>[] = [];
        const walk = (node: any) => {
          nodes.push(node);
          for (const child of node.Plans ?? []) walk(child);
        };
        walk((rows[0]!['QUERY PLAN'] as any)[0].Plan);
        return nodes;
      };
      const pageNodes = await plan(page);
      assert.ok(pageNodes.some((n) => String(n['Node Type']).startsWith('Index') && n['Index Name'] === 'leaderboard_members_ranking'), JSON.stringify(pageNodes));
      assert.ok(!pageNodes.some((n) => n['Node Type'] === 'Sort'), `no sort: ${JSON.stringify(pageNodes)}`);
      const standingNodes = await plan(standing);
      assert.ok(standingNodes.some((n) => n['Index Name'] === 'leaderboard_members_pk'), JSON.stringify(standingNodes));
      assert.ok(standingNodes.some((n) => n['Index Name'] === 'leaderboard_members_ranking'), JSON.stringify(standingNodes));
    });
  });

  test('a user’s history: their latest rows of the run, newest first, by a backward scan of the primary key without a sort', async () => {
    const db = backend.db;
    const board = 'board-history';
    const row = (date: string, rank: number | null, value: number | null) => ({ leaderboard_id: board, run_start: RUN, user_id: 'h', date, previous_rank: null, rank, previous_value: null, value });
    await db.insertInto('leaderboard_rank_history').values([row('2026-03-09', 3, 10), row('2026-03-10', null, null), row('2026-03-11', 1, 40)]).execute();
    // Other users, runs and boards do not leak in.
    await db.insertInto('leaderboard_rank_history').values([{ ...row('2026-03-12', 9, 9), user_id: 'other' }, { ...row('2026-03-12', 9, 9), run_start: '2026-03-16' }, { ...row('2026-03-12', 9, 9), leaderboard_id: 'board-x' }]).execute();
    assert.deepEqual(await readHistory(db, board, RUN, 'h', 2), [
      { date: '2026-03-11', previousRank: null, rank: 1, previousValue: null, value: 40 },
      { date: '2026-03-10', previousRank: null, rank: null, previousValue: null, value: null },
    ]);
    assert.equal((await readHistory(db, board, RUN, 'h', 100)).length, 3);
    assert.deepEqual(await readHistory(db, board, RUN, 'h', 0), []);

    const query = historyStatement(db, board, RUN, 'h', 10).compile();
    if (kind === 'sqlite') {
      const plan = (await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]))).rows.map((r) => r.detail);
      assert.ok(plan.some((d) => /SEARCH leaderboard_rank_history USING INDEX sqlite_autoindex_leaderboard_rank_history_1 \(leaderboard_id=\? AND run_start=\? AND user_id=\?\)/.test(d)), plan.join('\n'));
      assert.ok(!plan.some((d) => /TEMP B-TREE/.test(d)), `no sort: ${plan.join('\n')}`);
      return;
    }
    await db.transaction().execute(async (trx) => {
      for (const setting of ['enable_seqscan', 'enable_sort', 'enable_bitmapscan']) await trx.executeQuery(CompiledQuery.raw(`set local ${setting} = off`));
      const rows = (await trx.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]))).rows;
      const nodes: any[] = [];
      const walk = (node: any) => {
        nodes.push(node);
        for (const child of node.Plans ?? []) walk(child);
      };
      walk((rows[0]!['QUERY PLAN'] as any)[0].Plan);
      assert.ok(nodes.some((n) => n['Index Name'] === 'leaderboard_rank_history_pk' && n['Scan Direction'] === 'Backward'), JSON.stringify(nodes));
      assert.ok(!nodes.some((n) => n['Node Type'] === 'Sort'), `no sort: ${JSON.stringify(nodes)}`);
    });
  });
});
