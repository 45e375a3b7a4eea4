import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { fixturesFor } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { emittedCount, startWebhookSink, type WebhookSink } from '../support/webhook-sink.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11, 12:00 UTC
const MINUTE = 60_000;

forEachBackend('pipeline: points and leaderboard webhooks', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(NOW);
  const sinks: WebhookSink[] = [];

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(async () => {
    for (const sink of sinks) await sink.close();
    await laurel.close();
  });

  test('points.changed and leaderboard.changed at once, then one trailing delivery after 15 minutes with the window summed; level_changed and rank_changed as they happen', async () => {
    const f = await fixturesFor(laurel);
    const sink = await startWebhookSink(laurel, f.env, ['points.changed', 'points.level_changed', 'leaderboard.changed', 'leaderboard.rank_changed']);
    sinks.push(sink);
    const lessons = await f.metric({ key: 'lessons' });
    const xp = await f.pointsSystem({
      key: 'xp',
      triggers: [{ type: 'metric', points: 10, metricId: lessons.id, metricThreshold: 1, status: 'active' }],
      levels: [
        { name: 'Bronze', key: 'bronze', points: 0 },
        { name: 'Silver', key: 'silver', points: 50 },
      ],
      boosts: [{ name: 'Double March', start: '2026-03-01', end: '2026-03-31', multiplier: 2 }],
    });
    const board = await f.leaderboard({ key: 'xp-week', rankBy: 'points', pointsSystemId: xp.id, start: '2026-03-09', runUnit: 'day', runInterval: 7 });
    const ofBoard = (body: any) => body.leaderboard.id === board.id;

    // 12:00: 3 lessons, 60 points (boosted), Bronze -> Silver, first on the board.
    await f.event('lessons', { id: 'maya', name: 'Maya' }, 3);
    const [changed] = await sink.waitFor('points.changed', 1);
    assert.equal(changed.user.id, 'maya');
    assert.deepEqual([changed.points.key, changed.points.total, changed.points.added, changed.points.awards.length], ['xp', 60, 60, 1]);
    assert.equal(changed.points.level.key, 'silver');
    assert.deepEqual(changed.points.awards[0].boosts.map((b: any) => b.name), ['Double March']);
    const [level] = await sink.waitFor('points.level_changed', 1);
    assert.deepEqual([level.previousLevel.key, level.newLevel.key, level.points.total], ['bronze', 'silver', 60]);
    const [boardChanged] = await sink.waitFor('leaderboard.changed', 1, ofBoard);
    assert.deepEqual(boardChanged.leaderboard.rankings, [{ userId: 'maya', userName: 'Maya', rank: 1, value: 60 }]);
    assert.deepEqual([boardChanged.leaderboard.start, boardChanged.leaderboard.end, boardChanged.leaderboard.status], ['2026-03-09', '2026-03-15', 'active']);
    const [rank] = await sink.waitFor('leaderboard.rank_changed', 1);
    assert.deepEqual([rank.leaderboard.previousRank, rank.leaderboard.rank, rank.leaderboard.previousValue, rank.leaderboard.value], [null, 1, null, 60]);

    // 12:01 and 12:02: more points inside the window: held, nothing more is sent.
    clock.advance(MINUTE);
    await f.event('lessons', 'maya', 1);
    clock.advance(MINUTE);
    await f.event('lessons', 'maya', 2);
    assert.equal(await emittedCount(laurel, f.env, 'points.changed'), 1);
    assert.equal(await emittedCount(laurel, f.env, 'leaderboard.changed', ofBoard), 1);
    assert.equal(await emittedCount(laurel, f.env, 'leaderboard.rank_changed'), 1, 'still first: no rank change');

    // 12:15: the window closes; the trailing deliveries carry the window's changes.
    clock.set(NOW + 15 * MINUTE);
    await laurel.scheduler!.runDue();
    await laurel.scheduler!.runDue(); // a second run finds nothing pending
    const trailing = (await sink.waitFor('points.changed', 2))[1];
    assert.deepEqual([trailing.points.total, trailing.points.added, trailing.points.awards.map((a: any) => a.awarded)], [120, 60, [20, 40]]);
    assert.equal('level' in trailing.points, false, 'the level moved in the first delivery, not in this window');
    const boardTrailing = (await sink.waitFor('leaderboard.changed', 2, ofBoard))[1];
    assert.deepEqual(boardTrailing.leaderboard.rankings, [{ userId: 'maya', userName: 'Maya', rank: 1, value: 120 }], 'the rankings as they are when it is sent');
    assert.equal(await emittedCount(laurel, f.env, 'points.changed'), 2);
    assert.equal(await emittedCount(laurel, f.env, 'leaderboard.changed', ofBoard), 2);

    // 12:16: Noah passes Maya. Maya's rank window is over: both hear at once, hers with where she was.
    clock.set(NOW + 16 * MINUTE);
    await f.event('lessons', { id: 'noah', name: 'Noah' }, 7);
    const ranks = await sink.waitFor('leaderboard.rank_changed', 3);
    const byUser = new Map(ranks.slice(1).map((body) => [body.user.id, body.leaderboard]));
    assert.deepEqual([byUser.get('noah').previousRank, byUser.get('noah').rank, byUser.get('noah').value], [null, 1, 140]);
    assert.deepEqual([byUser.get('maya').previousRank, byUser.get('maya').rank, byUser.get('maya').value], [1, 2, 120]);
    // The board's window (opened at 12:15) holds Noah's change for its trailing delivery.
    assert.equal(await emittedCount(laurel, f.env, 'leaderboard.changed', ofBoard), 2);
    clock.set(NOW + 30 * MINUTE);
    await laurel.scheduler!.runDue();
    const latest = (await sink.waitFor('leaderboard.changed', 3, ofBoard))[2];
    assert.deepEqual(latest.leaderboard.rankings.map((r: any) => [r.userId, r.rank, r.value]), [['noah', 1, 140], ['maya', 2, 120]]);
  });
});
