import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { appSchemaValidator } from '../support/reference-schemas.js';
import { LEADERBOARDS, fixturesFor, unique, type Fixtures } from '../support/fixtures.js';
import { assertError } from '../support/assert-error.js';

const NOW = Date.UTC(2026, 2, 11, 12); // 2026-03-11T12:00Z

/** Each item of GET /v1/leaderboards is a LeaderboardResponse whose required `status` is given (the reference's allOf). */
function assertListSchema(body: unknown[]): void {
  const validate = appSchemaValidator('LeaderboardResponse');
  if (!validate) return;
  for (const item of body) assert.deepEqual(validate(item), [], JSON.stringify(item));
}

forEachBackend('Application API: GET /v1/leaderboards', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock(NOW);
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock });
  });
  after(() => laurel.close());

  const list = async (env: Fixtures, query = '') => {
    const response = await laurel.api('GET', `/v1/leaderboards${query}`, { key: env.key });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assertListSchema(response.body);
    return response.body as any[];
  };

  test("a board as Trophy's LeaderboardResponse with status: metric key and name, breakdown keys, every nullable field present", async () => {
    const env = await fixturesFor(laurel);
    const metric = await env.metric({ key: 'words-written', name: 'Words Written' });
    const country = await env.attribute('country');
    const plan = await env.attribute('plan');
    const [weekly, perpetual] = await env.leaderboards([
      {
        name: 'Weekly Word Count Challenge',
        key: 'weekly-words',
        description: 'Compete weekly to see who writes the most words',
        status: 'active',
        rankBy: 'metric',
        metricId: metric.id,
        maxParticipants: 100,
        start: '2026-01-01',
        startTime: '09:00',
        endTime: '17:00',
        breakdownAttributes: [country.id, plan.id],
        runUnit: 'day',
        runInterval: 7,
      },
      { name: 'Streaks', key: 'streaks', status: 'active', rankBy: 'streak', start: '2026-03-01', end: '2026-12-31', breakdownAttributes: [plan.id] },
    ]);
    assert.deepEqual(await list(env), [
      {
        id: weekly.id,
        name: 'Weekly Word Count Challenge',
        key: 'weekly-words',
        rankBy: 'metric',
        breakdownAttribute: null,
        breakdownAttributes: ['country', 'plan'],
        metricKey: 'words-written',
        metricName: 'Words Written',
        description: 'Compete weekly to see who writes the most words',
        start: '2026-01-01',
        end: null,
        startTime: '09:00',
        endTime: '17:00',
        maxParticipants: 100,
        runUnit: 'day',
        runInterval: 7,
        status: 'active',
      },
      {
        id: perpetual.id,
        name: 'Streaks',
        key: 'streaks',
        rankBy: 'streak',
        breakdownAttribute: 'plan',
        breakdownAttributes: ['plan'],
        description: null,
        start: '2026-03-01',
        end: '2026-12-31',
        startTime: null,
        endTime: null,
        maxParticipants: 1000,
        runUnit: null,
        runInterval: null,
        status: 'active',
      },
    ]);
  });

  test('inactive boards are never listed; finished ones (the finish action, or past the end everywhere) only with includeFinished=true', async () => {
    const env = await fixturesFor(laurel);
    const metric = await env.metric({ key: unique('m') });
    const board = (key: string, extra: Record<string, unknown>) => ({ name: key, key, rankBy: 'metric', metricId: metric.id, ...extra });
    const [, , active] = await env.leaderboards([
      board('draft', {}),
      board('soon', { status: 'scheduled', start: '2026-04-01' }),
      board('now', { status: 'active', start: '2026-03-01' }),
      board('ending', { status: 'active', start: '2026-03-01', end: '2026-03-12' }),
      board('done', { status: 'finished', start: '2026-02-01', end: '2026-02-28' }),
    ]);
    const shown = (items: any[]) => items.map((item) => [item.key, item.status]);
    assert.deepEqual(shown(await list(env)), [['soon', 'scheduled'], ['now', 'active'], ['ending', 'active']]);
    assert.deepEqual(shown(await list(env, '?includeFinished=false')), shown(await list(env)));
    assert.deepEqual(shown(await list(env, '?includeFinished=true')), [['soon', 'scheduled'], ['now', 'active'], ['ending', 'active'], ['done', 'finished']]);

    // The dates move the statuses: 'soon' goes live, 'ending' finishes once 2026-03-12 has ended in UTC-12.
    clock.set(Date.parse('2026-04-01T00:00:00Z'));
    try {
      assert.deepEqual(shown(await list(env)), [['soon', 'active'], ['now', 'active']]);
      assert.deepEqual(shown(await list(env, '?includeFinished=true')), [['soon', 'active'], ['now', 'active'], ['ending', 'finished'], ['done', 'finished']]);
    } finally {
      clock.set(NOW);
    }
    // The finish action hides a board at once.
    await env.update(LEADERBOARDS, { id: active.id, status: 'finished' });
    assert.deepEqual(shown(await list(env)), [['soon', 'scheduled'], ['ending', 'active']]);
  });

  test('a points board shows its points system’s key and name', async () => {
    const env = await fixturesFor(laurel);
    const xp = await env.pointsSystem({ key: 'xp', name: 'Experience points' });
    await env.leaderboardAsGiven({ name: 'XP', key: 'xp-board', rankBy: 'points', pointsSystemId: xp.id, status: 'active' });
    const [board] = await list(env);
    assert.deepEqual([board.rankBy, board.pointsSystemKey, board.pointsSystemName, 'metricKey' in board], ['points', 'xp', 'Experience points', false]);
  });

  test('only the key’s environment; an empty list when it has none', async () => {
    const env = await fixturesFor(laurel);
    const other = await fixturesFor(laurel);
    await other.leaderboardAsGiven({ name: 'Elsewhere', key: unique('elsewhere'), rankBy: 'streak', status: 'active' });
    assert.deepEqual(await list(env), []);
    assert.equal((await list(other)).length, 1);
  });

  test('what a board names goes with the metric and attributes: renamed, or deleted (left out); a breakdown attribute cannot be deleted', async () => {
    const env = await fixturesFor(laurel);
    const metric = await env.metric({ key: 'minutes', name: 'Minutes' });
    const city = await env.attribute('city');
    const plan = await env.attribute('plan');
    await env.leaderboardAsGiven({ name: 'M', key: 'm', rankBy: 'metric', metricId: metric.id, status: 'active', breakdownAttributes: [city.id, plan.id] });
    assert.equal((await laurel.api('PATCH', '/admin/v1/metrics', { key: env.key, body: [{ id: metric.id, name: 'Minutes read' }] })).status, 200);
    assert.equal((await list(env))[0].metricName, 'Minutes read');

    // An attribute a board breaks down by cannot be deleted: the board keeps both (and, with two, no single breakdownAttribute).
    assertError(await laurel.api('DELETE', `/admin/v1/attributes?ids=${city.id}`, { key: env.key }), 400, /user attribute city/, /leaderboard m\b/, /nothing was deleted/);
    assert.deepEqual([(await list(env))[0].breakdownAttributes, (await list(env))[0].breakdownAttribute], [['city', 'plan'], null]);
    const [admin] = (await laurel.api('GET', LEADERBOARDS, { key: env.key })).body;
    assert.deepEqual(admin.breakdownAttributes, [city.id, plan.id]);

    assert.equal((await laurel.api('DELETE', `/admin/v1/metrics?ids=${metric.id}`, { key: env.key })).status, 200);
    const [orphan] = await list(env);
    assert.equal('metricKey' in orphan || 'metricName' in orphan, false);
    assert.equal(orphan.rankBy, 'metric');
  });

  test('bad input: includeFinished other than true or false is a 422; no key is a 401', async () => {
    const env = await fixturesFor(laurel);
    assertError(await laurel.api('GET', '/v1/leaderboards?includeFinished=yes', { key: env.key }), 422, /includeFinished: must be true or false/);
    assertError(await laurel.api('GET', '/v1/leaderboards?includeFinished=1', { key: env.key }), 422, /includeFinished/);
    assertError(await laurel.api('GET', '/v1/leaderboards', { key: null }), 401);
  });
});
