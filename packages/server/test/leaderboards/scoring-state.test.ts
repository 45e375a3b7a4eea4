import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { groupId } from '../../src/leaderboards/group-id.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { LEADERBOARDS, developmentFixtures, unique, type Fixtures } from '../support/fixtures.js';

const NOW = Date.UTC(2026, 2, 11, 12); // 2026-03-11T12:00Z
const ENDED_RUN = '2026-03-01'; // weekly from 03-01: ended everywhere at 2026-03-08T12:00Z
const CURRENT_RUN = '2026-03-08';

/**
 * What a board has scored goes with its definition: these tests write scoring rows as the write
 * path would and check what configuration changes do to them.
 */
forEachBackend('leaderboard scoring state under configuration changes', (database) => {
  let laurel: TestLaurel;
  let env: Fixtures;
  let metric: { id: string };
  let other: { id: string };

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock: new ManualClock(NOW) });
    env = await developmentFixtures(laurel);
    metric = await env.metric({ key: 'lessons' });
    other = await env.metric({ key: 'minutes' });
  });
  after(() => laurel.close());

  /** A score, a place in `group` and a history row per user, users ranked in the order given; plus a throttle row. */
  async function score(boardId: string, runStart: string, group: string, users: string[]): Promise<void> {
    const db = laurel.backend.db;
    const id = groupId(group);
    await db.insertInto('leaderboard_groups').values({ leaderboard_id: boardId, run_start: runStart, group_id: id, group_key: group }).onConflict((oc) => oc.doNothing()).execute();
    for (const [i, userId] of users.entries()) {
      const value = 100 - i;
      await db.insertInto('leaderboard_scores').values({ leaderboard_id: boardId, run_start: runStart, user_id: userId, total: value, value, reached_at: NOW, group_key: group, updated_at: NOW }).execute();
      await db.insertInto('leaderboard_members').values({ leaderboard_id: boardId, run_start: runStart, user_id: userId, group_id: id, value, reached_at: NOW }).execute();
      await db
        .insertInto('leaderboard_rank_history')
        .values({ leaderboard_id: boardId, run_start: runStart, user_id: userId, date: runStart, previous_rank: null, rank: i + 1, previous_value: null, value })
        .execute();
    }
    await db.insertInto('leaderboard_throttles').values({ leaderboard_id: boardId, type: 'leaderboard.changed', user_id: '', last_sent_at: NOW, pending: null, updated_at: NOW }).onConflict((oc) => oc.doNothing()).execute();
  }

  async function counts(boardId: string): Promise<Record<string, number>> {
    const db = laurel.backend.db;
    const result: Record<string, number> = {};
    for (const table of ['leaderboard_scores', 'leaderboard_groups', 'leaderboard_members', 'leaderboard_rank_history', 'leaderboard_throttles'] as const) {
      result[table] = (await db.selectFrom(table).select('leaderboard_id').where('leaderboard_id', '=', boardId).execute()).length;
    }
    return result;
  }

  async function members(boardId: string, runStart: string, group: string): Promise<string[]> {
    const rows = await laurel.backend.db
      .selectFrom('leaderboard_members')
      .select('user_id')
      .where('leaderboard_id', '=', boardId)
      .where('run_start', '=', runStart)
      .where('group_id', '=', groupId(group))
      .orderBy('value', 'desc')
      .execute();
    return rows.map((row) => row.user_id);
  }

  const board = (overrides: Record<string, unknown> = {}) => env.leaderboardAsGiven({ name: 'Lessons', key: unique('lessons'), rankBy: 'metric', metricId: metric.id, start: '2026-03-01', ...overrides });

  test('re-defining what an inactive board ranks deletes its scores, places, history and throttles; other changes keep them', async () => {
    const target = await board();
    const bystander = await board();
    for (const id of [target.id, bystander.id]) await score(id, '2026-03-01', '[]', ['u1', 'u2']);
    const full = { leaderboard_scores: 2, leaderboard_groups: 1, leaderboard_members: 2, leaderboard_rank_history: 2, leaderboard_throttles: 1 };

    await env.update(LEADERBOARDS, { id: target.id, name: 'Renamed', description: 'd', maxParticipants: 500, end: '2026-12-31', startTime: '08:00', status: 'active' });
    assert.deepEqual(await counts(target.id), full, 'name, size, end, window and status keep the scores');
    await env.update(LEADERBOARDS, { id: target.id, status: 'inactive' });
    assert.deepEqual(await counts(target.id), full);

    const changes: Record<string, unknown>[] = [
      { metricId: other.id },
      { rankBy: 'streak' },
      { rankBy: 'metric', metricId: metric.id, runUnit: 'day', runInterval: 7 },
      { runInterval: 14 },
      { start: '2026-03-02' },
    ];
    for (const change of changes) {
      await score(target.id, CURRENT_RUN, '[]', ['u3']);
      await env.update(LEADERBOARDS, { id: target.id, ...change });
      assert.deepEqual(Object.values(await counts(target.id)), [0, 0, 0, 0, 0], JSON.stringify(change));
    }
    assert.deepEqual(await counts(bystander.id), full, 'other boards keep theirs');
  });

  test('a lower maxParticipants trims every group of the runs under way to its best members; ended runs keep their final rankings', async () => {
    const weekly = await board({ status: 'active', runUnit: 'day', runInterval: 7, maxParticipants: 5 });
    await score(weekly.id, ENDED_RUN, '["London"]', ['a', 'b', 'c', 'd', 'e']);
    await score(weekly.id, CURRENT_RUN, '["London"]', ['f', 'g', 'h', 'i', 'j']);
    await score(weekly.id, CURRENT_RUN, '["Paris"]', ['k', 'l', 'm']);

    await env.update(LEADERBOARDS, { id: weekly.id, maxParticipants: 2 });
    assert.deepEqual(await members(weekly.id, CURRENT_RUN, '["London"]'), ['f', 'g']);
    assert.deepEqual(await members(weekly.id, CURRENT_RUN, '["Paris"]'), ['k', 'l']);
    assert.deepEqual(await members(weekly.id, ENDED_RUN, '["London"]'), ['a', 'b', 'c', 'd', 'e']);
    assert.equal((await counts(weekly.id)).leaderboard_scores, 13, 'scores stay, so the trimmed can enter again');

    // Raising it again lets nobody in at once: newcomers take free places with their next change.
    await env.update(LEADERBOARDS, { id: weekly.id, maxParticipants: 1000 });
    assert.deepEqual(await members(weekly.id, CURRENT_RUN, '["London"]'), ['f', 'g']);
  });

  test('deleting a board deletes everything it scored, and only that', async () => {
    const doomed = await board();
    const kept = await board();
    await score(doomed.id, CURRENT_RUN, '[]', ['x', 'y']);
    await score(kept.id, CURRENT_RUN, '[]', ['x']);
    const response = await laurel.api('DELETE', `${LEADERBOARDS}?ids=${doomed.id}`);
    assert.deepEqual(response.body, { deleted: [{ id: doomed.id }], issues: [] });
    assert.deepEqual(Object.values(await counts(doomed.id)), [0, 0, 0, 0, 0]);
    assert.deepEqual(await counts(kept.id), { leaderboard_scores: 1, leaderboard_groups: 1, leaderboard_members: 1, leaderboard_rank_history: 1, leaderboard_throttles: 1 });
  });
});
