import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { unique } from '../support/fixtures.js';
import { startSdkServer, type SdkEnvironment, type SdkServer } from './helpers.js';

/**
 * Issue 14's conformance case: a Trophy client app, unchanged, against Laurel. An operator sets up
 * XP and a weekly per-city board through the Admin API; from then on only SDK calls, the way an
 * app makes them, with the clock moved across a week boundary. Every value asserted is worked out
 * from the scenario below.
 *
 * XP: 10 per activity; Bronze at 10, Silver at 30. "Weekly XP": ranked by XP, broken down by city,
 * weekly runs from Monday 2026-03-02, 2 places per city (so the threshold and being pushed out show).
 *
 *   Fri 03-13  ana (London) 2 activities, ben (London) 1, dee (Paris) 4
 *   Sat 03-14  cy (London) 1 (ties ben's 10, reached later: no place), then 2 more (30: enters, ben out)
 *   Sun 03-15  ana 2 more (40: first again)
 *   Mon 03-16  a new run, empty; ben 1 activity
 */
const FRIDAY = Date.UTC(2026, 2, 13, 12); // 2026-03-13T12:00Z, in the run 2026-03-09..15
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const midnight = (date: string) => `${date}T00:00:00.000Z`;

/** The operator's set-up: what the app's Trophy dashboard would hold. */
async function configure(env: SdkEnvironment) {
  const [activities] = await env.metrics([unique('activities')]);
  const [city] = await env.attributes([{ key: 'city', type: 'user' }]);
  const xp = await env.fixtures.pointsSystem({
    name: 'XP',
    key: 'xp',
    triggers: [{ type: 'metric', points: 10, status: 'active', metricId: activities!.id, metricThreshold: 1 }],
    levels: [
      { name: 'Bronze', key: 'bronze', points: 10 },
      { name: 'Silver', key: 'silver', points: 30 },
    ],
  });
  const board = await env.fixtures.leaderboard({
    name: 'Weekly XP',
    key: 'weekly-xp',
    rankBy: 'points',
    pointsSystemId: xp.id,
    breakdownAttributes: [city!.id],
    start: '2026-03-02',
    runUnit: 'day',
    runInterval: 7,
    maxParticipants: 2,
  });
  return { activities: activities!.key, xp, board };
}

/** The subset of either SDK version's client that the app uses for users, events and points. */
interface AppClient {
  users: {
    identify(id: string, request: { name?: string; attributes?: Record<string, string> }): Promise<unknown>;
    create(request: { id: string; name?: string; attributes?: Record<string, string> }): Promise<unknown>;
    points(id: string, key: string, request?: { awards?: number }): Promise<any>;
  };
  metrics: { event(key: string, request: { user: { id: string }; value: number }): Promise<any> };
  points: { summary(key: string, request?: { userAttributes?: string }): Promise<any[]> };
}

/** What the app shows after an event: the XP change (level only when it moved) and the board's place. */
function shown(event: any) {
  const xp = event.points?.xp;
  const board = event.leaderboards?.['weekly-xp'];
  return {
    xp: xp && { added: xp.added, total: xp.total, level: xp.level?.key ?? null },
    board: board && { rank: board.rank, previousRank: board.previousRank ?? null, threshold: board.threshold, start: board.start, end: board.end, city: board.breakdownAttributeValue },
  };
}

const WEEK_11 = { start: '2026-03-09', end: '2026-03-15' };
const WEEK_12 = { start: '2026-03-16', end: '2026-03-22' };

/** The 11 ranges of points.summary for a top total of at most 100: 0, then 1-10 .. 91-100. */
const ranges = (users: Record<number, number>) => [0, ...Array.from({ length: 10 }, (_, i) => i + 1)].map((bucket) => users[bucket] ?? 0);

