import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { developmentFixtures, fixturesFor, type Fixtures } from '../support/fixtures.js';
import { request, setUpOwner, type Browser } from './console.js';

// Tuesday 10 March 2026, noon UTC: the runs below are worked out by hand from this date.
const NOW = Date.UTC(2026, 2, 10, 12);

forEachBackend('console: leaderboard runs', (database) => {
  let laurel: TestLaurel;
  let browser: Browser;
  let dev: Fixtures;
  let metricId: string;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock: new ManualClock(NOW) });
    browser = await setUpOwner(laurel);
    dev = await developmentFixtures(laurel);
    metricId = (await dev.metric({ key: 'lessons' })).id;
  });
  after(() => laurel?.close());

  const runs = (environmentId: string, boardId: string, query = '') =>
    request(laurel, 'GET', `/console/v1/environments/${environmentId}/leaderboards/${boardId}/runs${query}`, { as: browser });

  const board = (item: Record<string, unknown>) => dev.leaderboardAsGiven({ name: `Board ${item.key}`, rankBy: 'metric', metricId, status: 'active', ...item });

  test('a weekly board: the run containing today, then the ended runs newest first, as many as limit', async () => {
    const weekly = await board({ key: 'weekly', start: '2026-02-24', runUnit: 'day', runInterval: 7 });
    const answer = await runs(dev.id, weekly.id);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, {
      current: { index: 2, start: '2026-03-10', end: '2026-03-16' },
      past: [
        { index: 1, start: '2026-03-03', end: '2026-03-09' },
        { index: 0, start: '2026-02-24', end: '2026-03-02' },
      ],
    });
    assert.deepEqual((await runs(dev.id, weekly.id, '?limit=1')).body.past, [{ index: 1, start: '2026-03-03', end: '2026-03-09' }]);
    assert.deepEqual((await runs(dev.id, weekly.id, '?limit=0')).body.past, []);
  });

  test('a monthly board past its end: the last run, cut at the end, is the current one and is not listed twice', async () => {
    const monthly = await board({ key: 'monthly', status: 'finished', start: '2026-01-31', end: '2026-03-05', runUnit: 'month', runInterval: 1 });
    assert.deepEqual((await runs(dev.id, monthly.id)).body, {
      current: { index: 1, start: '2026-02-28', end: '2026-03-05' },
      past: [{ index: 0, start: '2026-01-31', end: '2026-02-27' }],
    });
  });

  test('a board still to start shows its first run; a perpetual board has one run without an end', async () => {
    const later = await board({ key: 'later', status: 'scheduled', start: '2026-04-01', runUnit: 'day', runInterval: 7 });
    assert.deepEqual((await runs(dev.id, later.id)).body, { current: { index: 0, start: '2026-04-01', end: '2026-04-07' }, past: [] });
    const forever = await board({ key: 'forever', start: '2026-01-01' });
    assert.deepEqual((await runs(dev.id, forever.id)).body, { current: { index: 0, start: '2026-01-01', end: null }, past: [] });
  });

  test('the current run is the one the rankings read without run=: a day later it moves on', async () => {
    const daily = await board({ key: 'daily', start: '2026-03-08', runUnit: 'day', runInterval: 1 });
    assert.deepEqual((await runs(dev.id, daily.id)).body.current, { index: 2, start: '2026-03-10', end: '2026-03-10' });
    (laurel.clock as ManualClock).advance(86_400_000);
    try {
      const answer = (await runs(dev.id, daily.id)).body;
      assert.deepEqual(answer.current, { index: 3, start: '2026-03-11', end: '2026-03-11' });
      assert.deepEqual(answer.past.map((run: any) => run.start), ['2026-03-10', '2026-03-09', '2026-03-08']);
    } finally {
      (laurel.clock as ManualClock).set(NOW);
    }
  });

  test("unknown ids and another environment's board are 404; a bad limit 422; no session 401", async () => {
    const weekly = await board({ key: 'weekly-2', start: '2026-02-24', runUnit: 'day', runInterval: 7 });
    const other = await fixturesFor(laurel);
    assertError(await runs(dev.id, 'missing'), 404, /Leaderboard not found: missing/);
    assertError(await runs(other.id, weekly.id), 404, /Leaderboard not found/);
    assertError(await runs('no-such-environment', weekly.id), 404, /Environment not found: no-such-environment/);
    assertError(await runs(dev.id, weekly.id, '?limit=abc'), 422, /limit/);
    assertError(await runs(dev.id, weekly.id, '?limit=1001'), 422, /limit/);
    assertError(await runs(dev.id, weekly.id, '?limit=-1'), 422, /limit/);
    assertError(await request(laurel, 'GET', `/console/v1/environments/${dev.id}/leaderboards/${weekly.id}/runs`), 401);
  });
});
