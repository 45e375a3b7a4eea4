import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { fixturesFor, unique, type Fixtures } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertAppSchema } from '../support/reference-schemas.js';
import { assertError } from '../support/assert-error.js';
import { POINTS_TABLES, assertNothingWritten } from '../support/stored-state.js';

// 2026-03-11 12:00 UTC: already 2026-03-12 in UTC+14 (Pacific/Kiritimati).
const NOW = Date.UTC(2026, 2, 11, 12);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const range = (from: number, to: number, users: number) => ({ from, to, users });

forEachBackend("Application API: reads of users' points", (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock(NOW);
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock });
  });
  after(() => laurel.close());

  const get = async (f: Fixtures, path: string) => f.request('GET', path);
  const ok = async (f: Fixtures, path: string) => {
    const response = await get(f, path);
    assert.equal(response.status, 200, `${path}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  /**
   * XP: a point per word written, a point off per word deleted, five per bonus. Points are earned
   * through the real write path, POST /v1/metrics/{key}/event.
   */
  const xp = async (f: Fixtures, extra: Record<string, unknown> = {}) => {
    const words = await f.metric({ key: unique('words'), name: 'Words written' });
    const deleted = await f.metric({ key: unique('deleted'), name: 'Words deleted' });
    const bonus = await f.metric({ key: unique('bonus'), name: 'Bonus' });
    const system = await f.pointsSystem({
      name: 'XP',
      triggers: [
        { type: 'metric', points: 1, status: 'active', metricId: words.id, metricThreshold: 1 },
        { type: 'metric', points: -1, status: 'active', metricId: deleted.id, metricThreshold: 1 },
        { type: 'metric', points: 5, status: 'active', metricId: bonus.id, metricThreshold: 1 },
      ],
      ...extra,
    });
    const [earnTrigger, spendTrigger, bonusTrigger] = system.triggers;
    return {
      system,
      metrics: { words, deleted, bonus },
      triggers: { earn: earnTrigger, spend: spendTrigger, bonus: bonusTrigger },
      /** Points for a user through metric events: `n` > 0 words written, `n` < 0 words deleted. */
      earn: async (userId: string, n: number) => (await f.event(n >= 0 ? words.key : deleted.key, userId, Math.abs(n))).body.points[system.key],
    };
  };

  test('GET /v1/points/{key}/summary: 0-0 holds every user without points, then ten ranges up to the top rounded up to a power of 10', async () => {
    const f = await fixturesFor(laurel);
    const { system, earn } = await xp(f);
    const energy = await xp(f);
    // Three users who never earned a point, one whose total came back to 0, and four with points.
    for (const id of ['a', 'b', 'c']) await f.user({ id });
    await earn('zero', 5);
    await earn('zero', -5);
    for (const [id, total] of [['one', 1], ['hundred', 100], ['hundred-one', 101], ['six-hundred', 600]] as const) await earn(id, total);
    // Another system's and another environment's points do not count.
    await energy.earn('a', 5_000);
    const elsewhere = await fixturesFor(laurel);
    await (await xp(elsewhere)).earn('a', 50);

    const summary = await ok(f, `/v1/points/${system.key}/summary`);
    assertAppSchema('PointsSummaryResponse', summary);
    assert.deepEqual(summary, [
      range(0, 0, 4),
      range(1, 100, 2),
      range(101, 200, 1),
      range(201, 300, 0),
      range(301, 400, 0),
      range(401, 500, 0),
      range(501, 600, 1),
      range(601, 700, 0),
      range(701, 800, 0),
      range(801, 900, 0),
      range(901, 1000, 0),
    ]);
    const other = await ok(f, `/v1/points/${energy.system.key}/summary`);
    assert.deepEqual([other[0], other[1], other[5]], [range(0, 0, 7), range(1, 1000, 0), range(4001, 5000, 1)], 'a top of 5,000 makes 10,000');
  });

  test('summary: an exact power of 10 stays the top, a system nobody earned in has ranges of 1 up to 10, userAttributes keeps the matching users', async () => {
    const f = await fixturesFor(laurel);
    await f.attribute('plan');
    await f.attribute('region');
    const { system, earn } = await xp(f);
    const users = [
      { id: 'pro-eu', attributes: { plan: 'pro', region: 'eu' }, total: 1000 },
      { id: 'pro-us', attributes: { plan: 'pro', region: 'us' }, total: 30 },
      { id: 'free-eu', attributes: { plan: 'free', region: 'eu' }, total: 5 },
      { id: 'pro-eu-new', attributes: { plan: 'pro', region: 'eu' }, total: 0 },
    ];
    for (const user of users) {
      await f.user({ id: user.id, attributes: user.attributes });
      if (user.total > 0) await earn(user.id, user.total);
    }

    const all = await ok(f, `/v1/points/${system.key}/summary`);
    assert.deepEqual([all[0], all[1], all[10]], [range(0, 0, 1), range(1, 100, 2), range(901, 1000, 1)]);
    const pro = await ok(f, `/v1/points/${system.key}/summary?userAttributes=plan:pro`);
    assertAppSchema('PointsSummaryResponse', pro);
    assert.deepEqual([pro[0], pro[1], pro[10]], [range(0, 0, 1), range(1, 100, 1), range(901, 1000, 1)]);
    // Both forms of the parameter: comma-separated and repeated; every pair must match.
    for (const query of ['userAttributes=plan:pro,region:eu', 'userAttributes=plan:pro&userAttributes=region:eu']) {
      const proEu = await ok(f, `/v1/points/${system.key}/summary?${query}`);
      assert.deepEqual([proEu[0], proEu[1], proEu[10]], [range(0, 0, 1), range(1, 100, 0), range(901, 1000, 1)], query);
    }
    const usFree = await ok(f, `/v1/points/${system.key}/summary?userAttributes=plan:free,region:us`);
    assert.deepEqual(usFree, [range(0, 0, 0), ...Array.from({ length: 10 }, (_, i) => range(i + 1, i + 1, 0))], 'nobody matches: ranges of 1 up to 10');

    const empty = await f.pointsSystem({ name: 'Nobody yet' });
    const nothing = await ok(f, `/v1/points/${empty.key}/summary`);
    assert.deepEqual(nothing, [range(0, 0, 4), ...Array.from({ length: 10 }, (_, i) => range(i + 1, i + 1, 0))]);
  });

  test('GET /v1/points/{key}/level-summary: users at the highest threshold they reached, the first level by key of a shared threshold, nobody below the lowest', async () => {
    const f = await fixturesFor(laurel);
    const { system, earn } = await xp(f, {
      levels: [
        { name: 'Gold', key: 'gold', points: 200 },
        { name: 'Bronze', key: 'bronze', points: 0, description: 'Starting level' },
        { name: 'Silver', key: 'silver', points: 50, badge: { url: 'https://example.com/silver.png' } },
        { name: 'Argent', key: 'argent', points: 50 },
      ],
    });
    for (const id of ['new-1', 'new-2']) await f.user({ id });
    for (const [id, total] of [['b', 49], ['a1', 50], ['a2', 199], ['g', 5000]] as const) await earn(id, total);
    const byKey = new Map(system.levels.map((level: any) => [level.key, level]));
    const level = (key: string) => {
      const l = byKey.get(key) as any;
      return { id: l.id, key, name: l.name, description: l.description, badgeUrl: l.badge?.url ?? null, points: l.points };
    };
    const summary = await ok(f, `/v1/points/${system.key}/level-summary`);
    assertAppSchema('PointsLevelSummaryResponse', summary);
    assert.deepEqual(summary, [
      { level: level('bronze'), users: 3 },
      { level: level('argent'), users: 2 },
      { level: level('silver'), users: 0 },
      { level: level('gold'), users: 1 },
    ]);

    // Without a 0-point level, users below the lowest threshold are at no level.
    const high = await xp(f, { levels: [{ name: 'Pro', key: 'pro', points: 100 }] });
    await high.earn('b', 99);
    await high.earn('g', 100);
    assert.deepEqual((await ok(f, `/v1/points/${high.system.key}/level-summary`)).map((item: any) => [item.level.key, item.users]), [['pro', 1]]);
  });

  test('level-summary: 422 for a system without levels, 404 for an unknown key naming the environment; nothing written', async () => {
    const f = await fixturesFor(laurel);
    const { system } = await xp(f);
    await assertNothingWritten(laurel, POINTS_TABLES, async () => {
      assertError(await get(f, `/v1/points/${system.key}/level-summary`), 422, /has no levels/, new RegExp(system.key));
      assertError(await get(f, '/v1/points/ghost/level-summary'), 404, /Points system not found: ghost/, new RegExp(`environment "${f.env.name}"`));
      assertError(await get(f, '/v1/points/ghost/summary'), 404, /Points system not found: ghost/);
    });
  });

  test("GET /v1/users/{id}/points/{key}: the total, the level it reaches and the latest awards, newest first, each with its trigger and the boosts that multiplied it", async () => {
    const f = await fixturesFor(laurel);
    const { system, metrics, triggers, earn } = await xp(f, {
      levels: [
        { name: 'Bronze', key: 'bronze', points: 0 },
        { name: 'Silver', key: 'silver', points: 20 },
      ],
      boosts: [{ name: 'Double XP', start: '2026-03-10', end: '2026-03-20', multiplier: 2, rounding: 'up' }],
    });
    const boost = system.boosts[0];
    const user = await f.user({ id: unique('maya'), tz: 'Europe/London' });
    const at = async <T>(time: number, act: () => Promise<T>): Promise<T> => {
      clock.set(time);
      try {
        return await act();
      } finally {
        clock.set(NOW);
      }
    };
    // A bonus before the boost, ten words doubled by it, then three words deleted (never boosted).
    const first = await at(NOW - 2 * DAY_MS, async () => (await f.event(metrics.bonus.key, user.id, 1)).body.points[system.key].awards[0]);
    const second = await at(NOW - DAY_MS, async () => (await earn(user.id, 10)).awards[0]);
    const third = await at(NOW - HOUR_MS, async () => (await earn(user.id, -3)).awards[0]);
    assert.deepEqual([first.awarded, second.awarded, third.awarded], [5, 20, -3]);
    // The bonus trigger is deleted since: its award shows it archived.
    assert.equal((await f.request('DELETE', `/admin/v1/points/${system.id}/triggers?ids=${triggers.bonus.id}`)).status, 200);

    const body = await ok(f, `/v1/users/${user.id}/points/${system.key}`);
    assertAppSchema('GetUserPointsResponse', body);
    const trigger = (t: any, status: string, metric: { id: string; name: string }) => ({
      id: t.id,
      type: 'metric',
      points: t.points,
      status,
      userAttributes: [],
      created: new Date(NOW).toISOString(),
      updated: new Date(NOW).toISOString(),
      metricId: metric.id,
      metricName: metric.name,
      metricThreshold: 1,
      eventAttributes: [],
    });
    assert.deepEqual(body, {
      id: system.id,
      key: system.key,
      name: 'XP',
      description: null,
      badgeUrl: null,
      maxPoints: null,
      total: 22,
      level: { id: system.levels[1].id, key: 'silver', name: 'Silver', description: '', badgeUrl: null, points: 20 },
      awards: [
        { id: third.id, awarded: -3, date: new Date(NOW - HOUR_MS).toISOString(), total: 22, trigger: trigger(triggers.spend, 'active', metrics.deleted), boosts: [] },
        {
          id: second.id,
          awarded: 20,
          date: new Date(NOW - DAY_MS).toISOString(),
          total: 25,
          trigger: trigger(triggers.earn, 'active', metrics.words),
          boosts: [{ id: boost.id, name: 'Double XP', status: 'active', start: '2026-03-10', end: '2026-03-20', multiplier: 2, rounding: 'up' }],
        },
        { id: first.id, awarded: 5, date: new Date(NOW - 2 * DAY_MS).toISOString(), total: 5, trigger: trigger(triggers.bonus, 'archived', metrics.bonus), boosts: [] },
      ],
    });

    assert.deepEqual((await ok(f, `/v1/users/${user.id}/points/${system.key}?awards=2`)).awards.map((a: any) => a.id), [third.id, second.id]);
    // A user who never earned anything: 0, the 0-point level, no awards.
    const newcomer = await f.user();
    const fresh = await ok(f, `/v1/users/${newcomer.id}/points/${system.key}`);
    assertAppSchema('GetUserPointsResponse', fresh);
    assert.deepEqual([fresh.total, fresh.level?.key, fresh.awards], [0, 'bronze', []]);
    const { system: bare } = await xp(f);
    assert.deepEqual((await ok(f, `/v1/users/${newcomer.id}/points/${bare.key}`)).level, null, 'no levels: null');
  });

  test('users/{id}/points/{key}: awards must be 1 to 100; an unknown user or system is a 404 naming it and the environment; nothing written', async () => {
    const f = await fixturesFor(laurel);
    const { system } = await xp(f);
    const user = await f.user();
    await assertNothingWritten(laurel, POINTS_TABLES, async () => {
      for (const bad of ['0', '101', 'many', '1.5']) assertError(await get(f, `/v1/users/${user.id}/points/${system.key}?awards=${bad}`), 422, /querystring\.awards/);
      assertError(await get(f, `/v1/users/ghost/points/${system.key}`), 404, /User not found: ghost/, new RegExp(`environment "${f.env.name}"`));
      assertError(await get(f, `/v1/users/${user.id}/points/ghost`), 404, /Points system not found: ghost/, new RegExp(`environment "${f.env.name}"`));
      for (const route of ['boosts', 'event-summary?aggregation=daily&startDate=2026-03-01&endDate=2026-03-02']) {
        assertError(await get(f, `/v1/users/ghost/points/${system.key}/${route}`), 404, /User not found: ghost/);
        assertError(await get(f, `/v1/users/${user.id}/points/ghost/${route}`), 404, /Points system not found: ghost/);
      }
    });
    assert.equal((await ok(f, `/v1/users/${user.id}/points/${system.key}?awards=100`)).awards.length, 0);
  });

  test("GET /v1/users/{id}/points/{key}/boosts: the boosts applying to the user today in their own calendar, for everyone, their attributes or them alone", async () => {
    const f = await fixturesFor(laurel);
    const plan = await f.attribute('plan');
    const kiritimati = await f.user({ id: unique('east'), tz: 'Pacific/Kiritimati', attributes: { plan: 'pro' } });
    const london = await f.user({ id: unique('west'), tz: 'Europe/London', attributes: { plan: 'free' } });
    const { system } = await xp(f, {
      boosts: [
        { name: 'Everyone', start: '2026-03-01', end: null, multiplier: 1.5, rounding: 'nearest' },
        { name: 'Pro plan', start: '2026-03-01', multiplier: 2, userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }] },
        { name: 'Tomorrow', start: '2026-03-12', end: '2026-03-12', multiplier: 3 },
        { name: 'Over', start: '2026-02-01', end: '2026-03-10', multiplier: 3 },
        { name: 'For the east', start: '2026-03-11', multiplier: 1.25, userId: kiritimati.id },
      ],
    });
    const [everyone, pro, tomorrow, , own] = system.boosts;
    const view = (b: any) => ({ id: b.id, name: b.name, status: 'active', start: b.start, end: b.end, multiplier: b.multiplier, rounding: b.rounding });

    // 02:00 on 2026-03-12 in Kiritimati: "Tomorrow" has begun there; 12:00 on 2026-03-11 in London.
    const east = await ok(f, `/v1/users/${kiritimati.id}/points/${system.key}/boosts`);
    assertAppSchema('PointsBoost', east, true);
    assert.deepEqual(east, [view(everyone), view(pro), view(own), view(tomorrow)]);
    assert.deepEqual(await ok(f, `/v1/users/${london.id}/points/${system.key}/boosts`), [view(everyone)]);
    clock.set(Date.UTC(2026, 2, 12, 12));
    try {
      assert.deepEqual((await ok(f, `/v1/users/${london.id}/points/${system.key}/boosts`)).map((b: any) => b.name), ['Everyone', 'Tomorrow']);
    } finally {
      clock.set(NOW);
    }
  });

  test('GET /v1/users/{id}/points/{key}/event-summary: awards per local day, week or month, with the running total from before the range', async () => {
    const f = await fixturesFor(laurel);
    const at = (date: string, hour: number) => Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
    const user = await f.user({ id: unique('east'), tz: 'Pacific/Kiritimati' });
    // The system from February; then events at those instants (in UTC+14, 11:00 UTC on 03-02 is the user's 03-03).
    clock.set(at('2026-02-01', 12));
    const { system, earn } = await xp(f);
    try {
      for (const [time, n] of [[at('2026-02-20', 12), 40], [at('2026-03-02', 9), 10], [at('2026-03-02', 11), 20], [at('2026-03-04', 5), -5]] as const) {
        clock.set(time);
        await earn(user.id, n);
      }
    } finally {
      clock.set(NOW);
    }
    const summary = (query: string) => ok(f, `/v1/users/${user.id}/points/${system.key}/event-summary?${query}`);

    assert.deepEqual(await summary('aggregation=daily&startDate=2026-03-01&endDate=2026-03-05'), [
      { date: '2026-03-01', total: 40, change: 0 },
      { date: '2026-03-02', total: 50, change: 10 },
      { date: '2026-03-03', total: 70, change: 20 },
      { date: '2026-03-04', total: 65, change: -5 },
      { date: '2026-03-05', total: 65, change: 0 },
    ]);
    // Weeks start on the streak settings' weekStart (Sunday by default): 03-01 is a Sunday.
    assert.deepEqual(await summary('aggregation=weekly&startDate=2026-02-16&endDate=2026-03-10'), [
      { date: '2026-02-15', total: 40, change: 40 },
      { date: '2026-02-22', total: 40, change: 0 },
      { date: '2026-03-01', total: 65, change: 25 },
      { date: '2026-03-08', total: 65, change: 0 },
    ]);
    assert.deepEqual(await summary('aggregation=monthly&startDate=2026-01-15&endDate=2026-03-31'), [
      { date: '2026-01-01', total: 0, change: 0 },
      { date: '2026-02-01', total: 40, change: 40 },
      { date: '2026-03-01', total: 65, change: 25 },
    ]);
  });

  test('event-summary: aggregation, dates and a range of at most 400 days are checked (422 naming the field); nothing written', async () => {
    const f = await fixturesFor(laurel);
    const { system } = await xp(f);
    const user = await f.user();
    const path = `/v1/users/${user.id}/points/${system.key}/event-summary`;
    await assertNothingWritten(laurel, POINTS_TABLES, async () => {
      assertError(await get(f, `${path}?aggregation=hourly&startDate=2026-03-01&endDate=2026-03-02`), 422, /querystring\.aggregation: must be one of daily, weekly, monthly/);
      assertError(await get(f, `${path}?aggregation=daily&startDate=2026-02-30&endDate=2026-03-02`), 422, /querystring\.startDate: must be a date/);
      assertError(await get(f, `${path}?aggregation=daily&startDate=2026-03-02`), 422, /querystring\.endDate/);
      assertError(await get(f, `${path}?aggregation=daily&startDate=2026-03-02&endDate=2026-03-01`), 422, /querystring\.startDate: must not be after endDate/);
      assertError(await get(f, `${path}?aggregation=daily&startDate=2025-01-01&endDate=2026-03-01`), 422, /querystring\.endDate: the range must not exceed 400 days/);
    });
    assert.equal((await ok(f, `${path}?aggregation=daily&startDate=2025-01-30&endDate=2026-03-06`)).length, 401, '400 days apart is allowed');
  });
});