forEachBackend('SDK: a client app with XP, levels and weekly leaderboards per city', (database) => {
  let server: SdkServer;

  before(async () => {
    server = await startSdkServer(database().url, FRIDAY);
  });
  after(() => server.close());

  /**
   * The app's week: users, events and the points screens, with `app` (either SDK version). The
   * leaderboard screens come after, with 1.0.42 (1.0.21 has no leaderboard methods); `log` makes
   * further events.
   */
  async function playWeek(env: SdkEnvironment, app: AppClient) {
    const { activities } = await configure(env);
    server.clock.set(FRIDAY);
    await app.users.identify('ana', { name: 'Ana', attributes: { city: 'London' } });
    await app.users.identify('ben', { name: 'Ben', attributes: { city: 'London' } });
    await app.users.create({ id: 'cy', attributes: { city: 'London' } });
    await app.users.identify('dee', { name: 'Dee', attributes: { city: 'Paris' } });
    const log = async (id: string, value: number, at: number) => {
      server.clock.set(at);
      return shown(await app.metrics.event(activities, { user: { id }, value }));
    };

    assert.deepEqual(await log('ana', 2, FRIDAY), { xp: { added: 20, total: 20, level: 'bronze' }, board: { rank: 1, previousRank: null, threshold: 0, ...WEEK_11, city: 'London' } });
    assert.deepEqual(await log('ben', 1, FRIDAY + HOUR), { xp: { added: 10, total: 10, level: 'bronze' }, board: { rank: 2, previousRank: null, threshold: 10, ...WEEK_11, city: 'London' } }, 'London is full: a newcomer must beat 10');
    assert.deepEqual(await log('dee', 4, FRIDAY + 2 * HOUR), { xp: { added: 40, total: 40, level: 'silver' }, board: { rank: 1, previousRank: null, threshold: 0, ...WEEK_11, city: 'Paris' } }, 'Paris ranks on its own');
    assert.deepEqual(await log('cy', 1, FRIDAY + DAY), { xp: { added: 10, total: 10, level: 'bronze' }, board: undefined }, "cy's 10 does not beat ben's: no place, no board in the answer");
    assert.deepEqual(await log('cy', 2, FRIDAY + DAY + HOUR), { xp: { added: 20, total: 30, level: 'silver' }, board: { rank: 1, previousRank: null, threshold: 20, ...WEEK_11, city: 'London' } }, 'cy passes ana; ben is pushed out');
    assert.deepEqual(await log('ana', 2, FRIDAY + 2 * DAY), { xp: { added: 20, total: 40, level: 'silver' }, board: { rank: 1, previousRank: 2, threshold: 30, ...WEEK_11, city: 'London' } }, 'Bronze to Silver; first again');

    const ana = await app.users.points('ana', 'xp');
    assert.deepEqual([ana.key, ana.name, ana.total, ana.level?.key], ['xp', 'XP', 40, 'silver']);
    assert.deepEqual(
      ana.awards.map((award: any) => [award.awarded, award.total, award.date, award.trigger?.type, award.trigger?.points]),
      [
        [20, 40, new Date(FRIDAY + 2 * DAY).toISOString(), 'metric', 10],
        [20, 20, new Date(FRIDAY).toISOString(), 'metric', 10],
      ],
      'newest first',
    );
    const cy = await app.users.points('cy', 'xp', { awards: 1 });
    assert.deepEqual([cy.total, cy.level?.key, cy.awards.map((award: any) => award.awarded)], [30, 'silver', [20]]);

    // ben 10, cy 30, ana and dee 40.
    assert.deepEqual((await app.points.summary('xp')).map((range) => range.users), ranges({ 1: 1, 3: 1, 4: 2 }));
    assert.deepEqual((await app.points.summary('xp', { userAttributes: 'city:Paris' })).map((range) => range.users), ranges({ 4: 1 }));
    return { log };
  }

  test('SDK 1.0.42: events, XP, levels, per-city rankings and rank history through a week, then a new run', async () => {
    const env = await server.environment();
    const { log } = await playWeek(env, env.trophy);
    const trophy = env.trophy;

    const london = await trophy.leaderboards.get('weekly-xp', { userAttributes: 'city:London' });
    assert.deepEqual([london.status, london.rankBy, london.breakdownAttribute, london.maxParticipants], ['active', 'points', 'city', 2]);
    assert.deepEqual(london.rankings.map((r) => ({ ...r })), [
      { userId: 'ana', userName: 'Ana', rank: 1, value: 40 },
      { userId: 'cy', userName: undefined, rank: 2, value: 30 },
    ]);
    const paris = await trophy.leaderboards.get('weekly-xp', { userAttributes: 'city:Paris' });
    assert.deepEqual(paris.rankings.map((r) => [r.userId, r.rank, r.value]), [['dee', 1, 40]]);

    const anaBoard = await trophy.users.leaderboard('ana', 'weekly-xp');
    assert.deepEqual([anaBoard.rank, anaBoard.value], [1, 40]);
    assert.deepEqual(
      anaBoard.history.map((h) => [h.timestamp?.toISOString(), h.previousRank ?? null, h.rank ?? null, h.previousValue ?? null, h.value ?? null]),
      [
        [midnight('2026-03-13'), null, 1, null, 20],
        [midnight('2026-03-14'), 1, 2, 20, 20],
        [midnight('2026-03-15'), 2, 1, 20, 40],
      ],
      'a row for the day cy passed her, too',
    );
    const benBoard = await trophy.users.leaderboard('ben', 'weekly-xp');
    assert.deepEqual(
      [benBoard.rank ?? null, benBoard.value ?? null, benBoard.history.map((h) => [h.timestamp?.toISOString(), h.previousRank ?? null, h.rank ?? null, h.previousValue ?? null, h.value ?? null])],
      [null, null, [[midnight('2026-03-13'), null, 2, null, 10], [midnight('2026-03-14'), 2, null, 10, null]]],
      'pushed out on Saturday: off the board, so no rank or value (null, as Trophy says)',
    );

    // Monday: a new run, empty until someone earns XP in it; last week's still answers.
    server.clock.set(Date.UTC(2026, 2, 16, 9));
    assert.deepEqual((await trophy.leaderboards.get('weekly-xp', { userAttributes: 'city:London' })).rankings, []);
    assert.deepEqual(await trophy.users.leaderboard('ana', 'weekly-xp').then((got) => [got.rank ?? null, got.value ?? null, got.history]), [null, null, []], 'not on this run yet');
    assert.deepEqual(await log('ben', 1, Date.UTC(2026, 2, 16, 10)), { xp: { added: 10, total: 20, level: null }, board: { rank: 1, previousRank: null, threshold: 0, ...WEEK_12, city: 'London' } }, 'still Bronze: no level in the answer');
    assert.deepEqual((await trophy.leaderboards.get('weekly-xp', { userAttributes: 'city:London' })).rankings.map((r) => [r.userId, r.rank, r.value]), [['ben', 1, 10]]);
    const lastWeek = await trophy.leaderboards.get('weekly-xp', { userAttributes: 'city:London', run: WEEK_11.start });
    assert.deepEqual(lastWeek.rankings.map((r) => [r.userId, r.rank, r.value]), [['ana', 1, 40], ['cy', 2, 30]]);
    const anaLastWeek = await trophy.users.leaderboard('ana', 'weekly-xp', { run: WEEK_11.start });
    assert.deepEqual([anaLastWeek.rank, anaLastWeek.value, anaLastWeek.history.length], [1, 40, 3]);
    const benNow = await trophy.users.leaderboard('ben', 'weekly-xp');
    assert.deepEqual([benNow.rank, benNow.value, benNow.history.map((h) => [h.timestamp?.toISOString(), h.rank])], [1, 10, [[midnight('2026-03-16'), 1]]]);

    const ben = await trophy.users.points('ben', 'xp');
    assert.deepEqual([ben.total, (ben as any).level?.key, ben.awards.map((a) => a.awarded)], [20, 'bronze', [10, 10]], 'XP is not weekly: only the board starts again');
    assert.deepEqual((await trophy.points.summary('xp')).map((range) => range.users), ranges({ 2: 1, 3: 1, 4: 2 }));
  });

  test('SDK 1.0.21: the same week with the older client, which has the users, events and points methods', async () => {
    const env = await server.environment();
    await playWeek(env, server.legacyClient(env.key));
  });
});
