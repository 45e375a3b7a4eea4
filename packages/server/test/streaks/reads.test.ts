import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { newId } from '../../src/store/ids.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { setStreakState } from '../support/rows.js';
import {
  assertApplicationReference,
  day,
  getStreakState,
  createMetric,
  insertPeriods,
  insertUser,
  newEnvironment,
  putSettings,
  settingsBody,
} from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11, 12:00 UTC
const DAY = 86_400_000;

forEachBackend('streak reads (Application API)', (database) => {
  let laurel: TestLaurel;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock: new ManualClock(NOW) });
  });
  after(() => laurel.close());

  async function environment(overrides: Record<string, unknown> = {}) {
    const env = await newEnvironment(laurel);
    const metric = await createMetric(laurel, env);
    await putSettings(laurel, settingsBody(metric.key, overrides), env.key);
    return env;
  }

  async function insertPause(environmentId: string, userId: string, start: string, end: string, status: 'active' | 'archived' = 'active'): Promise<string> {
    const id = newId();
    await laurel.backend.db
      .insertInto('streak_pauses')
      .values({ id, environment_id: environmentId, user_id: userId, start_date: start, end_date: end, status, created_at: NOW })
      .execute();
    return id;
  }

  describe('GET /users/{id}/streak', () => {
    test('answers a StreakResponse: the streak, when it was extended, the history through the current period and usedFreeze while freezes are on', async () => {
      const env = await environment({ freezes: { enabled: true, initial: 0, max: 3, autoEarnInterval: 7, autoEarnAmount: 1 } });
      const user = await insertUser(laurel, env.id);
      const extendedAt = NOW - DAY + 3_600_000;
      await setStreakState(laurel, env.id, user, { length: 2, started: '2026-03-08', lastPeriodStart: '2026-03-10', lastExtendedAt: extendedAt, freezes: 2, nextFreezeEarn: '2026-03-15' });
      await insertPeriods(laurel, env.id, user, [day('2026-03-04', 5), day('2026-03-05', 0), day('2026-03-08', 1), day('2026-03-09', 1, 'freeze'), day('2026-03-10', 2)]);

      const response = await laurel.api('GET', `/v1/users/${user}/streak`, { key: env.key });
      assert.equal(response.status, 200);
      assertApplicationReference('StreakResponse', response.body);
      const entry = (date: string, length: number, usedFreeze = false) => ({ periodStart: date, periodEnd: date, length, usedFreeze, usedPause: false });
      assert.deepEqual(response.body, {
        length: 2,
        frequency: 'daily',
        started: '2026-03-08',
        periodStart: '2026-03-11',
        periodEnd: '2026-03-11',
        expires: '2026-03-11',
        freezes: 2,
        maxFreezes: 3,
        freezeAutoEarnInterval: 7,
        freezeAutoEarnAmount: 1,
        extended: new Date(extendedAt).toISOString(),
        streakHistory: [
          entry('2026-03-05', 0),
          entry('2026-03-06', 0),
          entry('2026-03-07', 0),
          entry('2026-03-08', 1),
          entry('2026-03-09', 1, true),
          entry('2026-03-10', 2),
          entry('2026-03-11', 0),
        ],
        pauses: [],
      });

      const three = await laurel.api('GET', `/v1/users/${user}/streak?historyPeriods=3`, { key: env.key });
      assert.deepEqual(three.body.streakHistory.map((e: any) => e.periodStart), ['2026-03-09', '2026-03-10', '2026-03-11']);
      const hundred = await laurel.api('GET', `/v1/users/${user}/streak?historyPeriods=100`, { key: env.key });
      assert.equal(hundred.body.streakHistory.length, 100);
      assert.equal(hundred.body.streakHistory[0].periodStart, '2025-12-02');
    });

    test('without freezes: no freeze fields, and history entries have no usedFreeze; periods follow the frequency and week start', async () => {
      const env = await environment({ frequency: 'weekly', weekStart: 1 });
      const user = await insertUser(laurel, env.id);
      await insertPeriods(laurel, env.id, user, [{ periodStart: '2026-03-02', periodEnd: '2026-03-08', length: 1, usedFreeze: false, usedPause: false }]);
      await setStreakState(laurel, env.id, user, { length: 1, started: '2026-03-04', lastPeriodStart: '2026-03-02', lastExtendedAt: NOW - 6 * DAY });
      const response = await laurel.api('GET', `/v1/users/${user}/streak?historyPeriods=3`, { key: env.key });
      assert.equal(response.status, 200);
      assertApplicationReference('StreakResponse', response.body);
      assert.deepEqual(response.body, {
        length: 1,
        frequency: 'weekly',
        started: '2026-03-04',
        periodStart: '2026-03-09',
        periodEnd: '2026-03-15',
        expires: '2026-03-15',
        extended: new Date(NOW - 6 * DAY).toISOString(),
        streakHistory: [
          { periodStart: '2026-02-23', periodEnd: '2026-03-01', length: 0, usedPause: false },
          { periodStart: '2026-03-02', periodEnd: '2026-03-08', length: 1, usedPause: false },
          { periodStart: '2026-03-09', periodEnd: '2026-03-15', length: 0, usedPause: false },
        ],
        pauses: [],
      });
    });

    test('a rollover that is due shows as if it had run, without writing anything', async () => {
      const env = await environment();
      const user = await insertUser(laurel, env.id);
      // Counted through 03-08: 03-09 was missed, so the streak is lost as of today.
      await setStreakState(laurel, env.id, user, { length: 2, started: '2026-03-07', lastPeriodStart: '2026-03-08', lastExtendedAt: NOW - 3 * DAY });
      await insertPeriods(laurel, env.id, user, [day('2026-03-07', 1), day('2026-03-08', 2)]);
      const response = await laurel.api('GET', `/v1/users/${user}/streak?historyPeriods=5`, { key: env.key });
      assertApplicationReference('StreakResponse', response.body);
      assert.deepEqual(
        { length: response.body.length, started: response.body.started, expires: response.body.expires, extended: response.body.extended },
        { length: 0, started: null, expires: null, extended: null },
      );
      assert.deepEqual(response.body.streakHistory.map((e: any) => e.length), [1, 2, 0, 0, 0]);
      assert.equal((await getStreakState(laurel, env.id, user))!.length, 2, 'the stored state is untouched');
      const events = await laurel.backend.db.selectFrom('events').select('id').where('environment_id', '=', env.id).execute();
      assert.deepEqual(events, []);
    });

    test('pauses: the current and upcoming active ones are listed; a covering pause holds the streak in the view', async () => {
      const env = await environment();
      const user = await insertUser(laurel, env.id);
      await setStreakState(laurel, env.id, user, { length: 2, started: '2026-03-07', lastPeriodStart: '2026-03-08', lastExtendedAt: NOW - 3 * DAY });
      await insertPause(env.id, user, '2026-03-01', '2026-03-02'); // past
      await insertPause(env.id, user, '2026-03-20', '2026-03-25', 'archived'); // deleted
      const later = await insertPause(env.id, user, '2026-04-01', '2026-04-03');
      const current = await insertPause(env.id, user, '2026-03-09', '2026-03-12');
      const endsToday = await insertPause(env.id, user, '2026-03-11', '2026-03-11');
      const response = await laurel.api('GET', `/v1/users/${user}/streak?historyPeriods=4`, { key: env.key });
      assertApplicationReference('StreakResponse', response.body);
      assert.deepEqual(response.body.pauses, [
        { id: current, start: '2026-03-09', end: '2026-03-12' },
        { id: endsToday, start: '2026-03-11', end: '2026-03-11' },
        { id: later, start: '2026-04-01', end: '2026-04-03' },
      ]);
      assert.equal(response.body.length, 2);
      assert.deepEqual(
        response.body.streakHistory.map((e: any) => [e.periodStart, e.length, e.usedPause]),
        [
          ['2026-03-08', 0, false],
          ['2026-03-09', 2, true],
          ['2026-03-10', 2, true],
          ['2026-03-11', 0, false],
        ],
      );
    });

    test('a user whose streak preference is off, or an environment without a streak, shows length 0', async () => {
      const env = await environment();
      const off = await insertUser(laurel, env.id, { streakEnabled: false });
      await setStreakState(laurel, env.id, off, { length: 4, started: '2026-03-07', lastPeriodStart: '2026-03-10', lastExtendedAt: NOW - DAY });
      const response = await laurel.api('GET', `/v1/users/${off}/streak`, { key: env.key });
      assert.equal(response.body.length, 0);
      assert.equal(response.body.extended, null);

      const bare = await newEnvironment(laurel);
      const user = await insertUser(laurel, bare.id);
      const unconfigured = await laurel.api('GET', `/v1/users/${user}/streak`, { key: bare.key });
      assert.equal(unconfigured.status, 200);
      assertApplicationReference('StreakResponse', unconfigured.body);
      assert.equal(unconfigured.body.length, 0);
      assert.equal(unconfigured.body.streakHistory.length, 7);
    });

    test('404 for an unknown user (or another environment\'s), 422 for historyPeriods outside 1-100, 401 without a key', async () => {
      const env = await environment();
      const other = await newEnvironment(laurel);
      const user = await insertUser(laurel, other.id);
      assertError(await laurel.api('GET', '/v1/users/nobody/streak', { key: env.key }), 404, /nobody/);
      assertError(await laurel.api('GET', `/v1/users/${user}/streak`, { key: env.key }), 404);
      const mine = await insertUser(laurel, env.id);
      for (const value of ['0', '101', 'abc', '2.5', '-1']) {
        assertError(await laurel.api('GET', `/v1/users/${mine}/streak?historyPeriods=${value}`, { key: env.key }), 422, /historyPeriods/);
      }
      assertError(await laurel.api('GET', `/v1/users/${mine}/streak`, { key: null }), 401);
    });
  });

  describe('GET /streaks', () => {
    test('lists the users longest first (ties keep the request order), leaves unknown users out, accepts both userIds forms', async () => {
      const env = await environment();
      const [a, b, c, d, lapsed] = [await insertUser(laurel, env.id), await insertUser(laurel, env.id), await insertUser(laurel, env.id), await insertUser(laurel, env.id), await insertUser(laurel, env.id)];
      await setStreakState(laurel, env.id, a, { length: 5, started: '2026-03-06', lastPeriodStart: '2026-03-10', lastExtendedAt: NOW - DAY });
      await setStreakState(laurel, env.id, b, { length: 9, started: '2026-03-03', lastPeriodStart: '2026-03-11', lastExtendedAt: NOW - 60_000 });
      await setStreakState(laurel, env.id, c, {});
      await setStreakState(laurel, env.id, lapsed, { length: 7, started: '2026-03-01', lastPeriodStart: '2026-03-07', lastExtendedAt: NOW - 4 * DAY });
      // d has no streak row at all.
      const expected = [
        { userId: b, streakLength: 9, extended: new Date(NOW - 60_000).toISOString() },
        { userId: a, streakLength: 5, extended: new Date(NOW - DAY).toISOString() },
        { userId: c, streakLength: 0, extended: null },
        { userId: d, streakLength: 0, extended: null },
        { userId: lapsed, streakLength: 0, extended: null },
      ];
      const comma = await laurel.api('GET', `/v1/streaks?userIds=${[c, a, 'nobody', d, b, lapsed].join(',')}`, { key: env.key });
      assert.equal(comma.status, 200);
      assertApplicationReference('BulkStreakResponse', comma.body);
      assert.deepEqual(comma.body, expected);
      const repeated = await laurel.api('GET', `/v1/streaks?${[c, a, 'nobody', d, b, lapsed, a].map((id) => `userIds=${id}`).join('&')}`, { key: env.key });
      assert.deepEqual(repeated.body, expected);

      const reordered = await laurel.api('GET', `/v1/streaks?userIds=${lapsed},${d},${c}`, { key: env.key });
      assert.deepEqual(reordered.body.map((e: any) => e.userId), [lapsed, d, c]);
      const none = await laurel.api('GET', '/v1/streaks?userIds=nobody', { key: env.key });
      assert.deepEqual(none.body, []);
    });

    test('userIds is required and takes at most 100 ids', async () => {
      const env = await environment();
      assertError(await laurel.api('GET', '/v1/streaks', { key: env.key }), 422, /userIds/);
      assertError(await laurel.api('GET', '/v1/streaks?userIds=', { key: env.key }), 422, /userIds/);
      const ids = Array.from({ length: 101 }, (_, i) => `u${i}`).join(',');
      assertError(await laurel.api('GET', `/v1/streaks?userIds=${ids}`, { key: env.key }), 422, /at most 100/);
      const hundred = Array.from({ length: 100 }, (_, i) => `u${i}`).join(',');
      assert.equal((await laurel.api('GET', `/v1/streaks?userIds=${hundred}`, { key: env.key })).status, 200);
      assertError(await laurel.api('GET', '/v1/streaks?userIds=a', { key: null }), 401);
    });
  });
});
