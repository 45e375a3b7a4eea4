import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { fixturesFor, unique, type Fixtures, type UserInput } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { appSchemaValidator } from '../support/reference-schemas.js';
import { assertError } from '../support/assert-error.js';
import { LEADERBOARD_TABLES, assertNothingWritten } from '../support/stored-state.js';

// 2026-03-11 12:00 UTC, a Wednesday: already 2026-03-12 in UTC+14 (Pacific/Kiritimati).
const NOW = Date.UTC(2026, 2, 11, 12);
const SECOND = 1000;

function assertSchema(name: string, body: unknown): void {
  const validate = appSchemaValidator(name);
  if (validate) assert.deepEqual(validate(body), [], `${name}: ${JSON.stringify(body).slice(0, 400)}`);
}

interface Place {
  userId: string;
  value: number;
  /** When the user's metric event is sent: their value is reached then (the tie-break). */
  at: number;
}

/** Places 1..n by value, every second one tied with the one before but reached later. */
function places(prefix: string, n: number): Place[] {
  return Array.from({ length: n }, (_, i) => ({ userId: `${prefix}-${i + 1}`, value: 1000 - 10 * Math.floor(i / 2), at: NOW - 100 * SECOND + i * SECOND }));
}

forEachBackend('Application API: leaderboard rankings and a user’s standing', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock(NOW);
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock });
  });
  after(() => laurel.close());

  /** Rankings made by the real write path: each user's metric event of `value` at `at` on the clock. */
  const score = async (f: Fixtures, metric: { key: string }, list: readonly Place[], user: Omit<UserInput, 'id'> = {}) => {
    try {
      for (const place of list) {
        clock.set(place.at);
        await f.event(metric.key, { id: place.userId, ...user }, place.value);
      }
    } finally {
      clock.set(NOW);
    }
  };
  const ok = async (f: Fixtures, path: string) => {
    const response = await f.request('GET', path);
    assert.equal(response.status, 200, `${path}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  /** A weekly metric board from Monday 2026-03-02: runs 03-02..03-08, 03-09..03-15 (the current one), ... */
  const weekly = async (f: Fixtures, extra: Record<string, unknown> = {}) => {
    const metric = await f.metric({ key: unique('words'), name: 'Words written' });
    const board = await f.leaderboard({ name: 'Weekly words', rankBy: 'metric', metricId: metric.id, start: '2026-03-02', runUnit: 'day', runInterval: 7, ...extra });
    return { board, metric };
  };

  test("GET /v1/leaderboards/{key}: the board as Trophy's LeaderboardResponseWithRankings, a page of the current run by value, ties to who reached it first", async () => {
    const f = await fixturesFor(laurel);
    const { board, metric } = await weekly(f, { description: 'Most words this week', maxParticipants: 100 });
    await f.user({ id: 'w-1', name: 'Maya' });
    const current = places('w', 25);
    await score(f, metric, current);
    await score(f, metric, [{ userId: 'last-week', value: 5, at: NOW - 7 * 86_400_000 }]);

    const body = await ok(f, `/v1/leaderboards/${board.key}`);
    assertSchema('LeaderboardResponseWithRankings', body);
    const expected = (from: number, to: number) =>
      current.slice(from, to).map((p, i) => ({ userId: p.userId, userName: p.userId === 'w-1' ? 'Maya' : null, rank: from + i + 1, value: p.value }));
    assert.deepEqual(body, {
      id: board.id,
      name: 'Weekly words',
      key: board.key,
      rankBy: 'metric',
      breakdownAttribute: null,
      breakdownAttributes: [],
      metricKey: metric.key,
      metricName: 'Words written',
      description: 'Most words this week',
      start: '2026-03-02',
      end: null,
      startTime: null,
      endTime: null,
      maxParticipants: 100,
      runUnit: 'day',
      runInterval: 7,
      status: 'active',
      rankings: expected(0, 10),
    });
    assert.deepEqual((body.rankings as any[]).slice(0, 3).map((r) => [r.rank, r.value]), [[1, 1000], [2, 1000], [3, 990]]);
    assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}?offset=20&limit=10`)).rankings, expected(20, 25), 'the last page is short');
    assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}?offset=3&limit=4`)).rankings, expected(3, 7));
    assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}?limit=0`)).rankings, []);
    assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}?offset=30`)).rankings, []);
    // Any date inside a run reads that run.
    for (const run of ['2026-03-02', '2026-03-05', '2026-03-08']) {
      assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}?run=${run}`)).rankings, [{ userId: 'last-week', userName: null, rank: 1, value: 5 }], run);
    }
    assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}?run=2026-03-15`)).rankings, expected(0, 10));
    assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}?run=2026-03-16`)).rankings, [], 'a run to come is empty');
  });

  test('userId: offset counts from that user’s place; a user without a place gets no rankings', async () => {
    const f = await fixturesFor(laurel);
    const { board, metric } = await weekly(f);
    await score(f, metric, places('u', 12));
    const page = async (query: string) => ((await ok(f, `/v1/leaderboards/${board.key}?${query}`)).rankings as any[]).map((r) => [r.userId, r.rank]);
    assert.deepEqual(await page('userId=u-5&limit=3'), [['u-5', 5], ['u-6', 6], ['u-7', 7]]);
    assert.deepEqual(await page('userId=u-5&offset=2&limit=2'), [['u-7', 7], ['u-8', 8]]);
    assert.deepEqual(await page('userId=u-11'), [['u-11', 11], ['u-12', 12]]);
    assert.deepEqual(await page('userId=nobody'), []);
    assert.deepEqual(await page('userId=u-5&run=2026-03-02'), [], 'not in that run');
  });

  test('breakdowns: userAttributes names the group to read, each ranked on its own; required on such a board, refused on others (422)', async () => {
    const f = await fixturesFor(laurel);
    const city = await f.attribute('city');
    const plan = await f.attribute('plan');
    const { board, metric } = await weekly(f, { breakdownAttributes: [city.id] });
    const { board: two, metric: twoMetric } = await weekly(f, { breakdownAttributes: [city.id, plan.id] });
    const { board: plain } = await weekly(f);
    await score(f, metric, places('l', 3), { attributes: { city: 'London' } });
    await score(f, metric, places('p', 2), { attributes: { city: 'Paris' } });
    await score(f, twoMetric, places('lp', 2), { attributes: { city: 'London', plan: 'pro' } });

    const london = await ok(f, `/v1/leaderboards/${board.key}?userAttributes=city:London`);
    assertSchema('LeaderboardResponseWithRankings', london);
    assert.deepEqual([london.breakdownAttribute, london.breakdownAttributes], ['city', ['city']]);
    assert.deepEqual(london.rankings.map((r: any) => [r.userId, r.rank]), [['l-1', 1], ['l-2', 2], ['l-3', 3]]);
    assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}?userAttributes=city:Paris`)).rankings.map((r: any) => r.rank), [1, 2]);
    assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}?userAttributes=city:Rome`)).rankings, []);
    assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}?userAttributes=city:Paris&userId=l-2`)).rankings, [], 'the user ranks in another group');
    assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}?userAttributes=city:London&userId=l-2`)).rankings.map((r: any) => r.rank), [2, 3]);
    for (const query of ['userAttributes=plan:pro,city:London', 'userAttributes=city:London&userAttributes=plan:pro']) {
      assert.deepEqual((await ok(f, `/v1/leaderboards/${two.key}?${query}`)).rankings.map((r: any) => r.userId), ['lp-1', 'lp-2'], query);
    }

    await assertNothingWritten(laurel, LEADERBOARD_TABLES, async () => {
      assertError(await f.request('GET', `/v1/leaderboards/${board.key}`), 422, /userAttributes is required for this leaderboard: give city:value/);
      assertError(await f.request('GET', `/v1/leaderboards/${two.key}?userAttributes=city:London`), 422, /userAttributes must also give plan/);
      assertError(await f.request('GET', `/v1/leaderboards/${board.key}?userAttributes=country:UK`), 422, /country is not a breakdown attribute/);
      assertError(await f.request('GET', `/v1/leaderboards/${board.key}?userAttributes=London`), 422, /"London" is not key:value/);
      assertError(await f.request('GET', `/v1/leaderboards/${plain.key}?userAttributes=city:London`), 422, /userAttributes is only valid for leaderboards with breakdown attributes/);
    });
  });

  test('422 for a page outside the board (limit above maxParticipants, negative or not whole) or a run date outside it; 404 for unknown and inactive boards; nothing written', async () => {
    const f = await fixturesFor(laurel);
    const { board, metric } = await weekly(f, { maxParticipants: 5, end: '2026-03-31' });
    const { board: hidden } = await weekly(f, { status: 'inactive' });
    await score(f, metric, places('s', 5));
    assert.equal((await ok(f, `/v1/leaderboards/${board.key}`)).rankings.length, 5, 'the default page of 10 is cut to the 5 places');
    assert.equal((await ok(f, `/v1/leaderboards/${board.key}?limit=5`)).rankings.length, 5);
    const bad = (query: string) => f.request('GET', `/v1/leaderboards/${board.key}?${query}`);
    await assertNothingWritten(laurel, LEADERBOARD_TABLES, async () => {
      assertError(await bad('limit=6'), 422, /limit must be an integer from 0 to 5, the leaderboard's size/);
      assertError(await bad('limit=1001'), 422, /querystring\.limit: must be at most 1000/);
      assertError(await bad('offset=-1'), 422, /querystring\.offset: must be at least 0/);
      assertError(await bad('offset=two'), 422, /querystring\.offset: must be a whole number/);
      assertError(await bad('limit=2.5'), 422, /querystring\.limit: must be a whole number/);
      assertError(await bad('run=2026-02-30'), 422, /querystring\.run: must be a date written YYYY-MM-DD/);
      assertError(await bad('run=2026-03-01'), 422, /run: 2026-03-01 is in no run of this leaderboard, which ranks from 2026-03-02 to 2026-03-31/);
      assertError(await bad('run=2026-04-01'), 422, /run: 2026-04-01 is in no run/);
      assertError(await f.request('GET', '/v1/leaderboards/ghost'), 404, /Leaderboard not found: ghost/, new RegExp(`environment "${f.env.name}"`));
      assertError(await f.request('GET', `/v1/leaderboards/${hidden.key}`), 404, new RegExp(`Leaderboard not found: ${hidden.key}`));
    });
    // Another environment's board of the same key is not found either.
    const other = await fixturesFor(laurel);
    assertError(await other.request('GET', `/v1/leaderboards/${board.key}`), 404, /Leaderboard not found/);
  });

  test('a finished board stays readable with status finished; a scheduled one shows its first run, empty', async () => {
    const f = await fixturesFor(laurel);
    const { board, metric } = await weekly(f, { end: '2026-03-15' });
    await score(f, metric, places('f', 2));
    const finished = await f.request('PATCH', '/admin/v1/leaderboards', [{ id: board.id, status: 'finished' }]);
    assert.equal(finished.status, 200, JSON.stringify(finished.body));
    const body = await ok(f, `/v1/leaderboards/${board.key}`);
    assertSchema('LeaderboardResponseWithRankings', body);
    assert.deepEqual([body.status, body.rankings.map((r: any) => r.userId)], ['finished', ['f-1', 'f-2']]);

    const { board: later } = await weekly(f, { status: 'scheduled', start: '2026-04-06' });
    const soon = await ok(f, `/v1/leaderboards/${later.key}`);
    assert.deepEqual([soon.status, soon.rankings], ['scheduled', []]);
    // Past its end everywhere, a board set active reads as finished, its last run by default.
    clock.set(Date.UTC(2026, 1, 10, 12));
    try {
      const { board: over, metric: overMetric } = await weekly(f, { start: '2026-02-02', end: '2026-03-01' });
      clock.set(Date.UTC(2026, 1, 25, 12));
      await f.event(overMetric.key, 'o-1', 8);
      clock.set(Date.UTC(2026, 2, 3, 12));
      const past = await ok(f, `/v1/leaderboards/${over.key}`);
      assert.deepEqual([past.status, past.rankings.map((r: any) => r.userId)], ['finished', ['o-1']]);
    } finally {
      clock.set(NOW);
    }
  });

  test("GET /v1/users/{id}/leaderboards/{key}: the user's rank and value in the run and their latest days of history, oldest first", async () => {
    const f = await fixturesFor(laurel);
    const { board, metric } = await weekly(f);
    const maya = await f.user({ id: unique('maya') });
    const day = (date: string, seconds = 0) => Date.parse(`${date}T12:00:00Z`) + seconds * SECOND;
    // Last week Maya alone; this week one rival a day passes her, and she writes on after each.
    await score(f, metric, [
      { userId: maya.id, value: 7, at: day('2026-03-04') },
      { userId: 'h-1', value: 1000, at: day('2026-03-09') },
      { userId: maya.id, value: 10, at: day('2026-03-09', 1) },
      { userId: 'h-2', value: 1000, at: day('2026-03-10') },
      { userId: maya.id, value: 20, at: day('2026-03-10', 1) },
      { userId: 'h-3', value: 990, at: day('2026-03-11', -10) },
      { userId: maya.id, value: 20, at: day('2026-03-11', -5) },
    ]);

    const body = await ok(f, `/v1/users/${maya.id}/leaderboards/${board.key}`);
    assertSchema('UserLeaderboardResponseWithHistory', body);
    const { rank, value, history, status, ...fields } = body;
    const listed = await ok(f, `/v1/leaderboards/${board.key}`);
    const { rankings: _r, status: _s, ...boardFields } = listed;
    assert.deepEqual(fields, boardFields, 'the board as GET /v1/leaderboards/{key} shows it');
    assert.deepEqual([status, rank, value], ['active', 4, 50]);
    assert.deepEqual(history, [
      { date: '2026-03-09', timestamp: '2026-03-09T00:00:00.000Z', previousRank: null, rank: 2, previousValue: null, value: 10 },
      { date: '2026-03-10', timestamp: '2026-03-10T00:00:00.000Z', previousRank: 2, rank: 3, previousValue: 10, value: 30 },
      { date: '2026-03-11', timestamp: '2026-03-11T00:00:00.000Z', previousRank: 3, rank: 4, previousValue: 30, value: 50 },
    ]);
    assert.deepEqual((await ok(f, `/v1/users/${maya.id}/leaderboards/${board.key}?numEvents=2`)).history.map((h: any) => h.date), ['2026-03-10', '2026-03-11']);
    assert.deepEqual((await ok(f, `/v1/users/${maya.id}/leaderboards/${board.key}?numEvents=0`)).history, []);
    const before = await ok(f, `/v1/users/${maya.id}/leaderboards/${board.key}?run=2026-03-03`);
    assert.deepEqual([before.rank, before.value, before.history], [1, 7, [{ date: '2026-03-04', timestamp: '2026-03-04T00:00:00.000Z', previousRank: null, rank: 1, previousValue: null, value: 7 }]]);

    const stranger = await f.user();
    const none = await ok(f, `/v1/users/${stranger.id}/leaderboards/${board.key}`);
    assertSchema('UserLeaderboardResponseWithHistory', none);
    assert.deepEqual([none.rank, none.value, none.history], [null, null, []]);
  });

  test("users/{id}/leaderboards/{key}: without run, the run containing the user's local today", async () => {
    const f = await fixturesFor(laurel);
    const metric = await f.metric();
    const board = await f.leaderboard({ rankBy: 'metric', metricId: metric.id, start: '2026-03-01', runUnit: 'day', runInterval: 1 });
    const east = await f.user({ id: unique('east'), tz: 'Pacific/Kiritimati' });
    const early = await f.user({ id: unique('early'), tz: 'Pacific/Kiritimati' });
    // 12:00 UTC on 03-10 is 02:00 on 03-11 in UTC+14; 12:00 UTC on 03-11 is 02:00 on 03-12 there.
    await score(f, metric, [
      { userId: east.id, value: 3, at: NOW - 86_400_000 },
      { userId: early.id, value: 9, at: NOW - 60_000 },
      { userId: east.id, value: 1, at: NOW },
    ]);
    const standing = await ok(f, `/v1/users/${east.id}/leaderboards/${board.key}`);
    assert.deepEqual([standing.rank, standing.value], [2, 1], "2026-03-12 in the user's zone");
    assert.deepEqual((await ok(f, `/v1/users/${east.id}/leaderboards/${board.key}?run=2026-03-11`)).rank, 1);
    // The board itself, for nobody in particular, reads the run of the UTC date.
    assert.deepEqual((await ok(f, `/v1/leaderboards/${board.key}`)).rankings.map((r: any) => r.value), [3]);
  });

  test('users/{id}/leaderboards/{key}: numEvents 0 to 100, run inside the board (422); unknown user or board 404 naming the environment; nothing written', async () => {
    const f = await fixturesFor(laurel);
    const { board } = await weekly(f);
    const { board: hidden } = await weekly(f, { status: 'inactive' });
    const user = await f.user();
    const path = `/v1/users/${user.id}/leaderboards/${board.key}`;
    await assertNothingWritten(laurel, LEADERBOARD_TABLES, async () => {
      assertError(await f.request('GET', `${path}?numEvents=101`), 422, /querystring\.numEvents: must be at most 100/);
      assertError(await f.request('GET', `${path}?numEvents=-1`), 422, /querystring\.numEvents: must be at least 0/);
      assertError(await f.request('GET', `${path}?run=yesterday`), 422, /querystring\.run: must be a date/);
      assertError(await f.request('GET', `${path}?run=2026-02-01`), 422, /run: 2026-02-01 is in no run of this leaderboard, which ranks from 2026-03-02$/);
      assertError(await f.request('GET', `/v1/users/ghost/leaderboards/${board.key}`), 404, /User not found: ghost/, new RegExp(`environment "${f.env.name}"`));
      assertError(await f.request('GET', `/v1/users/${user.id}/leaderboards/ghost`), 404, /Leaderboard not found: ghost/, new RegExp(`environment "${f.env.name}"`));
      assertError(await f.request('GET', `/v1/users/${user.id}/leaderboards/${hidden.key}`), 404, /Leaderboard not found/);
    });
    assert.equal((await ok(f, `${path}?numEvents=100`)).history.length, 0);
  });
});
