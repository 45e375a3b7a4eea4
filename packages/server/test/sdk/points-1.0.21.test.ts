import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { unique } from '../support/fixtures.js';
import { expectSdkError, lastStatus, LegacyTrophyApi, sdkRequests, startSdkServer, type SdkEnvironment, type SdkServer } from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12);

/**
 * Trophy's older Node SDK, 1.0.21, still in apps: its points methods (points.system,
 * points.summary, users.points, users.pointsEventSummary; it has no leaderboard methods) against
 * a real Laurel, with points earned through its own metrics.event.
 */
forEachBackend('SDK 1.0.21: points', (database) => {
  let server: SdkServer;

  before(async () => {
    server = await startSdkServer(database().url, NOW);
  });
  after(() => server.close());

  /** XP: 10 points per 2 words, Bronze at 0 and Silver at 30; earned with the 1.0.21 client. */
  async function xp(env: SdkEnvironment) {
    const words = await env.fixtures.metric({ key: unique('words') });
    const system = await env.fixtures.pointsSystem({
      name: 'XP',
      description: 'Experience',
      triggers: [{ type: 'metric', points: 10, status: 'active', metricId: words.id, metricThreshold: 2 }],
      levels: [
        { name: 'Bronze', key: 'bronze', points: 0 },
        { name: 'Silver', key: 'silver', points: 30 },
      ],
    });
    const trophy = server.legacyClient(env.key);
    return { key: system.key as string, system, words, trophy, write: (id: string, value: number) => trophy.metrics.event(words.key, { user: { id }, value }) };
  }

  test('points.system: the system and its triggers as 1.0.21 parses them', async () => {
    const env = await server.environment();
    const { key, system, words, trophy } = await xp(env);
    const got = await sdkRequests(server, 1, () => trophy.points.system(key));
    assert.equal(lastStatus(server), 200);
    assert.deepEqual([got.id, got.name, got.description, got.badgeUrl ?? null], [system.id, 'XP', 'Experience', null]);
    assert.deepEqual(
      got.triggers.map((t) => [t.type, t.points, t.status, t.metricId, t.metricName, t.metricThreshold, t.created?.getTime()]),
      [['metric', 10, 'active', words.id, words.name, 2, NOW]],
    );
  });

  test('metrics.event earns points, and points.summary and users.points read them back as 1.0.21 parses them', async () => {
    const env = await server.environment();
    const { key, system, trophy, write } = await xp(env);
    const event = await write('maya', 7);
    assert.deepEqual([event.points?.[key]?.total, event.points?.[key]?.added], [30, 30], '3 firings of 10');
    await write('sam', 2);

    const summary = await sdkRequests(server, 1, () => trophy.points.summary(key));
    assert.deepEqual(summary.map((r) => [r.from, r.to, r.users]), [
      [0, 0, 0],
      [1, 10, 1],
      [11, 20, 0],
      [21, 30, 1],
      ...Array.from({ length: 7 }, (_, i) => [31 + 10 * i, 40 + 10 * i, 0]),
    ]);

    const points = await sdkRequests(server, 1, () => trophy.users.points('maya', key));
    assert.deepEqual([points.id, points.name, points.total, (points as any).level?.key], [system.id, 'XP', 30, 'silver']);
    assert.deepEqual(points.awards.map((a) => [a.awarded, a.total, a.date, a.trigger?.type, a.trigger?.points, a.trigger?.metricThreshold]), [[30, 30, new Date(NOW).toISOString(), 'metric', 10, 2]]);
    assert.equal((await trophy.users.points('maya', key, { awards: 1 })).awards.length, 1);

    await expectSdkError(server, () => trophy.users.points('ghost', key), LegacyTrophyApi.NotFoundError, 404, /User not found: ghost/);
    await expectSdkError(server, () => trophy.points.summary('no-such-system'), LegacyTrophyApi.NotFoundError, 404, /Points system not found/);
  });

  test('users.pointsEventSummary: points per week as 1.0.21 parses them', async () => {
    const env = await server.environment();
    const { key, trophy, write } = await xp(env);
    await write('maya', 4);
    server.clock.advance(7 * 86_400_000);
    try {
      await write('maya', 2);
      const got = await sdkRequests(server, 1, () => trophy.users.pointsEventSummary('maya', key, { aggregation: 'weekly', startDate: '2026-03-08', endDate: '2026-03-21' }));
      assert.deepEqual(got.map((p) => [p.date, p.total, p.change]), [
        ['2026-03-08', 20, 20],
        ['2026-03-15', 30, 10],
      ]);
      await expectSdkError(
        server,
        () => trophy.users.pointsEventSummary('maya', key, { aggregation: 'weekly', startDate: '2025-01-01', endDate: '2026-03-21' }),
        LegacyTrophyApi.UnprocessableEntityError,
        422,
        /the range must not exceed 400 days/,
      );
    } finally {
      server.clock.set(NOW);
    }
  });
});
