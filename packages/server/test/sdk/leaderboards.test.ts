import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { unique } from '../support/fixtures.js';
import { DAY_MS } from '../support/time.js';
import { expectSdkError, lastStatus, sdkRequests, startSdkServer, TrophyApi, type SdkEnvironment, type SdkServer } from './helpers.js';

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

  /**
   * A weekly words board broken down by city, ranked the way an app ranks it: metric events sent
   * with the SDK. Last week Cy wrote 40; this week Ben 100 on Tuesday, then on Wednesday Ana 300,
   * Ben 200 more (a tie with Ana, reached later), Cy 120, and Dee in Paris 999.
   */
  async function cityBoard(env: SdkEnvironment) {
    const [metric] = await env.metrics([unique('words')]);
    const [city] = await env.attributes([{ key: 'city', type: 'user' }]);
    const [board] = await leaderboards(env, [
      { name: 'Weekly words', key: unique('weekly'), status: 'active', rankBy: 'metric', metricId: metric!.id, start: '2026-03-02', breakdownAttributes: [city!.id], runUnit: 'day', runInterval: 7 },
    ]);
    for (const [id, name] of [['ana', 'Ana'], ['ben', 'Ben'], ['cy', undefined]] as const) await env.trophy.users.identify(id, { name, attributes: { city: 'London' } });
    await env.trophy.users.identify('dee', { attributes: { city: 'Paris' } });
    const writes: [string, number, number][] = [
      ['cy', 40, NOW - 7 * DAY_MS],
      ['ben', 100, NOW - DAY_MS],
      ['ana', 300, NOW - 3000],
      ['ben', 200, NOW - 2000],
      ['cy', 120, NOW - 1000],
      ['dee', 999, NOW],
    ];
    try {
      for (const [id, value, at] of writes) {
        server.clock.set(at);
        await env.trophy.metrics.event(metric!.key, { user: { id }, value });
      }
    } finally {
      server.clock.set(NOW);
    }
    return { board: board!, metric: metric! };
  }

  test('leaderboards.get: the board, its status and a page of rankings of a breakdown group, parsed by the SDK; offset, limit, run and userId as the SDK sends them', async () => {
    const env = await server.environment();
    const { board, metric } = await cityBoard(env);

    const got = await sdkRequests(server, 1, () => env.trophy.leaderboards.get(board.key, { userAttributes: 'city:London' }));
    assert.equal(lastStatus(server), 200);
    assert.deepEqual(
      [got.id, got.key, got.name, got.rankBy, got.metricKey, got.metricName, got.status, got.start, got.runUnit, got.runInterval, got.maxParticipants, got.breakdownAttribute],
      [board.id, board.key, 'Weekly words', 'metric', metric.key, metric.name, 'active', '2026-03-02', 'day', 7, 1000, 'city'],
    );
    assert.deepEqual(got.rankings.map((r) => ({ ...r })), [
      { userId: 'ana', userName: 'Ana', rank: 1, value: 300 },
      { userId: 'ben', userName: 'Ben', rank: 2, value: 300 },
      { userId: 'cy', userName: undefined, rank: 3, value: 120 },
    ]);
    const page = await env.trophy.leaderboards.get(board.key, { userAttributes: 'city:London', offset: 1, limit: 1 });
    assert.deepEqual(page.rankings.map((r) => [r.userId, r.rank]), [['ben', 2]]);
    const fromBen = await env.trophy.leaderboards.get(board.key, { userAttributes: 'city:London', userId: 'ben' });
    assert.deepEqual(fromBen.rankings.map((r) => [r.userId, r.rank]), [['ben', 2], ['cy', 3]]);
    const lastWeek = await env.trophy.leaderboards.get(board.key, { userAttributes: 'city:London', run: '2026-03-04' });
    assert.deepEqual(lastWeek.rankings.map((r) => [r.userId, r.rank, r.value]), [['cy', 1, 40]]);
    const paris = await env.trophy.leaderboards.get(board.key, { userAttributes: 'city:Paris' });
    assert.deepEqual(paris.rankings.map((r) => r.userId), ['dee']);
  });

  test('leaderboards.get errors: 404 for an unknown key, 422 without userAttributes on a breakdown board or for a limit above its size, each after one request', async () => {
    const env = await server.environment();
    const { board } = await cityBoard(env);
    await expectSdkError(server, () => env.trophy.leaderboards.get('no-such-board'), TrophyApi.NotFoundError, 404, /Leaderboard not found: no-such-board/);
    await expectSdkError(server, () => env.trophy.leaderboards.get(board.key), TrophyApi.UnprocessableEntityError, 422, /userAttributes is required/);
    await expectSdkError(server, () => env.trophy.leaderboards.get(board.key, { userAttributes: 'city:London', limit: 1001 }), TrophyApi.UnprocessableEntityError, 422, /limit/);
    await expectSdkError(server, () => env.trophy.leaderboards.get(board.key, { userAttributes: 'city:London', run: '2026-01-01' }), TrophyApi.UnprocessableEntityError, 422, /run: 2026-01-01 is in no run/);
  });

  test("users.leaderboard: the user's rank, value and daily history in the run, parsed by the SDK (timestamps as Dates)", async () => {
    const env = await server.environment();
    const { board } = await cityBoard(env);

    const got = await sdkRequests(server, 1, () => env.trophy.users.leaderboard('ben', board.key));
    assert.equal(lastStatus(server), 200);
    assert.deepEqual([got.id, got.key, got.rank, got.value], [board.id, board.key, 2, 300]);
    assert.deepEqual(
      got.history.map((h) => [h.timestamp?.toISOString(), h.previousRank ?? null, h.rank, h.previousValue ?? null, h.value]),
      [
        ['2026-03-10T00:00:00.000Z', null, 1, null, 100],
        ['2026-03-11T00:00:00.000Z', 1, 2, 100, 300],
      ],
    );
    assert.deepEqual((got.history[1] as any).date, '2026-03-11', 'date: the SDK passes it through');
    assert.equal((await env.trophy.users.leaderboard('ben', board.key, { numEvents: 1 })).history.length, 1);
    const lastWeek = await env.trophy.users.leaderboard('cy', board.key, { run: '2026-03-02' });
    assert.deepEqual([lastWeek.rank, lastWeek.value, lastWeek.history.map((h) => [h.timestamp?.toISOString(), h.rank, h.value])], [1, 40, [['2026-03-04T00:00:00.000Z', 1, 40]]]);
    const off = await env.trophy.users.leaderboard('ana', board.key, { run: '2026-03-02' });
    assert.deepEqual([off.rank ?? null, off.value ?? null], [null, null], 'no place in that run');

    await expectSdkError(server, () => env.trophy.users.leaderboard('ghost', board.key), TrophyApi.NotFoundError, 404, /User not found: ghost/);
    await expectSdkError(server, () => env.trophy.users.leaderboard('ben', 'no-such-board'), TrophyApi.NotFoundError, 404, /Leaderboard not found/);
    await expectSdkError(server, () => env.trophy.users.leaderboard('ben', board.key, { numEvents: 101 }), TrophyApi.UnprocessableEntityError, 422, /numEvents: must be at most 100/);
  });
});
