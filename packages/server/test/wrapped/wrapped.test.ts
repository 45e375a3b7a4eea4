import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { fixturesFor, type Fixtures } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { app124SchemaValidator } from '../support/reference-schemas.js';

const HOUR = 3_600_000;
/** Noon in New York (17:00 UTC in winter, 16:00 in summer): the same local date there and in UTC. */
const noonInNewYork = (date: string) => Date.parse(`${date}T16:30:00Z`);

/**
 * GET /v1/users/{id}/wrapped end to end: the configuration through the Admin API, the activity
 * through real metric events on the manual clock, the answer checked value by value and against
 * Trophy's WrappedResponse (spec 1.24.0).
 */
forEachBackend('Application API: GET /v1/users/{id}/wrapped', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(Date.UTC(2025, 11, 1, 12));
  const validWrapped = app124SchemaValidator('WrappedResponse');

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock });
  });
  after(() => laurel.close());

  const assertValid = (body: unknown) => {
    assert.ok(validWrapped, 'the 1.24.0 reference document is on this machine');
    assert.deepEqual(validWrapped(body), [], JSON.stringify(body).slice(0, 600));
  };

  /**
   * Words, with a device event attribute; XP at a point per word; a 50-word achievement; a weekly
   * words board from Sunday 2026-01-04; a daily streak of a word a day. Made on 2025-12-01.
   */
  async function writingApp(): Promise<{ f: Fixtures; words: { id: string }; achievement: any; board: any; xp: any }> {
    clock.set(Date.UTC(2025, 11, 1, 12));
    const f = await fixturesFor(laurel);
    const words = await f.metric({ key: 'words', name: 'Words written' });
    await f.attribute('device', 'event');
    const xp = await f.pointsSystem({ key: 'xp', name: 'XP', triggers: [{ type: 'metric', points: 1, status: 'active', metricId: words.id, metricThreshold: 1 }] });
    const achievement = await f.achievement({ key: 'fifty', name: '50 words', trigger: 'metric', metricId: words.id, metricValue: 50 });
    const board = await f.leaderboard({ key: 'weekly', name: 'Weekly words', rankBy: 'metric', metricId: words.id, status: 'scheduled', start: '2026-01-04', runUnit: 'day', runInterval: 7 });
    const settings = await f.request('PUT', '/admin/v1/streaks/settings', { enabled: true, frequency: 'daily', conditions: [{ metricKey: 'words', threshold: 1 }] });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    return { f, words, achievement, board, xp };
  }

  async function wrapped(f: Fixtures, userId: string, query = '') {
    return f.request('GET', `/v1/users/${userId}/wrapped${query}`);
  }

  test("a year of events: activity, the most active day, week and month, the year's totals, streak, achievement, best ranks and percentiles", async () => {
    const { f, achievement, board } = await writingApp();
    const ana = { id: 'ana', tz: 'America/New_York' };
    const at = async (when: number, user: string | typeof ana, value: number, attributes?: Record<string, string>) => {
      clock.set(when);
      await f.event('words', user, value, attributes ? { attributes } : {});
    };
    await at(noonInNewYork('2025-12-30'), ana, 5);
    // Dee writes only in January: in the year's percentiles, not in March's.
    await at(noonInNewYork('2026-01-15'), 'dee', 500);
    // Monday 2026-03-02: two events (ios, web), the busiest day; 23:30 in New York is already the 3rd in UTC.
    await at(noonInNewYork('2026-03-02'), ana, 10, { device: 'ios' });
    await at(Date.parse('2026-03-03T04:30:00Z'), ana, 20, { device: 'web' });
    await at(noonInNewYork('2026-03-03'), ana, 30);
    await at(noonInNewYork('2026-03-03') + HOUR, 'bo', 100);
    await at(noonInNewYork('2026-03-04'), ana, 5);
    await at(noonInNewYork('2026-03-04'), 'cy', 3);
    await at(noonInNewYork('2026-04-10'), ana, 1);
    clock.set(Date.UTC(2026, 4, 1, 12));

    const response = await wrapped(f, 'ana', '?year=2026');
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const body = response.body;
    assertValid(body);
    assert.equal(body.user.id, 'ana');
    assert.equal(body.user.tz, 'America/New_York');
    const activity = body.activity;
    assert.deepEqual([activity.daysActive, activity.weeksActive, activity.monthsActive], [4, 2, 2], 'Mar 2, 3, 4 and Apr 10 in New York');

    const day = activity.mostActiveDay;
    assert.equal(day.date, '2026-03-02');
    assert.deepEqual(day.metrics, {
      words: {
        name: 'Words written',
        units: null,
        currentTotal: 35,
        changeThisPeriod: 30,
        percentChange: 600,
        byAttribute: {
          device: {
            ios: { name: 'Words written', units: null, currentTotal: 10, changeThisPeriod: 10, percentChange: 100 },
            web: { name: 'Words written', units: null, currentTotal: 20, changeThisPeriod: 20, percentChange: 100 },
          },
        },
      },
    });
    assert.deepEqual(day.points, { xp: { name: 'XP', description: null, currentTotal: 35, changeThisPeriod: 30, percentChange: 600 } });
    assert.deepEqual(day.achievements, [], 'fifty came on the 3rd');
    const weeklyRun = { start: '2026-03-01', end: '2026-03-07' };
    assert.deepEqual(day.leaderboards, {
      weekly: {
        id: board.id,
        name: 'Weekly words',
        key: 'weekly',
        rankBy: 'metric',
        breakdownAttribute: null,
        breakdownAttributes: [],
        metricKey: 'words',
        metricName: 'Words written',
        description: null,
        ...weeklyRun,
        startTime: null,
        endTime: null,
        maxParticipants: 1000,
        runUnit: 'day',
        runInterval: 7,
        status: 'active',
        rank: 1,
        value: 30,
      },
    });

    const week = activity.mostActiveWeek;
    assert.deepEqual([week.start, week.end], ['2026-03-01', '2026-03-07'], 'Sunday to Saturday, the default week');
    // Others in the week: bo 100 and cy 3; Ana's 65 is above one of them: 2 of 3 at or below her.
    assert.deepEqual(week.metrics.words, {
      name: 'Words written',
      units: null,
      currentTotal: 70,
      changeThisPeriod: 65,
      percentChange: 1300,
      percentileThisPeriod: 66.6,
      byAttribute: week.metrics.words.byAttribute,
    });
    assert.deepEqual(week.points.xp, { name: 'XP', description: null, currentTotal: 70, changeThisPeriod: 65, percentChange: 1300, percentileThisPeriod: 66.6 });
    assert.deepEqual(week.achievements.map((a: any) => [a.key, a.achievedAt]), [['fifty', new Date(noonInNewYork('2026-03-03')).toISOString()]]);
    assert.equal(week.achievements[0].id, achievement.id);
    assert.deepEqual([week.leaderboards.weekly.rank, week.leaderboards.weekly.value], [1, 30], 'her best: first on the 2nd, before bo passed her');

    assert.equal(activity.mostActiveMonth.month, 2);
    assert.equal(activity.mostActiveMonth.metrics.words.changeThisPeriod, 65);

    const year = activity.entireYear;
    assert.deepEqual(
      [year.metrics.words.currentTotal, year.metrics.words.changeThisPeriod, year.metrics.words.percentChange, year.metrics.words.percentileThisPeriod],
      [71, 66, 1320, 50],
      'bo, cy and dee in the year: cy at or below her, 2 of 4',
    );
    assert.equal(year.points.xp.percentileThisPeriod, 50);
    assert.equal(activity.mostActiveMonth.metrics.words.percentileThisPeriod, 66.6, 'March without dee');
    assert.deepEqual(year.longestStreak, { length: 3, frequency: 'daily', periodStart: '2026-03-02', periodEnd: '2026-03-04', started: '2026-03-02' });
    assert.deepEqual(year.achievements.map((a: any) => a.key), ['fifty']);
    assert.equal(year.leaderboards.weekly.rank, 1);

    // The year before holds only the December event; it is Ana's busiest day of 2025.
    const lastYear = await wrapped(f, 'ana', '?year=2025');
    assert.equal(lastYear.status, 200, JSON.stringify(lastYear.body));
    assertValid(lastYear.body);
    assert.deepEqual([lastYear.body.activity.daysActive, lastYear.body.activity.mostActiveDay.date, lastYear.body.activity.mostActiveMonth.month], [1, '2025-12-30', 11]);
    assert.deepEqual(lastYear.body.activity.entireYear.metrics.words.currentTotal, 5);
    assert.deepEqual(lastYear.body.activity.entireYear.longestStreak.length, 1);
    assert.deepEqual(lastYear.body.activity.entireYear.leaderboards, {}, 'the board starts in 2026');

    // Without year: the current one.
    assert.deepEqual((await wrapped(f, 'ana')).body, body);
  });

  test('a user without activity: zeros, Jan 1 and its week, no streak, every metric and system listed', async () => {
    const { f } = await writingApp();
    await f.user({ id: 'quiet' });
    clock.set(Date.UTC(2026, 5, 1));
    const response = await wrapped(f, 'quiet', '?year=2026');
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assertValid(response.body);
    const { activity } = response.body;
    assert.deepEqual([activity.daysActive, activity.weeksActive, activity.monthsActive], [0, 0, 0]);
    assert.deepEqual([activity.mostActiveDay.date, activity.mostActiveWeek.start, activity.mostActiveWeek.end, activity.mostActiveMonth.month], ['2026-01-01', '2025-12-28', '2026-01-03', 0]);
    assert.deepEqual(activity.entireYear.metrics.words, { name: 'Words written', units: null, currentTotal: 0, changeThisPeriod: 0, percentChange: 0, percentileThisPeriod: 100, byAttribute: {} });
    assert.deepEqual(activity.entireYear.longestStreak, { length: 0, frequency: 'daily', periodStart: null, periodEnd: null, started: null });
    assert.deepEqual([activity.entireYear.achievements, activity.entireYear.leaderboards], [[], {}]);
  });

  test('errors: a later year is 400, a year below 1 or not a number 422, an unknown user 404 naming the environment; another environment sees nothing', async () => {
    const { f } = await writingApp();
    clock.set(Date.UTC(2026, 5, 1));
    await f.event('words', { id: 'kiri', tz: 'Pacific/Kiritimati' }, 1);
    // 2026-12-31 11:00 UTC is already 2027-01-01 in Kiritimati (UTC+14): 2027 is its current year.
    clock.set(Date.UTC(2026, 11, 31, 11));
    assert.equal((await wrapped(f, 'kiri', '?year=2027')).status, 200);
    const later = await wrapped(f, 'kiri', '?year=2028');
    assert.equal(later.status, 400);
    assert.equal(later.body.code, 'rule_broken');
    assert.match(later.body.error, /year: must be between 1 and 2027/);
    await f.user({ id: 'utc-user' });
    assert.equal((await wrapped(f, 'utc-user', '?year=2027')).status, 400, 'still 2026 in UTC');

    for (const year of ['0', '-3', '2026.5', 'soon']) {
      const response = await wrapped(f, 'kiri', `?year=${year}`);
      assert.equal(response.status, 422, `${year}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.code, 'invalid');
      assert.match(response.body.error, /year/);
    }
    assert.equal((await wrapped(f, 'kiri', '?year=1')).status, 200, 'year 1 is a year');

    const missing = await wrapped(f, 'nobody');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'not_found');
    assert.match(missing.body.error, new RegExp(`User not found: nobody \\(looked in environment "${f.env.name}"`));

    const other = await fixturesFor(laurel);
    assert.equal((await wrapped(other, 'kiri')).status, 404, "another environment's key does not reach the user");
  });
});
