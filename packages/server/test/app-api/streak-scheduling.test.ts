import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { sendEvent } from './setup.js';
import { developmentFixtures, type Fixtures } from '../support/fixtures.js';

const DAY = 86_400_000;

/** When streak jobs are (re)scheduled: user preference switches, time-zone moves, settings changes. */
forEachBackend('streak scheduling', (database) => {
  let laurel: TestLaurel;
  let dev: Fixtures;
  const clock = new ManualClock(Date.UTC(2026, 2, 10, 12, 0));
  const settings = (freezes: Record<string, unknown>) => ({
    enabled: true,
    frequency: 'daily',
    conditions: [{ metricKey: 'runs', threshold: 1 }],
    evaluationMode: 'AND',
    weekStart: 0,
    freezes: { enabled: true, initial: 0, max: 5, autoEarnInterval: null, autoEarnAmount: null, ...freezes },
    personalization: false,
  });
  const jobDue = async (userId: string) => {
    const row = await laurel.backend.db.selectFrom('scheduled_jobs').select('due_at').where('kind', '=', 'streak').where('subject', '=', userId).executeTakeFirst();
    return row ? Number(row.due_at) : null;
  };
  const eventsOf = async (type: string) => (await laurel.backend.db.selectFrom('events').select('payload').where('type', '=', type).execute()).map((row) => JSON.parse(row.payload));

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
    dev = await developmentFixtures(laurel);
    await dev.metric({ key: 'runs' });
    assert.equal((await laurel.api('PUT', '/admin/v1/streaks/settings', { body: settings({}) })).status, 200);
  });
  after(() => laurel.close());

  test('a user who turned streaks off has length 0 for backdated streak achievements', async () => {
    await sendEvent(laurel, 'runs', { user: { id: 'off-1' }, value: 1 });
    await sendEvent(laurel, 'runs', { user: { id: 'on-1' }, value: 1 });
    assert.equal((await laurel.api('PATCH', '/v1/users/off-1/preferences', { body: { streak: { enabled: false } } })).status, 200);
    assert.equal(await jobDue('off-1'), null, 'no rollovers while the streak is off');
    const achievement = await dev.achievement({ key: 'streak-1', trigger: 'streak', streakLength: 1 });
    await laurel.scheduler!.runDue(); // backdating runs after the response
    const holders = await laurel.backend.db.selectFrom('user_achievements').select('user_id').where('achievement_id', '=', achievement.id).execute();
    assert.deepEqual(holders.map((h) => h.user_id), ['on-1']);
  });

  test('turning the streak back on starts afresh and schedules rollovers again', async () => {
    clock.advance(3 * DAY);
    assert.equal((await laurel.api('PATCH', '/v1/users/off-1/preferences', { body: { streak: { enabled: true } } })).status, 200);
    const streak = await laurel.api('GET', '/v1/users/off-1/streak');
    assert.equal(streak.body.length, 0);
    const lostBefore = (await eventsOf('streak.lost')).length;
    const response = await sendEvent(laurel, 'runs', { user: { id: 'off-1' }, value: 1 });
    assert.equal(response.body.currentStreak.length, 1);
    assert.equal((await eventsOf('streak.lost')).length, lostBefore, 'the days it was off are not settled as a loss');
    assert.notEqual(await jobDue('off-1'), null);
  });

  test('a new time zone moves the next rollover to the new local midnight', async () => {
    await sendEvent(laurel, 'runs', { user: { id: 'mover', tz: 'UTC' }, value: 1 });
    const inUtc = await jobDue('mover');
    await laurel.api('PATCH', '/v1/users/mover', { body: { tz: 'Asia/Tokyo' } });
    const inTokyo = await jobDue('mover');
    assert.ok(inUtc !== null && inTokyo !== null);
    assert.equal(inUtc - inTokyo, 9 * 3_600_000, 'Tokyo midnight comes 9 hours before UTC midnight');
  });

  test('auto-earn switched on later grants its first freeze one interval after the switch', async () => {
    await sendEvent(laurel, 'runs', { user: { id: 'earner' }, value: 1 });
    const switchedOn = clock.now();
    assert.equal((await laurel.api('PUT', '/admin/v1/streaks/settings', { body: settings({ autoEarnInterval: 3, autoEarnAmount: 1 }) })).status, 200);
    clock.set(switchedOn + 3 * DAY);
    await laurel.scheduler!.runDue();
    const earned = (await eventsOf('streak.freeze_earned')).filter((payload) => payload.user.id === 'earner');
    assert.equal(earned.length, 1);
    assert.equal(earned[0].earned, 1);
  });
});
