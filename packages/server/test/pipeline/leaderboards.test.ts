import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { addToScore, GroupedRankings, groupKey, toEntry, type RunScore } from '../../src/engine/leaderboards/index.js';
import { groupId } from '../../src/leaderboards/group-id.js';
import { forEachBackend } from '../support/backends.js';
import { fixturesFor } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { appSchemaValidator } from '../support/reference-schemas.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11, 12:00 UTC
const HOUR = 3_600_000;

/** A small deterministic generator (mulberry32), so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

forEachBackend('pipeline: leaderboards', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(NOW);
  const validEventResponse = appSchemaValidator('EventResponse');

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(() => laurel.close());

  test('a metric event scores the board: rank, previousRank, threshold and the run in the response; a full board takes only who beats its lowest', async (t) => {
    const f = await fixturesFor(laurel);
    await f.metric({ key: 'words' });
    const words = (await laurel.api('GET', '/admin/v1/metrics', { key: f.env.key })).body[0];
    await f.leaderboard({ key: 'weekly', rankBy: 'metric', metricId: words.id, maxParticipants: 3, start: '2026-03-09', runUnit: 'day', runInterval: 7 });

    const ada = await f.event('words', 'ada', 10);
    assert.deepEqual(pick(ada.body.leaderboards.weekly), { rank: 1, previousRank: null, threshold: 0, start: '2026-03-09', end: '2026-03-15' });
    if (validEventResponse) assert.deepEqual(validEventResponse(ada.body), []);
    else t.diagnostic('reference schemas not found: shape not checked');
    assert.equal((await f.event('words', 'bob', 20)).body.leaderboards.weekly.rank, 1);
    assert.deepEqual(pick((await f.event('words', 'cy', 5)).body.leaderboards.weekly), { rank: 3, previousRank: null, threshold: 5, start: '2026-03-09', end: '2026-03-15' });

    // Full: 5 does not beat the lowest (5, reached first), 6 does and pushes cy out.
    assert.deepEqual((await f.event('words', 'dee', 5)).body.leaderboards, {}, 'not on the board: not in the map');
    assert.equal((await f.event('words', 'dee', 1)).body.leaderboards.weekly.rank, 3);
    assert.deepEqual(await rankings(f.env.key, 'weekly'), [['bob', 1, 20], ['ada', 2, 10], ['dee', 3, 6]]);

    // Ada overtakes Bob: her previous rank is 2; Bob, passed, keeps a history row for the day.
    assert.deepEqual(pick((await f.event('words', 'ada', 15)).body.leaderboards.weekly), { rank: 1, previousRank: 2, threshold: 6, start: '2026-03-09', end: '2026-03-15' });
    const bob = await laurel.api('GET', '/v1/users/bob/leaderboards/weekly', { key: f.env.key });
    assert.equal(bob.status, 200, JSON.stringify(bob.body));
    assert.equal(bob.body.rank, 2);
    assert.deepEqual(bob.body.history.map((h: any) => [h.date, h.previousRank, h.rank]), [['2026-03-11', null, 2]], 'one row per day: the day he entered at 1 and fell to 2');
  });

  test('points and streak boards follow the points awarded and the streak length; the daily window decides what counts', async () => {
    const f = await fixturesFor(laurel);
    const lessons = await f.metric({ key: 'lessons' });
    const xp = await f.pointsSystem({ key: 'xp', triggers: [{ type: 'metric', points: 10, metricId: lessons.id, metricThreshold: 1, status: 'active' }] });
    const streak = await laurel.api('PUT', '/admin/v1/streaks/settings', { key: f.env.key, body: { enabled: true, frequency: 'daily', conditions: [{ metricKey: 'lessons', threshold: 1 }] } });
    assert.equal(streak.status, 200);
    await f.leaderboard({ key: 'xp-board', rankBy: 'points', pointsSystemId: xp.id });
    await f.leaderboard({ key: 'streaks', rankBy: 'streak' });
    await f.leaderboard({ key: 'mornings', rankBy: 'metric', metricId: lessons.id, startTime: '06:00', endTime: '12:00' });

    const first = await f.event('lessons', { id: 'kim', tz: 'Europe/London' }, 2);
    assert.equal(first.body.leaderboards['xp-board'].rank, 1);
    assert.equal(first.body.leaderboards.streaks.rank, 1);
    assert.equal(first.body.leaderboards.mornings, undefined, '12:00 in London is outside 06:00-12:00');
    clock.advance(20 * HOUR); // 08:00 the next day in London: inside the window, and a new streak day
    const second = await f.event('lessons', 'kim', 1);
    assert.equal(second.body.leaderboards.mornings.rank, 1);
    assert.deepEqual(await rankings(f.env.key, 'xp-board'), [['kim', 1, 30]]);
    assert.deepEqual(await rankings(f.env.key, 'streaks'), [['kim', 1, 2]]);
    assert.deepEqual(await rankings(f.env.key, 'mornings'), [['kim', 1, 1]]);
    clock.set(NOW);
  });

  test('a streak lost at the rollover takes the user off a streak board', async () => {
    const f = await fixturesFor(laurel);
    await f.metric({ key: 'runs' });
    const settings = await laurel.api('PUT', '/admin/v1/streaks/settings', { key: f.env.key, body: { enabled: true, frequency: 'daily', conditions: [{ metricKey: 'runs', threshold: 1 }] } });
    assert.equal(settings.status, 200);
    await f.leaderboard({ key: 'streak-board', rankBy: 'streak' });
    assert.equal((await f.event('runs', 'runner', 1)).body.leaderboards['streak-board'].rank, 1);
    assert.deepEqual(await rankings(f.env.key, 'streak-board'), [['runner', 1, 1]]);
    // Two days without a run: the streak job settles the missed day and the streak is lost.
    clock.advance(48 * HOUR);
    while ((await laurel.scheduler!.runDue()) > 0);
    assert.deepEqual(await rankings(f.env.key, 'streak-board'), []);
    const history = await laurel.api('GET', '/v1/users/runner/leaderboards/streak-board', { key: f.env.key });
    assert.deepEqual(history.body.history.map((h: any) => [h.date, h.rank]), [['2026-03-11', 1], ['2026-03-13', null]]);
    clock.set(NOW);
  });

  test('breakdown groups: each has its own cap; a user who moves city leaves one ranking and joins the other', async () => {
    const f = await fixturesFor(laurel);
    const words = await f.metric({ key: 'words' });
    const city = await f.attribute('city');
    await f.leaderboard({ key: 'cities', rankBy: 'metric', metricId: words.id, maxParticipants: 2, breakdownAttributes: [city.id] });
    await f.event('words', { id: 'ann', attributes: { city: 'Paris' } }, 5);
    await f.event('words', { id: 'ben', attributes: { city: 'Paris' } }, 7);
    const lon = await f.event('words', { id: 'cal', attributes: { city: 'London' } }, 1);
    assert.deepEqual(lon.body.leaderboards.cities.breakdownAttributeValues, [{ key: 'city', value: 'London' }]);
    assert.equal(lon.body.leaderboards.cities.breakdownAttributeValue, 'London');
    assert.equal(lon.body.leaderboards.cities.rank, 1);
    assert.equal(lon.body.leaderboards.cities.threshold, 0);
    assert.deepEqual(await rankings(f.env.key, 'cities', 'city:Paris'), [['ben', 1, 7], ['ann', 2, 5]]);

    // Ben moves to London: Ann moves up in Paris, Ben enters London with his score so far.
    const moved = await f.event('words', { id: 'ben', attributes: { city: 'London' } }, 1);
    assert.deepEqual(pick(moved.body.leaderboards.cities), { rank: 1, previousRank: 1, threshold: 1, start: '2026-01-01', end: null });
    assert.deepEqual(await rankings(f.env.key, 'cities', 'city:Paris'), [['ann', 1, 5]]);
    assert.deepEqual(await rankings(f.env.key, 'cities', 'city:London'), [['ben', 1, 8], ['cal', 2, 1]]);
    // A user without the attribute has a score but no group.
    assert.deepEqual((await f.event('words', 'nobody', 50)).body.leaderboards, {});
  });

  test('many random events agree with the engine: every answer and the final places per group', async () => {
    const f = await fixturesFor(laurel);
    const words = await f.metric({ key: 'words' });
    const city = await f.attribute('city');
    const board = await f.leaderboard({ key: 'random', rankBy: 'metric', metricId: words.id, maxParticipants: 4, breakdownAttributes: [city.id] });
    const next = random(14);
    const users = Array.from({ length: 9 }, (_, i) => `u${i}`);
    const cities = new Map<string, string>();
    const scores = new Map<string, RunScore>();
    const model = new GroupedRankings(4);
    for (let step = 0; step < 160; step++) {
      clock.advance(1000 * Math.floor(next() * 3)); // some events share an instant: ties go to the user id
      const user = users[Math.floor(next() * users.length)]!;
      if (next() < 0.15 || !cities.has(user)) cities.set(user, next() < 0.5 ? 'Oslo' : 'Rome');
      const value = Math.floor(next() * 14) - 3;
      const answer = await f.event('words', { id: user, attributes: { city: cities.get(user)! } }, value);
      const score = addToScore('metric', scores.get(user) ?? null, value, clock.now());
      scores.set(user, score);
      const expected = model.update(groupKey(['city'], { city: cities.get(user)! }), toEntry(user, score)).user;
      const got = answer.body.leaderboards.random;
      if (expected.rank === null && expected.previousRank === null) assert.equal(got, undefined, `step ${step}`);
      else assert.deepEqual([got.rank, got.previousRank], [expected.rank, expected.previousRank], `step ${step}: ${user} ${value}`);
    }
    for (const name of ['Oslo', 'Rome']) {
      const members = await laurel.backend.db
        .selectFrom('leaderboard_members')
        .select(['user_id', 'value'])
        .where('leaderboard_id', '=', board.id)
        .where('group_id', '=', groupId(JSON.stringify([name])))
        .orderBy('value', 'desc')
        .orderBy('reached_at')
        .orderBy('user_id')
        .execute();
      assert.deepEqual(
        members.map((m) => [m.user_id, Number(m.value)]),
        model.group(JSON.stringify([name])).list().map((e) => [e.userId, e.value]),
        name,
      );
    }
    clock.set(NOW);
  });

  test('events of many users at once: the cap holds and the places go to the best (PostgreSQL runs them side by side)', async () => {
    const f = await fixturesFor(laurel);
    const words = await f.metric({ key: 'words' });
    const board = await f.leaderboard({ key: 'crowd', rankBy: 'metric', metricId: words.id, maxParticipants: 3 });
    const values = [4, 9, 1, 12, 7, 3, 11, 5, 8, 2, 10, 6];
    await Promise.all(values.map((value, i) => f.event('words', `crowd-${i}`, value)));
    const members = await laurel.backend.db.selectFrom('leaderboard_members').select(['user_id', 'value']).where('leaderboard_id', '=', board.id).orderBy('value', 'desc').execute();
    assert.deepEqual(members.map((m) => Number(m.value)), [12, 11, 10]);
    assert.deepEqual(await rankings(f.env.key, 'crowd'), [['crowd-3', 1, 12], ['crowd-6', 2, 11], ['crowd-10', 3, 10]]);
  });

  async function rankings(key: string, board: string, userAttributes?: string): Promise<[string, number, number][]> {
    const query = userAttributes ? `?userAttributes=${encodeURIComponent(userAttributes)}&limit=2` : '?limit=3';
    const response = await laurel.api('GET', `/v1/leaderboards/${board}${query}`, { key });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.rankings.map((r: any) => [r.userId, r.rank, r.value]);
  }
});

function pick(board: any): Record<string, unknown> {
  return { rank: board.rank, previousRank: board.previousRank, threshold: board.threshold, start: board.start, end: board.end };
}
