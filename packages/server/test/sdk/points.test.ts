import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { unique } from '../support/fixtures.js';
import { expectSdkError, lastStatus, sdkRequests, startSdkServer, TrophyApi, type SdkEnvironment, type SdkServer } from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12);

/** A system with a trigger of every type (one inactive), made through Laurel's Admin API. */
async function xpSystem(env: SdkEnvironment) {
  const [metric] = await env.metrics([unique('words')]);
  const [achievement] = await env.achievements([{ name: 'Onboarded', key: unique('onboarded'), trigger: 'api' }]);
  const [plan] = await env.attributes([{ key: 'plan', type: 'user' }]);
  const [source] = await env.attributes([{ key: 'source', type: 'event' }]);
  const key = unique('xp');
  const body = await env.admin(
    'POST',
    '/points',
    [
      {
        name: 'XP',
        key,
        description: 'Experience points',
        badge: { url: 'https://example.com/xp.png' },
        triggers: [
          { type: 'metric', points: 10, status: 'active', metricId: metric!.id, metricThreshold: 100, userAttributes: [{ attributeId: plan!.id, attributeValue: 'pro' }], eventAttributes: [{ attributeId: source!.id, attributeValue: 'app' }] },
          { type: 'streak', points: 50, status: 'active', streakLength: 7 },
          { type: 'achievement', points: 25, status: 'active', achievementId: achievement!.id },
          { type: 'time', points: 2, status: 'active', timeUnit: 'days', timeInterval: 1 },
          { type: 'user_creation', points: 100, status: 'active' },
          { type: 'user_creation', points: 1 },
        ],
      },
    ],
    201,
  );
  return { key, system: body.created[0], metric: metric!, achievement: achievement! };
}

