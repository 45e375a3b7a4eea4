import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { fixturesFor, type Fixtures } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { appSchemaValidator } from '../support/reference-schemas.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11, 12:00 UTC

/** Every table a write can touch, for "nothing was written". */
const TABLES = [
  'users',
  'metric_events',
  'user_metrics',
  'metric_daily',
  'user_streaks',
  'streak_periods',
  'user_achievements',
  'achievement_progress',
  'user_points',
  'user_points_triggers',
  'points_awards',
  'events',
  'deliveries',
  'scheduled_jobs',
] as const;

forEachBackend('pipeline: points and levels', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(NOW);
  const validEventResponse = appSchemaValidator('EventResponse');
  const validCompletionResponse = appSchemaValidator('AchievementCompletionResponse');

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(() => laurel.close());

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of TABLES) {
      const row = await laurel.backend.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      result[table] = Number(row.n);
    }
    return result;
  }

  async function eventsOf(env: { id: string }, type: string): Promise<any[]> {
    const rows = await laurel.backend.db.selectFrom('events').select('payload').where('environment_id', '=', env.id).where('type', '=', type).orderBy('created_at').execute();
    return rows.map((row) => JSON.parse(row.payload));
  }

  /** XP: 10 points per 3 lessons, doubled by a boost this month, Bronze at 0 and Silver at 50. */
  async function xpSetup(f: Fixtures) {
    const lessons = await f.metric({ key: 'lessons' });
    const xp = await f.pointsSystem({
      key: 'xp',
      triggers: [{ type: 'metric', points: 10, metricId: lessons.id, metricThreshold: 3, status: 'active' }],
      levels: [
        { name: 'Bronze', key: 'bronze', points: 0 },
        { name: 'Silver', key: 'silver', points: 50 },
      ],
      boosts: [{ name: 'Double March', start: '2026-03-01', end: '2026-03-31', multiplier: 2, rounding: 'down' }],
    });
    return { lessons, xp };
  }

  test('a metric event awards boosted points per threshold crossed, moves the level and says so only in that response', async (t) => {
    const f = await fixturesFor(laurel);
    const { xp } = await xpSetup(f);

    const first = await f.event('lessons', 'maya', 9);
    assert.equal(first.status, 201);
    const points = first.body.points.xp;
    assert.equal(points.total, 60, '3 firings of 10, each doubled');
    assert.equal(points.added, 60);
    assert.equal(points.awards.length, 1);
    assert.equal(points.awards[0].awarded, 60);
    assert.equal(points.awards[0].total, 60);
    assert.equal(points.awards[0].trigger.type, 'metric');
    assert.equal(points.awards[0].date, new Date(NOW).toISOString());
    assert.deepEqual(points.awards[0].boosts.map((b: any) => [b.name, b.multiplier, b.status]), [['Double March', 2, 'active']]);
    assert.equal(points.level.key, 'silver');
    if (validEventResponse) assert.deepEqual(validEventResponse(first.body), []);
    else t.diagnostic('reference schemas not found: shape not checked');

    // 2 more lessons reach the next multiple of 3 (11 -> 12 counts once): 20 more, no level change.
    const second = await f.event('lessons', 'maya', 2);
    assert.equal(second.body.points.xp, undefined, '11 lessons: no new multiple of 3');
    const third = await f.event('lessons', 'maya', 1);
    assert.equal(third.body.points.xp.added, 20);
    assert.equal(third.body.points.xp.total, 80);
    assert.equal('level' in third.body.points.xp, false, 'level only when it changed');

    // A correction and the climb back earn nothing (high-water mark); then beyond it earns again.
    assert.deepEqual((await f.event('lessons', 'maya', -3)).body.points, {});
    assert.deepEqual((await f.event('lessons', 'maya', 3)).body.points, {});
    assert.equal((await f.event('lessons', 'maya', 3)).body.points.xp.total, 100);

    const changed = await eventsOf(f.env, 'points.level_changed');
    assert.equal(changed.length, 1);
    assert.equal(changed[0].previousLevel.key, 'bronze');
    assert.equal(changed[0].newLevel.key, 'silver');
    assert.equal(changed[0].points.total, 60);
    assert.equal(changed[0].points.id, xp.id);

    const stored = await laurel.backend.db.selectFrom('points_awards').select(['awarded', 'total', 'boost_ids', 'day']).where('environment_id', '=', f.env.id).orderBy('created_at').orderBy('total').execute();
    assert.deepEqual(
      stored.map((row) => [Number(row.awarded), Number(row.total), JSON.parse(row.boost_ids).length, row.day]),
      [
        [60, 60, 1, '2026-03-11'],
        [20, 80, 1, '2026-03-11'],
        [20, 100, 1, '2026-03-11'],
      ],
    );
  });

  test('an idempotent replay answers points: {} and awards nothing', async () => {
    const f = await fixturesFor(laurel);
    await xpSetup(f);
    assert.equal((await f.event('lessons', 'replayer', 3, { idempotencyKey: 'k' })).body.points.xp.total, 20);
    const replay = await f.event('lessons', 'replayer', 3, { idempotencyKey: 'k' });
    assert.equal(replay.status, 202);
    assert.deepEqual(replay.body.points, {});
    const [row] = await laurel.backend.db.selectFrom('user_points').select('total').where('environment_id', '=', f.env.id).execute();
    assert.equal(Number(row!.total), 20);
  });

  test('user creation, streak and achievement triggers; the completion response lists what changed; totals clamped', async (t) => {
    const f = await fixturesFor(laurel);
    const minutes = await f.metric({ key: 'minutes' });
    const badge = await laurel.api('POST', '/admin/v1/achievements', { key: f.env.key, body: [{ name: 'Badge', key: 'badge', trigger: 'api', status: 'active' }] });
    const badgeId = badge.body.created[0].id;
    const streak = await laurel.api('PUT', '/admin/v1/streaks/settings', { key: f.env.key, body: { enabled: true, frequency: 'daily', conditions: [{ metricKey: 'minutes', threshold: 1 }] } });
    assert.equal(streak.status, 200, JSON.stringify(streak.body));
    await f.pointsSystem({
      key: 'coins',
      maxPoints: 120,
      triggers: [
        { type: 'user_creation', points: 100, status: 'active' },
        { type: 'streak', points: 5, streakLength: 1, status: 'active' },
        { type: 'achievement', points: 50, achievementId: badgeId, status: 'active' },
      ],
    });

    const first = await f.event('minutes', 'newbie', 1);
    const coins = first.body.points.coins;
    assert.deepEqual(coins.awards.map((a: any) => [a.trigger.type, a.awarded, a.total]), [
      ['user_creation', 100, 100],
      ['streak', 5, 105],
    ]);
    assert.equal(first.body.currentStreak.length, 1);
    assert.equal('level' in coins, false, 'a system without levels never changes level');

    const completion = await laurel.api('POST', '/v1/achievements/badge/complete', { key: f.env.key, body: { user: { id: 'newbie' } } });
    assert.equal(completion.status, 201, JSON.stringify(completion.body));
    assert.deepEqual(completion.body.points.coins.awards.map((a: any) => [a.trigger.type, a.awarded, a.total]), [['achievement', 15, 120]], 'cut to the cap of 120');
    if (validCompletionResponse) assert.deepEqual(validCompletionResponse(completion.body), []);
    else t.diagnostic('reference schemas not found: shape not checked');

    const again = await laurel.api('POST', '/v1/achievements/badge/complete', { key: f.env.key, body: { user: { id: 'newbie' } } });
    assert.deepEqual(again.body.points, {}, 'completing again changes nothing');
    assert.equal(again.body.completionId, completion.body.completionId);

    // A user created by the users API gets the user_creation award too.
    await f.user({ id: 'signed-up' });
    const [row] = await laurel.backend.db.selectFrom('user_points').select('total').where('environment_id', '=', f.env.id).where('user_id', '=', 'signed-up').execute();
    assert.equal(Number(row!.total), 100);
    assert.equal(minutes.key, 'minutes');
  });

  /** Energy: 3 on sign-up, each lesson costs 1, refused when there is not enough. */
  async function energySetup(f: Fixtures) {
    const lessons = await f.metric({ key: 'lessons' });
    await f.pointsSystem({
      key: 'energy',
      maxPoints: 3,
      triggers: [
        { type: 'user_creation', points: 3, status: 'active' },
        { type: 'metric', points: -1, metricId: lessons.id, metricThreshold: 1, blockIfOutOfPoints: true, status: 'active' },
      ],
    });
    // Something of every kind the event could write: an achievement, a streak and a webhook.
    await laurel.api('POST', '/admin/v1/achievements', { key: f.env.key, body: [{ name: 'One', key: 'one', trigger: 'metric', metricId: lessons.id, metricValue: 1, status: 'active' }] });
    await laurel.api('PUT', '/admin/v1/streaks/settings', { key: f.env.key, body: { enabled: true, frequency: 'daily', conditions: [{ metricKey: 'lessons', threshold: 1 }] } });
    const webhook = await laurel.api('POST', '/admin/v1/webhooks', { key: f.env.key, body: [{ name: 'all', url: 'http://127.0.0.1:9/never', events: ['achievement.completed', 'streak.started', 'points.level_changed'] }] });
    assert.equal(webhook.status, 201, JSON.stringify(webhook.body));
  }

  test('blockIfOutOfPoints: an event whose deduction would go below 0 answers 400 and leaves nothing behind', async () => {
    const f = await fixturesFor(laurel);
    await energySetup(f);
    const before = await counts();
    // A new user: 3 on creation, then 5 lessons would cost 5.
    const refused = await laurel.api('POST', '/v1/metrics/lessons/event', { key: f.env.key, body: { user: { id: 'tired' }, value: 5 } });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(refused.body.error, /Not enough .* points/);
    assert.deepEqual(await counts(), before, 'no user, event, total, streak, achievement, points or outbox row');

    // Within what is left it goes through, and the next one that would overdraw is refused again.
    const spent = await f.event('lessons', 'tired', 2);
    assert.equal(spent.body.points.energy.total, 1);
    assert.equal(spent.body.achievements.length, 1);
    const afterSpent = await counts();
    const again = await laurel.api('POST', '/v1/metrics/lessons/event', { key: f.env.key, body: { user: { id: 'tired', name: 'Renamed' }, value: 2 } });
    assert.equal(again.status, 400);
    assert.deepEqual(await counts(), afterSpent);
    assert.equal((await laurel.api('GET', '/v1/users/tired', { key: f.env.key })).body.name, null, 'the refused event did not update the user either');
    assert.equal((await laurel.api('GET', '/v1/users/tired/metrics/lessons', { key: f.env.key })).body.current, 2);
  });

  test('a batch: the event the points rule rejects is left out whole, the others commit', async () => {
    const f = await fixturesFor(laurel);
    await energySetup(f);
    const batch = [
      { key: 'lessons', user: { id: 'b-1' }, value: 1 },
      { key: 'lessons', user: { id: 'b-2' }, value: 4 },
      { key: 'lessons', user: { id: 'b-1' }, value: 1 },
    ];
    const accepted = await laurel.api('POST', '/admin/v1/metrics/events', { key: f.env.key, body: batch });
    assert.equal(accepted.status, 202);
    await laurel.scheduler!.runDue();
    const totals = await laurel.backend.db.selectFrom('user_points').select(['user_id', 'total']).where('environment_id', '=', f.env.id).orderBy('user_id').execute();
    assert.deepEqual(totals.map((row) => [row.user_id, Number(row.total)]), [['b-1', 1]]);
    const users = await laurel.backend.db.selectFrom('users').select('id').where('environment_id', '=', f.env.id).orderBy('id').execute();
    assert.deepEqual(users.map((row) => row.id), ['b-1'], 'the rejected event created no user');
    const events = await laurel.backend.db.selectFrom('metric_events').select(['user_id', 'value']).where('environment_id', '=', f.env.id).execute();
    assert.deepEqual(events.map((row) => [row.user_id, row.value]), [['b-1', 1], ['b-1', 1]]);
  });

  test('backdated completions pay their achievement triggers silently', async () => {
    const f = await fixturesFor(laurel);
    const words = await f.metric({ key: 'words' });
    await f.event('words', 'veteran', 500);
    // The achievement is made inactive first, so the trigger can name it, then switched on: backdating.
    const created = await laurel.api('POST', '/admin/v1/achievements', { key: f.env.key, body: [{ name: '100 words', key: 'w100', trigger: 'metric', metricId: words.id, metricValue: 100 }] });
    const achievementId = created.body.created[0].id;
    await f.pointsSystem({ key: 'xp', triggers: [{ type: 'achievement', points: 25, achievementId, status: 'active' }] });
    const eventsBefore = (await counts()).events;
    const activated = await laurel.api('PATCH', '/admin/v1/achievements', { key: f.env.key, body: [{ id: achievementId, status: 'active' }] });
    assert.equal(activated.status, 200, JSON.stringify(activated.body));
    while ((await laurel.scheduler!.runDue()) > 0);
    const [row] = await laurel.backend.db.selectFrom('user_points').select('total').where('environment_id', '=', f.env.id).where('user_id', '=', 'veteran').execute();
    assert.equal(Number(row?.total), 25);
    assert.equal((await counts()).events, eventsBefore, 'no webhook for a backdated completion or what it paid');
  });
});
