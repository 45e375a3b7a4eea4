import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { ConfigCache } from '../../src/environments/config-cache.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { adminSchemaValidator } from '../support/reference-schemas.js';
import { LEADERBOARDS, developmentFixtures, fixturesFor, unique, type Fixtures } from '../support/fixtures.js';
import { assertError } from '../support/assert-error.js';
import { dateAfter, DAY_MS } from '../support/time.js';

const NOW = Date.UTC(2026, 2, 11, 12); // 2026-03-11T12:00Z
const TODAY = '2026-03-11';

/** Checks a body against a component of Trophy's Admin document (skipped where the document is absent). */
function assertAdminSchema(schema: string, body: unknown): void {
  const validate = adminSchemaValidator(schema);
  if (validate) assert.deepEqual(validate(body), [], `${schema}: ${JSON.stringify(body)}`);
}

forEachBackend('leaderboard management API', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;
  let env: Fixtures;
  let words: { id: string; key: string; name: string };
  let city: { id: string; key: string };
  let plan: { id: string; key: string };

  before(async () => {
    clock = new ManualClock(NOW);
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock });
    env = await developmentFixtures(laurel);
    words = await env.metric({ key: 'words', name: 'Words written' });
    city = await env.attribute('city');
    plan = await env.attribute('plan');
  });
  after(() => laurel.close());

  test('create answers 201 with {created, issues}: every field as sent, unset optional fields left out', async () => {
    const key = unique('revenue');
    const response = await laurel.api('POST', LEADERBOARDS, {
      body: [
        {
          name: 'Revenue Champions',
          key,
          description: 'Ranked by monthly words',
          status: 'inactive',
          rankBy: 'metric',
          metricId: words.id,
          maxParticipants: 100,
          start: '2026-04-20',
          end: '2026-05-20',
          startTime: '09:00',
          endTime: '17:30:15',
          breakdownAttributes: [city.id, plan.id],
          runUnit: 'month',
          runInterval: 1,
        },
      ],
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assertAdminSchema('CreateLeaderboardsResponse', response.body);
    const [created] = response.body.created;
    assert.deepEqual(created, {
      id: created.id,
      name: 'Revenue Champions',
      key,
      description: 'Ranked by monthly words',
      status: 'inactive',
      rankBy: 'metric',
      metricId: words.id,
      maxParticipants: 100,
      start: '2026-04-20',
      end: '2026-05-20',
      startTime: '09:00',
      endTime: '17:30:15',
      breakdownAttributes: [city.id, plan.id],
      runUnit: 'month',
      runInterval: 1,
    });
    assert.deepEqual(response.body.issues, []);
  });

  test("Trophy's defaults: inactive, 1,000 participants, start today (UTC), no breakdowns; a null maxParticipants is the default", async () => {
    const [streak, nulled] = await env.leaderboards([
      { name: 'Streak Legends', key: unique('streaks'), rankBy: 'streak' },
      { name: 'Nulls', key: unique('nulls'), rankBy: 'streak', maxParticipants: null, end: null, startTime: null, runUnit: null, description: null },
    ]);
    assert.deepEqual(streak, { id: streak.id, name: 'Streak Legends', key: streak.key, status: 'inactive', rankBy: 'streak', maxParticipants: 1000, start: TODAY, breakdownAttributes: [] });
    assert.deepEqual({ ...nulled, id: undefined, key: undefined }, { ...streak, id: undefined, key: undefined, name: 'Nulls' });
  });

  test('get by id returns the board as created; an unknown id, or one of another environment, is a 404', async () => {
    const created = await env.leaderboardAsGiven({ name: 'Get me', key: unique('get'), rankBy: 'metric', metricId: words.id });
    const response = await laurel.api('GET', `${LEADERBOARDS}/${created.id}`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, created);
    assertAdminSchema('AdminLeaderboard', response.body);

    assertError(await laurel.api('GET', `${LEADERBOARDS}/00000000-0000-7000-8000-000000000000`), 404, /Leaderboard not found/);
    const other = await fixturesFor(laurel);
    assertError(await laurel.api('GET', `${LEADERBOARDS}/${created.id}`, { key: other.key }), 404, /Leaderboard not found/);
    assertError(await laurel.api('GET', LEADERBOARDS, { key: null }), 401);
  });

  test('list: oldest first, paged by limit and skip, every status, with the status users see now', async () => {
    const own = await fixturesFor(laurel);
    const metric = await own.metric({ key: unique('m') });
    const boards = await own.leaderboards([
      { name: 'A', key: 'a', rankBy: 'streak' },
      { name: 'B', key: 'b', rankBy: 'metric', metricId: metric.id, status: 'scheduled', start: dateAfter(NOW, 3) },
      { name: 'C', key: 'c', rankBy: 'metric', metricId: metric.id, status: 'active', start: TODAY, end: dateAfter(NOW, 1) },
    ]);
    const list = await laurel.api('GET', `${LEADERBOARDS}?limit=100`, { key: own.key });
    assert.equal(list.status, 200);
    assertAdminSchema('ListLeaderboardsResponse', list.body);
    assert.deepEqual(list.body.map((b: any) => [b.key, b.status]), [['a', 'inactive'], ['b', 'scheduled'], ['c', 'active']]);
    assert.deepEqual(list.body, boards);

    const page = await laurel.api('GET', `${LEADERBOARDS}?limit=1&skip=1`, { key: own.key });
    assert.deepEqual(page.body.map((b: any) => b.key), ['b']);
    assertError(await laurel.api('GET', `${LEADERBOARDS}?limit=101`, { key: own.key }), 422, /limit/);

    // The dates move the status on by themselves: B goes live, C finishes once its end date has ended everywhere.
    clock.set(NOW + 3 * DAY_MS);
    try {
      const later = await laurel.api('GET', `${LEADERBOARDS}?limit=100`, { key: own.key });
      assert.deepEqual(later.body.map((b: any) => [b.key, b.status]), [['a', 'inactive'], ['b', 'active'], ['c', 'finished']]);
    } finally {
      clock.set(NOW);
    }
  });

  test('update: fields left out are kept; null clears end, times, runUnit (with runInterval) and description; null maxParticipants is 1,000', async () => {
    const board = await env.leaderboardAsGiven({
      name: 'Weekly',
      key: unique('weekly'),
      description: 'Seven days',
      rankBy: 'metric',
      metricId: words.id,
      maxParticipants: 50,
      start: '2026-04-01',
      end: '2026-06-30',
      startTime: '08:00',
      endTime: '20:00',
      runUnit: 'day',
      runInterval: 7,
    });
    const renamed = await env.update(LEADERBOARDS, { id: board.id, name: 'Weekly words' });
    assert.deepEqual(renamed, { ...board, name: 'Weekly words' });

    const cleared = await env.update(LEADERBOARDS, { id: board.id, end: null, startTime: null, endTime: null, runUnit: null, description: null, maxParticipants: null });
    assert.deepEqual(cleared, {
      id: board.id,
      name: 'Weekly words',
      key: board.key,
      status: 'inactive',
      rankBy: 'metric',
      metricId: words.id,
      maxParticipants: 1000,
      start: '2026-04-01',
      breakdownAttributes: [],
    });
    const response = await laurel.api('PATCH', LEADERBOARDS, { body: [{ id: board.id, runUnit: 'year', runInterval: 2, breakdownAttributes: [plan.id] }] });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assertAdminSchema('UpdateLeaderboardsResponse', response.body);
    assert.deepEqual(response.body.updated[0], { ...cleared, runUnit: 'year', runInterval: 2, breakdownAttributes: [plan.id] });
    assert.deepEqual((await laurel.api('GET', `${LEADERBOARDS}/${board.id}`)).body, response.body.updated[0]);
  });

  test('changing rankBy drops the metric of the old one; a streak board can become a metric board with a metricId', async () => {
    const board = await env.leaderboardAsGiven({ name: 'Switch', key: unique('switch'), rankBy: 'metric', metricId: words.id });
    const streak = await env.update(LEADERBOARDS, { id: board.id, rankBy: 'streak' });
    assert.equal(streak.rankBy, 'streak');
    assert.equal('metricId' in streak, false);
    const back = await env.update(LEADERBOARDS, { id: board.id, rankBy: 'metric', metricId: words.id });
    assert.equal(back.metricId, words.id);
  });

  test('update issues by id: an unknown id, an id given twice (the later change), a key in use; the other changes are applied', async () => {
    const [first, second] = await env.leaderboards([
      { name: 'First', key: unique('first'), rankBy: 'streak' },
      { name: 'Second', key: unique('second'), rankBy: 'streak' },
    ]);
    const unknown = '00000000-0000-7000-8000-000000000001';
    const response = await laurel.api('PATCH', LEADERBOARDS, {
      body: [
        { id: unknown, name: 'Nobody' },
        { id: first.id, name: 'First, renamed' },
        { id: first.id, name: 'First, again' },
        { id: second.id, key: first.key },
      ],
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assertAdminSchema('UpdateLeaderboardsResponse', response.body);
    assert.deepEqual(response.body.updated.map((b: any) => b.name), ['First, renamed']);
    assert.deepEqual(response.body.issues, [
      { id: unknown, severity: 'error', message: 'Leaderboard not found by ID' },
      { id: first.id, severity: 'error', message: 'ID appears more than once in this request; only its first change was applied' },
      { id: second.id, severity: 'error', message: 'Key already in use by another leaderboard' },
    ]);
    assert.equal((await laurel.api('GET', `${LEADERBOARDS}/${second.id}`)).body.key, second.key);
    // A key freed by an earlier change of the same request can be taken by a later one.
    const swapKey = unique('swap');
    const swap = await laurel.api('PATCH', LEADERBOARDS, { body: [{ id: first.id, key: swapKey }, { id: second.id, key: first.key }] });
    assert.deepEqual(swap.body.issues, []);
    assert.deepEqual(swap.body.updated.map((b: any) => b.key), [swapKey, first.key]);
  });

  test('create issues by index: a key in use in the environment, or repeated later in the request; 200 when nothing was created', async () => {
    const taken = await env.leaderboardAsGiven({ name: 'Taken', key: unique('taken'), rankBy: 'streak' });
    const fresh = unique('fresh');
    const response = await laurel.api('POST', LEADERBOARDS, {
      body: [
        { name: 'Again', key: taken.key, rankBy: 'streak' },
        { name: 'Fresh', key: fresh, rankBy: 'streak' },
        { name: 'Fresh twice', key: fresh, rankBy: 'streak' },
      ],
    });
    assert.equal(response.status, 201);
    assertAdminSchema('CreateLeaderboardsResponse', response.body);
    assert.deepEqual(response.body.created.map((b: any) => b.key), [fresh]);
    assert.deepEqual(response.body.issues, [
      { index: 0, severity: 'error', message: 'Key already in use by another leaderboard' },
      { index: 2, severity: 'error', message: `Key "${fresh}" is already used by item 1 of this request` },
    ]);
    const none = await laurel.api('POST', LEADERBOARDS, { body: [{ name: 'Again', key: taken.key, rankBy: 'streak' }] });
    assert.equal(none.status, 200);
    assert.deepEqual(none.body, { created: [], issues: [{ index: 0, severity: 'error', message: 'Key already in use by another leaderboard' }] });
    // Keys are per environment.
    const other = await fixturesFor(laurel);
    await other.leaderboardAsGiven({ name: 'Same key elsewhere', key: taken.key, rankBy: 'streak' });
  });

  test('delete by ?ids= (repeated or comma-separated): unknown ids and other environments’ boards are issues', async () => {
    const [a, b, c] = await env.leaderboards([
      { name: 'Del A', key: unique('del-a'), rankBy: 'streak' },
      { name: 'Del B', key: unique('del-b'), rankBy: 'streak' },
      { name: 'Del C', key: unique('del-c'), rankBy: 'streak' },
    ]);
    const other = await fixturesFor(laurel);
    const foreign = await other.leaderboardAsGiven({ name: 'Foreign', key: unique('foreign'), rankBy: 'streak' });
    const response = await laurel.api('DELETE', `${LEADERBOARDS}?ids=${a.id},${b.id}&ids=${foreign.id}&ids=${a.id}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assertAdminSchema('DeleteLeaderboardsResponse', response.body);
    assert.deepEqual(response.body, { deleted: [{ id: a.id }, { id: b.id }], issues: [{ id: foreign.id, severity: 'error', message: 'Leaderboard not found by ID' }] });
    assert.equal((await laurel.api('GET', `${LEADERBOARDS}/${a.id}`)).status, 404);
    assert.equal((await laurel.api('GET', `${LEADERBOARDS}/${c.id}`)).status, 200);
    assert.equal((await laurel.api('GET', `${LEADERBOARDS}/${foreign.id}`, { key: other.key })).status, 200);
    assertError(await laurel.api('DELETE', LEADERBOARDS), 422, /ids/);
  });

  test('a deleted metric leaves its boards without one: metricId is left out, and the board stays', async () => {
    const metric = await env.metric({ key: unique('doomed') });
    const board = await env.leaderboardAsGiven({ name: 'Orphan', key: unique('orphan'), rankBy: 'metric', metricId: metric.id });
    assert.equal((await laurel.api('DELETE', `/admin/v1/metrics?ids=${metric.id}`)).status, 200);
    const read = await laurel.api('GET', `${LEADERBOARDS}/${board.id}`);
    assert.equal(read.status, 200);
    const { metricId: _gone, ...rest } = board;
    assert.deepEqual(read.body, rest);
  });

  test('a points board names its points system by id; another environment’s system is unknown; a deleted one leaves the board without one', async () => {
    const xp = await env.pointsSystem({ key: unique('xp'), name: 'Experience' });
    const board = await env.leaderboardAsGiven({ name: 'XP', key: unique('xp-board'), rankBy: 'points', pointsSystemId: xp.id, runUnit: 'month', runInterval: 1 });
    assert.deepEqual(board, {
      id: board.id,
      name: 'XP',
      key: board.key,
      status: 'inactive',
      rankBy: 'points',
      pointsSystemId: xp.id,
      maxParticipants: 1000,
      start: TODAY,
      breakdownAttributes: [],
      runUnit: 'month',
      runInterval: 1,
    });
    const other = await fixturesFor(laurel);
    assertError(
      await laurel.api('POST', LEADERBOARDS, { key: other.key, body: [{ name: 'XP', key: 'xp', rankBy: 'points', pointsSystemId: xp.id }] }),
      422,
      new RegExp(`body\\[0\\]\\.pointsSystemId: no points system has the id ${xp.id} in this environment`),
    );
    assert.equal((await laurel.api('DELETE', `/admin/v1/points?ids=${xp.id}`)).status, 200);
    const { pointsSystemId: _gone, ...rest } = board;
    assert.deepEqual((await laurel.api('GET', `${LEADERBOARDS}/${board.id}`)).body, rest);
  });

  test('every write is a configuration change: the per-process ConfigCache sees live boards at once, with keys for breakdowns', async () => {
    const own = await fixturesFor(laurel);
    const region = await own.attribute('region');
    const cache = new ConfigCache();
    const db = laurel.backend.db;
    assert.deepEqual((await cache.get(db, own.id)).leaderboards, []);

    const metric = await own.metric({ key: unique('m'), name: 'Minutes' });
    const board = await own.leaderboardAsGiven({ name: 'Live', key: unique('live'), rankBy: 'metric', metricId: metric.id, status: 'active', breakdownAttributes: [region.id] });
    await own.leaderboardAsGiven({ name: 'Not live', key: unique('draft'), rankBy: 'streak' });
    const [live] = (await cache.get(db, own.id)).leaderboards;
    assert.deepEqual(live, {
      id: board.id,
      key: board.key,
      name: 'Live',
      description: null,
      status: 'active',
      rankBy: 'metric',
      metricId: metric.id,
      pointsSystemId: null,
      maxParticipants: 1000,
      start: TODAY,
      end: null,
      startTime: null,
      endTime: null,
      breakdownAttributes: ['region'],
      breakdownAttributeIds: [region.id],
      runUnit: null,
      runInterval: null,
      metric: { key: metric.key, name: 'Minutes' },
      pointsSystem: null,
      createdAt: NOW,
      updatedAt: NOW,
    });
    await own.update(LEADERBOARDS, { id: board.id, status: 'inactive' });
    assert.deepEqual((await cache.get(db, own.id)).leaderboards, []);
  });
});
