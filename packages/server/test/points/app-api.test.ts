import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { POINTS, fixturesFor, unique, type Fixtures } from '../support/fixtures.js';
import { assertAppSchema } from '../support/reference-schemas.js';
import { assertError } from '../support/assert-error.js';

// 2026-03-11 12:00 UTC: already 2026-03-12 in UTC+14, still 2026-03-11 in UTC-12.
const NOW = Date.UTC(2026, 2, 11, 12);
const ISO_NOW = new Date(NOW).toISOString();

forEachBackend('Application API: points systems, boosts and levels', (database) => {
  let laurel: TestLaurel;
  let env: Fixtures;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock: new ManualClock(NOW) });
    env = await fixturesFor(laurel, unique('app-points'));
  });
  after(() => laurel.close());

  const get = (path: string, key: string | null = env.key) => laurel.api('GET', path, { key });

  test("GET /v1/points/{key}: the system as Trophy's PointsSystemResponse with its active triggers in the Application API's shape", async () => {
    const metric = await env.metric({ key: unique('words'), name: 'Words written' });
    const achievement = await env.achievement({ key: unique('onboarding'), name: 'Finish onboarding' });
    const plan = await env.attribute(unique('plan'), 'user');
    const source = await env.attribute(unique('source'), 'event');
    const key = unique('xp');
    const system = await env.pointsSystem({
      name: 'XP',
      key,
      badge: { url: 'https://example.com/xp.png' },
      maxPoints: 5000,
      triggers: [
        { type: 'metric', points: 10, status: 'active', metricId: metric.id, metricThreshold: 1000, userAttributes: [{ attributeId: plan.id, attributeValue: 'premium' }], eventAttributes: [{ attributeId: source.id, attributeValue: 'mobile-app' }] },
        { type: 'streak', points: 50, status: 'active', streakLength: 7 },
        { type: 'achievement', points: 25, status: 'active', achievementId: achievement.id },
        { type: 'time', points: 1, status: 'active', timeUnit: 'hours', timeInterval: 4 },
        { type: 'user_creation', points: 100, status: 'active' },
        { type: 'user_creation', points: 7 },
      ],
    });
    const [m, s, a, t, u, inactive] = system.triggers;
    const [archived] = await env.pointsItems(system.id, 'triggers', [{ type: 'streak', points: 1, streakLength: 1, status: 'active' }]);
    assert.equal((await laurel.api('DELETE', `${POINTS}/${system.id}/triggers?ids=${archived.id}`, { key: env.key })).status, 200);

    const response = await get(`/v1/points/${key}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assertAppSchema('PointsSystemResponse', response.body);
    const common = { status: 'active', created: ISO_NOW, updated: ISO_NOW };
    assert.deepEqual(response.body, {
      id: system.id,
      name: 'XP',
      description: null,
      badgeUrl: 'https://example.com/xp.png',
      maxPoints: 5000,
      triggers: [
        {
          id: m.id,
          type: 'metric',
          points: 10,
          ...common,
          metricId: metric.id,
          metricName: 'Words written',
          metricThreshold: 1000,
          userAttributes: [{ key: plan.key, value: 'premium' }],
          eventAttribute: { key: source.key, value: 'mobile-app' },
          eventAttributes: [{ key: source.key, value: 'mobile-app' }],
        },
        { id: s.id, type: 'streak', points: 50, ...common, streakLengthThreshold: 7, userAttributes: [] },
        { id: a.id, type: 'achievement', points: 25, ...common, achievementId: achievement.id, achievementName: 'Finish onboarding', userAttributes: [] },
        { id: t.id, type: 'time', points: 1, ...common, timeUnit: 'hour', timeInterval: 4, userAttributes: [] },
        { id: u.id, type: 'user_creation', points: 100, ...common, userAttributes: [] },
      ],
    });
    assert.ok(!response.body.triggers.some((trigger: any) => trigger.id === inactive.id || trigger.id === archived.id), 'only active triggers');
  });

  test('an unknown key is 404 naming the environment searched; no key is 401', async () => {
    for (const path of ['/v1/points/no-such-system', '/v1/points/no-such-system/boosts', '/v1/points/no-such-system/levels']) {
      assertError(await get(path), 404, /Points system not found: no-such-system/, /looked in environment "app-points/);
      assertError(await get(path, null), 401, /API key/);
    }
    // A system of another environment is as unknown.
    const other = await fixturesFor(laurel);
    const key = unique('theirs');
    await other.pointsSystem({ name: 'Theirs', key });
    assertError(await get(`/v1/points/${key}`), 404, /Points system not found/);
  });

  test("GET /v1/points/{key}/boosts: boosts for everyone and attribute-filtered ones (not a user's own) by start date; finished ones with includeFinished=true", async () => {
    const plan = await env.attribute(unique('plan'));
    const user = (await env.user()).id;
    const key = unique('xp');
    const system = await env.pointsSystem({ name: 'XP', key });
    const [later, finished, tomorrow, , filtered] = await env.pointsItems(system.id, 'boosts', [
      { name: 'Later', start: '2026-04-01', multiplier: 1.5, rounding: 'nearest' },
      { name: 'Finished', start: '2026-02-01', end: '2026-02-28', multiplier: 2 },
      { name: 'Tomorrow', start: '2026-03-12', end: '2026-03-13', multiplier: 3, rounding: 'up' },
      { name: 'Only mine', start: '2026-03-01', multiplier: 2, userId: user },
      { name: 'Pro', start: '2026-03-05', multiplier: 2, userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }] },
    ]);
    const response = await get(`/v1/points/${key}/boosts`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assertAppSchema('PointsBoost', response.body, true);
    assert.deepEqual(response.body, [
      { id: filtered.id, name: 'Pro', status: 'active', start: '2026-03-05', end: null, multiplier: 2, rounding: 'down' },
      // Its start date has begun in the earliest zone (UTC+14).
      { id: tomorrow.id, name: 'Tomorrow', status: 'active', start: '2026-03-12', end: '2026-03-13', multiplier: 3, rounding: 'up' },
      { id: later.id, name: 'Later', status: 'scheduled', start: '2026-04-01', end: null, multiplier: 1.5, rounding: 'nearest' },
    ]);
    const all = await get(`/v1/points/${key}/boosts?includeFinished=true`);
    assertAppSchema('PointsBoost', all.body, true);
    assert.deepEqual(all.body.map((b: any) => [b.id, b.status]), [
      [finished.id, 'finished'],
      [filtered.id, 'active'],
      [tomorrow.id, 'active'],
      [later.id, 'scheduled'],
    ]);
    assert.deepEqual((await get(`/v1/points/${key}/boosts?includeFinished=false`)).body, response.body);
    assertError(await get(`/v1/points/${key}/boosts?includeFinished=yes`), 422, /includeFinished: must be true or false/);
  });

  test('GET /v1/points/{key}/levels: every level as PointsLevel, by threshold then key; none is []', async () => {
    const key = unique('xp');
    const system = await env.pointsSystem({ name: 'XP', key });
    assert.deepEqual((await get(`/v1/points/${key}/levels`)).body, []);
    const [gold, bronze, silver] = await env.pointsItems(system.id, 'levels', [
      { name: 'Gold', key: 'gold', points: 200, description: 'Top level', badge: { url: 'https://example.com/gold.png' } },
      { name: 'Bronze', key: 'bronze', points: 0, description: 'Starting level' },
      { name: 'Silver', key: 'silver', points: 50 },
    ]);
    const response = await get(`/v1/points/${key}/levels`);
    assert.equal(response.status, 200);
    assertAppSchema('PointsLevel', response.body, true);
    assert.deepEqual(response.body, [
      { id: bronze.id, key: 'bronze', name: 'Bronze', description: 'Starting level', badgeUrl: null, points: 0 },
      { id: silver.id, key: 'silver', name: 'Silver', description: '', badgeUrl: null, points: 50 },
      { id: gold.id, key: 'gold', name: 'Gold', description: 'Top level', badgeUrl: 'https://example.com/gold.png', points: 200 },
    ]);
  });
});