forEachBackend('SDK: points', (database) => {
  let server: SdkServer;

  before(async () => {
    server = await startSdkServer(database().url, NOW);
  });
  after(() => server.close());

  test('points.system: the system and its active triggers, parsed by the SDK with their names, thresholds and dates', async () => {
    const env = await server.environment();
    const { key, system, metric, achievement } = await xpSystem(env);
    const got = await sdkRequests(server, 1, () => env.trophy.points.system(key));
    assert.equal(lastStatus(server), 200);
    assert.equal(got.id, system.id);
    assert.equal(got.name, 'XP');
    assert.equal(got.description, 'Experience points');
    assert.equal(got.badgeUrl, 'https://example.com/xp.png');
    assert.equal(got.maxPoints ?? null, null);
    assert.deepEqual(
      got.triggers.map((trigger) => [trigger.type, trigger.points, trigger.status]),
      [
        ['metric', 10, 'active'],
        ['streak', 50, 'active'],
        ['achievement', 25, 'active'],
        ['time', 2, 'active'],
        ['user_creation', 100, 'active'],
      ],
      'the inactive trigger is left out',
    );
    const [m, s, a, t] = got.triggers;
    assert.deepEqual([m!.metricId, m!.metricName, m!.metricThreshold], [metric.id, metric.name, 100]);
    assert.deepEqual(m!.userAttributes, [{ key: 'plan', value: 'pro' }]);
    assert.deepEqual(m!.eventAttribute, { key: 'source', value: 'app' });
    assert.equal(s!.streakLengthThreshold, 7);
    assert.deepEqual([a!.achievementId, a!.achievementName], [achievement.id, 'Onboarded']);
    assert.deepEqual([t!.timeUnit, t!.timeInterval], ['day', 1]);
    for (const trigger of got.triggers) {
      assert.ok(trigger.created instanceof Date && trigger.updated instanceof Date);
      assert.equal(trigger.created.getTime(), NOW);
    }
  });

  test('points.system with no description, badge or triggers, and a cap', async () => {
    const env = await server.environment();
    const key = unique('energy');
    await env.admin('POST', '/points', [{ name: 'Energy', key, maxPoints: 100 }], 201);
    const got = await sdkRequests(server, 1, () => env.trophy.points.system(key));
    assert.equal(got.name, 'Energy');
    assert.equal(got.description ?? null, null);
    assert.equal(got.badgeUrl ?? null, null);
    assert.equal(got.maxPoints, 100);
    assert.deepEqual(got.triggers, []);
  });

  test('points.system errors: 404 for an unknown key, 401 for a wrong key, each after one request', async () => {
    const env = await server.environment();
    await expectSdkError(server, () => env.trophy.points.system('no-such-system'), TrophyApi.NotFoundError, 404, /Points system not found: no-such-system/);
    await expectSdkError(server, () => server.client('bad.key').points.system('xp'), TrophyApi.UnauthorizedError, 401);
  });

  /**
   * XP earned the way an app earns it, with the SDK's metrics.event: a point per word, Bronze at
   * 0 and Silver at 50, words doubled from 2026-03-01 for pro users.
   */
  async function earning(env: SdkEnvironment) {
    const [words] = await env.metrics([unique('words')]);
    const [plan] = await env.attributes([{ key: 'plan', type: 'user' }]);
    const key = unique('xp');
    const body = await env.admin(
      'POST',
      '/points',
      [
        {
          name: 'XP',
          key,
          triggers: [{ type: 'metric', points: 1, status: 'active', metricId: words!.id, metricThreshold: 1 }],
          levels: [
            { name: 'Bronze', key: 'bronze', points: 0 },
            { name: 'Silver', key: 'silver', points: 50 },
          ],
          boosts: [{ name: 'Pro double', start: '2026-03-01', multiplier: 2, userAttributes: [{ attributeId: plan!.id, attributeValue: 'pro' }] }],
        },
      ],
      201,
    );
    const write = (id: string, value: number, attributes: Record<string, string> = {}) => env.trophy.metrics.event(words!.key, { user: { id, attributes }, value });
    return { key, system: body.created[0], words: words!, write };
  }

  test('points.summary: the 11 ranges with the users in each, parsed by the SDK; userAttributes keeps the matching users', async () => {
    const env = await server.environment();
    const { key, write } = await earning(env);
    await write('maya', 30, { plan: 'pro' }); // 60 with the boost
    await write('sam', 20, { plan: 'free' });
    await env.trophy.users.create({ id: 'kai', attributes: { plan: 'pro' } });

    const summary = await sdkRequests(server, 1, () => env.trophy.points.summary(key));
    assert.equal(lastStatus(server), 200);
    const expected = [{ from: 0, to: 0, users: 1 }, ...Array.from({ length: 10 }, (_, i) => ({ from: i * 10 + 1, to: (i + 1) * 10, users: i === 1 || i === 5 ? 1 : 0 }))];
    assert.deepEqual(summary.map((r) => ({ ...r })), expected, 'a top of 60 makes ranges of 10 up to 100');
    const pro = await env.trophy.points.summary(key, { userAttributes: 'plan:pro' });
    assert.deepEqual(pro.map((r) => r.users), [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    await expectSdkError(server, () => env.trophy.points.summary('no-such-system'), TrophyApi.NotFoundError, 404, /Points system not found: no-such-system/);
  });

  test("users.points: the user's total, level and latest awards with their trigger and boosts, as the SDK parses them", async () => {
    const env = await server.environment();
    const { key, system, words, write } = await earning(env);
    await write('maya', 20, { plan: 'pro' });
    server.clock.advance(60_000);
    await write('maya', 5);

    const got = await sdkRequests(server, 1, () => env.trophy.users.points('maya', key));
    assert.equal(lastStatus(server), 200);
    assert.deepEqual([got.id, got.key, got.name, got.total], [system.id, key, 'XP', 50]);
    assert.deepEqual(((got as any).level ?? null)?.key, 'silver', 'level: the SDK passes it through');
    assert.deepEqual(
      got.awards.map((award) => [award.awarded, award.total, award.date, award.trigger?.type, award.trigger?.points, award.trigger?.metricName, award.trigger?.metricThreshold]),
      [
        [10, 50, new Date(NOW + 60_000).toISOString(), 'metric', 1, words.name, 1],
        [40, 40, new Date(NOW).toISOString(), 'metric', 1, words.name, 1],
      ],
      'newest first, both doubled: maya is on the pro plan',
    );
    assert.deepEqual(((got.awards[1] as any).boosts as any[]).map((b) => [b.name, b.multiplier, b.status]), [['Pro double', 2, 'active']]);
    assert.equal((await env.trophy.users.points('maya', key, { awards: 1 })).awards.length, 1);

    await expectSdkError(server, () => env.trophy.users.points('maya', key, { awards: 0 }), TrophyApi.UnprocessableEntityError, 422, /awards: must be at least 1/);
    await expectSdkError(server, () => env.trophy.users.points('ghost', key), TrophyApi.NotFoundError, 404, /User not found: ghost/);
    await expectSdkError(server, () => env.trophy.users.points('maya', 'no-such-system'), TrophyApi.NotFoundError, 404, /Points system not found/);
  });

  test("users.pointsEventSummary: the user's points per day with the running total", async () => {
    const env = await server.environment();
    const { key, write } = await earning(env);
    await write('maya', 7);
    server.clock.advance(2 * 86_400_000);
    try {
      await write('maya', 3);
      const got = await sdkRequests(server, 1, () => env.trophy.users.pointsEventSummary('maya', key, { aggregation: 'daily', startDate: '2026-03-10', endDate: '2026-03-13' }));
      assert.deepEqual(got.map((point) => ({ ...point })), [
        { date: '2026-03-10', total: 0, change: 0 },
        { date: '2026-03-11', total: 7, change: 7 },
        { date: '2026-03-12', total: 7, change: 0 },
        { date: '2026-03-13', total: 10, change: 3 },
      ]);
      await expectSdkError(
        server,
        () => env.trophy.users.pointsEventSummary('maya', key, { aggregation: 'daily', startDate: '2026-03-13', endDate: '2026-03-10' }),
        TrophyApi.UnprocessableEntityError,
        422,
        /startDate: must not be after endDate/,
      );
    } finally {
      server.clock.set(NOW);
    }
  });
});
