import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { expectSdkError, lastStatus, sdkRequests, startSdkServer, TrophyApi, unique, type SdkEnvironment, type SdkServer } from './helpers.js';

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
});
