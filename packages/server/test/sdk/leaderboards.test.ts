import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { expectSdkError, lastStatus, sdkRequests, startSdkServer, TrophyApi, unique, type SdkEnvironment, type SdkServer } from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12); // 2026-03-11T12:00Z

/** Leaderboards through Laurel's Admin API (SDK 1.0.42 has no admin leaderboard methods). */
async function leaderboards(env: SdkEnvironment, items: Record<string, unknown>[]): Promise<{ id: string; key: string }[]> {
  const body = await env.admin('POST', '/leaderboards', items, 201);
  assert.deepEqual(body.issues, []);
  return body.created;
}

forEachBackend('SDK: leaderboards', (database) => {
  let server: SdkServer;

  before(async () => {
    server = await startSdkServer(database().url, NOW);
  });
  after(() => server.close());

  test('leaderboards.all: the scheduled and active boards, parsed by the SDK with their values; inactive and finished ones left out', async () => {
    const env = await server.environment();
    const [metric] = await env.metrics([unique('words')]);
    const [city] = await env.attributes([{ key: 'city', type: 'user' }]);
    const [weekly, streaks, soon] = await leaderboards(env, [
      {
        name: 'Weekly words',
        key: 'weekly-words',
        description: 'Who writes the most each week',
        status: 'active',
        rankBy: 'metric',
        metricId: metric!.id,
        maxParticipants: 100,
        start: '2026-03-01',
        breakdownAttributes: [city!.id],
        runUnit: 'day',
        runInterval: 7,
      },
      { name: 'Streak legends', key: 'streaks', status: 'active', rankBy: 'streak', start: '2026-01-01', end: '2026-12-31' },
      { name: 'Next month', key: 'april', status: 'scheduled', rankBy: 'streak', start: '2026-04-01' },
      { name: 'Draft', key: 'draft', rankBy: 'streak' },
      { name: 'Over', key: 'over', status: 'finished', rankBy: 'streak', start: '2026-01-01', end: '2026-01-31' },
    ]);

    const all = await sdkRequests(server, 1, () => env.trophy.leaderboards.all());
    assert.equal(lastStatus(server), 200);
    assert.deepEqual(
      all.map((board) => ({ ...board })),
      [
        {
          id: weekly!.id,
          name: 'Weekly words',
          key: 'weekly-words',
          rankBy: 'metric',
          breakdownAttribute: 'city',
          breakdownAttributes: ['city'],
          metricKey: metric!.key,
          metricName: metric!.name,
          description: 'Who writes the most each week',
          start: '2026-03-01',
          end: undefined,
          startTime: null,
          endTime: null,
          maxParticipants: 100,
          runUnit: 'day',
          runInterval: 7,
          status: 'active',
        },
        {
          id: streaks!.id,
          name: 'Streak legends',
          key: 'streaks',
          rankBy: 'streak',
          breakdownAttribute: undefined,
          breakdownAttributes: [],
          description: undefined,
          start: '2026-01-01',
          end: '2026-12-31',
          startTime: null,
          endTime: null,
          maxParticipants: 1000,
          runUnit: undefined,
          runInterval: undefined,
          status: 'active',
        },
        {
          id: soon!.id,
          name: 'Next month',
          key: 'april',
          rankBy: 'streak',
          breakdownAttribute: undefined,
          breakdownAttributes: [],
          description: undefined,
          start: '2026-04-01',
          end: undefined,
          startTime: null,
          endTime: null,
          maxParticipants: 1000,
          runUnit: undefined,
          runInterval: undefined,
          status: 'scheduled',
        },
      ],
    );
  });

  test('leaderboards.all follows the clock: a scheduled board goes live on its start, one past its end drops out', async () => {
    const env = await server.environment();
    await leaderboards(env, [
      { name: 'March', key: 'march', status: 'active', rankBy: 'streak', start: '2026-03-01', end: '2026-03-31' },
      { name: 'April', key: 'april', status: 'scheduled', rankBy: 'streak', start: '2026-04-01' },
    ]);
    server.clock.set(Date.parse('2026-04-02T00:00:00Z'));
    try {
      const all = await env.trophy.leaderboards.all();
      assert.deepEqual(all.map((board) => [board.key, board.status]), [['april', 'active']]);
    } finally {
      server.clock.set(NOW);
    }
  });

  test('leaderboards.all with a key of an environment without boards is an empty list; a wrong key is UnauthorizedError, not retried', async () => {
    const env = await server.environment();
    assert.deepEqual(await env.trophy.leaderboards.all(), []);
    await expectSdkError(server, () => server.client('nope.nope').leaderboards.all(), TrophyApi.UnauthorizedError, 401);
  });
});
