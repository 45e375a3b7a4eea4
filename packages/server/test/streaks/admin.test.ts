import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { startOfLocalDay } from '../../src/engine/streaks/index.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { loadReference, webhookValidator } from '../support/reference-schemas.js';
import { assertError } from '../support/assert-error.js';
import { setStreakState } from '../support/rows.js';
import {
  FREEZES,
  PAUSES,
  RESTORE,
  assertAdminReference,
  day,
  eventsFor,
  getStreakState,
  issue,
  createMetric,
  insertPeriods,
  insertUser,
  newEnvironment,
  putSettings,
  settingsBody,
  unique,
} from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11, 12:00 UTC
const UNKNOWN_UUID = '3b241101-e2bb-4255-8caf-4136c566a962';

function assertWebhookBody(type: string, payload: unknown): void {
  if (!loadReference()) return;
  assert.deepEqual(webhookValidator(type)(payload), [], `${type}: ${JSON.stringify(payload)}`);
}

forEachBackend('streak admin API', (database) => {
  let laurel: TestLaurel;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock: new ManualClock(NOW) });
  });
  after(() => laurel.close());

  /** A fresh environment with a daily streak on one metric; `freezes` as in the settings body. */
  async function environment(freezes?: Record<string, unknown>) {
    const env = await newEnvironment(laurel);
    const metric = await createMetric(laurel, env);
    await putSettings(laurel, settingsBody(metric.key, freezes ? { freezes } : {}), env.key);
    return env;
  }

  describe('POST /streaks/freezes', () => {
    test('grants one freeze per item up to the maximum; over it is a warning, a missing user an error; 201 with one freeze_earned per user', async () => {
      const env = await environment({ enabled: true, initial: 1, max: 3 });
      const full = await insertUser(laurel, env.id);
      const fresh = await insertUser(laurel, env.id); // no streak row yet: starts from the initial grant
      await setStreakState(laurel, env.id, full, { freezes: 1 });

      const response = await laurel.api('POST', FREEZES, {
        key: env.key,
        body: { freezes: [{ userId: full }, { userId: full }, { userId: 'nobody' }, { userId: full }, { userId: fresh }] },
      });
      assert.equal(response.status, 201);
      assertAdminReference('CreateStreakFreezesResponse', response.body);
      assert.deepEqual(response.body, {
        issues: [
          issue({ userId: 'nobody', index: 2, severity: 'error', message: 'User does not exist' }),
          issue({ userId: full, index: 3, severity: 'warning', message: 'Would exceed maximum freeze limit' }),
        ],
      });
      assert.equal((await getStreakState(laurel, env.id, full))!.freezes, 3);
      assert.equal((await getStreakState(laurel, env.id, fresh))!.freezes, 2);

      const [earned, ...more] = await eventsFor(laurel, env.id, 'streak.freeze_earned', full);
      assert.equal(more.length, 0, 'one event per user per request');
      assert.equal(earned.earned, 2);
      assert.equal(earned.freezes, 3);
      assertWebhookBody('streak.freeze_earned', earned);
      const freshEvents = await eventsFor(laurel, env.id, 'streak.freeze_earned', fresh);
      assert.deepEqual(freshEvents.map((e) => [e.earned, e.freezes]), [[1, 2]]);
    });

    test('nothing granted (all over the maximum) answers 200 with the warnings and sends nothing', async () => {
      const env = await environment({ enabled: true, max: 1 });
      const user = await insertUser(laurel, env.id);
      await setStreakState(laurel, env.id, user, { freezes: 1 });
      const response = await laurel.api('POST', FREEZES, { key: env.key, body: { freezes: [{ userId: user }, { userId: user }] } });
      assert.equal(response.status, 200);
      assertAdminReference('CreateStreakFreezesResponse', response.body);
      assert.deepEqual(
        response.body.issues.map((issue: any) => [issue.index, issue.severity, issue.message]),
        [
          [0, 'warning', 'Would exceed maximum freeze limit'],
          [1, 'warning', 'Would exceed maximum freeze limit'],
        ],
      );
      assert.equal((await getStreakState(laurel, env.id, user))!.freezes, 1);
      assert.deepEqual(await eventsFor(laurel, env.id, 'streak.freeze_earned', user), []);
    });

    test('with freezes disabled every item is an error and nothing changes', async () => {
      const env = await environment();
      const user = await insertUser(laurel, env.id);
      const response = await laurel.api('POST', FREEZES, { key: env.key, body: { freezes: [{ userId: user }, { userId: 'nobody' }] } });
      assert.equal(response.status, 200);
      assertAdminReference('CreateStreakFreezesResponse', response.body);
      assert.deepEqual(response.body.issues.map((issue: any) => [issue.userId, issue.index, issue.severity]), [
        [user, 0, 'error'],
        ['nobody', 1, 'error'],
      ]);
      assert.match(response.body.issues[0].message, /not enabled/);
      assert.equal(await getStreakState(laurel, env.id, user), undefined);
    });

    test('a user whose streak preference is off gets the freeze but no webhook', async () => {
      const env = await environment({ enabled: true, max: 5 });
      const user = await insertUser(laurel, env.id, { streakEnabled: false });
      const response = await laurel.api('POST', FREEZES, { key: env.key, body: { freezes: [{ userId: user }] } });
      assert.equal(response.status, 201);
      assert.equal((await getStreakState(laurel, env.id, user))!.freezes, 1);
      assert.deepEqual(await eventsFor(laurel, env.id, 'streak.freeze_earned', user), []);
    });

    test('the streak is settled first: a grant never pays for a period that was already missed', async () => {
      const env = await environment({ enabled: true, max: 5 });
      const user = await insertUser(laurel, env.id);
      // Counted through 03-09; 03-10 ended without activity and its rollover has not run yet.
      await setStreakState(laurel, env.id, user, { length: 3, started: '2026-03-07', lastPeriodStart: '2026-03-09', lastExtendedAt: NOW - 2 * 86_400_000 });
      const response = await laurel.api('POST', FREEZES, { key: env.key, body: { freezes: [{ userId: user }] } });
      assert.equal(response.status, 201);
      const state = (await getStreakState(laurel, env.id, user))!;
      assert.equal(state.length, 0);
      assert.equal(state.freezes, 1);
      assert.deepEqual((await eventsFor(laurel, env.id, 'streak.lost', user)).map((e) => e.length), [3]);
    });

    test('a body that does not fit is refused whole with 422', async () => {
      const env = await environment({ enabled: true, max: 5 });
      const user = await insertUser(laurel, env.id);
      assertError(await laurel.api('POST', FREEZES, { key: env.key, body: { freezes: [] } }), 422, /body\.freezes: send at least one freeze/);
      assertError(await laurel.api('POST', FREEZES, { key: env.key, body: { freezes: Array.from({ length: 101 }, () => ({ userId: user })) } }), 422, /at most 100/);
      assertError(await laurel.api('POST', FREEZES, { key: env.key, body: { freezes: [{ user }] } }), 422, /body\.freezes\[0\]/);
      assertError(await laurel.api('POST', FREEZES, { key: env.key, body: [{ userId: user }] }), 422);
      assertError(await laurel.api('POST', FREEZES, { key: null, body: { freezes: [{ userId: user }] } }), 401);
      assert.equal(await getStreakState(laurel, env.id, user), undefined);
    });
  });

  describe('POST and DELETE /streaks/pauses', () => {
    test("creates pauses (201); a start before the user's local today or a missing user is an issue", async () => {
      const env = await environment();
      const utc = await insertUser(laurel, env.id);
      const kiritimati = await insertUser(laurel, env.id, { tz: 'Pacific/Kiritimati' }); // UTC+14: already 03-12 there
      const response = await laurel.api('POST', PAUSES, {
        key: env.key,
        body: {
          pauses: [
            { userId: utc, start: '2026-03-11', end: '2026-03-11' },
            { userId: kiritimati, start: '2026-03-11', end: '2026-03-20' },
            { userId: kiritimati, start: '2026-03-12', end: '2026-03-20' },
            { userId: 'nobody', start: '2026-04-01', end: '2026-04-02' },
            { userId: utc, start: '2026-03-10', end: '2026-03-12' },
            { userId: utc, start: '2026-03-12', end: '2026-03-30' },
          ],
        },
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assertAdminReference('CreateStreakPausesResponse', response.body);
      const { created, issues } = response.body;
      assert.deepEqual(
        created.map(({ id: _id, ...pause }: any) => pause),
        [
          { userId: utc, start: '2026-03-11', end: '2026-03-11', status: 'active' },
          { userId: kiritimati, start: '2026-03-12', end: '2026-03-20', status: 'active' },
          { userId: utc, start: '2026-03-12', end: '2026-03-30', status: 'active' },
        ],
      );
      for (const pause of created) assert.match(pause.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.deepEqual(
        issues.map((issue: any) => [issue.userId, issue.index, issue.severity]),
        [
          [kiritimati, 1, 'error'],
          ['nobody', 3, 'error'],
          [utc, 4, 'error'],
        ],
      );
      assert.match(issues[0].message, /2026-03-12.*Pacific\/Kiritimati/);
      assert.equal(issues[1].message, 'User does not exist');
      const rows = await laurel.backend.db.selectFrom('streak_pauses').select(['id', 'status']).where('environment_id', '=', env.id).execute();
      assert.equal(rows.length, 3);
    });

    test('nothing created answers 200; end before start or a malformed date is a 422 for the whole request', async () => {
      const env = await environment();
      const user = await insertUser(laurel, env.id);
      const none = await laurel.api('POST', PAUSES, { key: env.key, body: { pauses: [{ userId: user, start: '2026-01-01', end: '2026-01-02' }] } });
      assert.equal(none.status, 200);
      assertAdminReference('CreateStreakPausesResponse', none.body);
      assert.deepEqual(none.body.created, []);

      const valid = { userId: user, start: '2026-04-01', end: '2026-04-02' };
      assertError(
        await laurel.api('POST', PAUSES, { key: env.key, body: { pauses: [valid, { userId: user, start: '2026-04-05', end: '2026-04-04' }] } }),
        422,
        /body\.pauses\[1\]\.end: must be on or after start/,
      );
      assertError(await laurel.api('POST', PAUSES, { key: env.key, body: { pauses: [{ ...valid, start: '2026-02-30' }] } }), 422, /body\.pauses\[0\]\.start/);
      assertError(await laurel.api('POST', PAUSES, { key: env.key, body: { pauses: [{ ...valid, end: '04/02/2026' }] } }), 422, /body\.pauses\[0\]\.end/);
      assertError(await laurel.api('POST', PAUSES, { key: env.key, body: { pauses: [{ userId: user, start: '2026-04-01' }] } }), 422, /body\.pauses\[0\]\.end/);
      assertError(await laurel.api('POST', PAUSES, { key: env.key, body: { pauses: Array.from({ length: 101 }, () => valid) } }), 422, /at most 100/);
      const rows = await laurel.backend.db.selectFrom('streak_pauses').select('id').where('environment_id', '=', env.id).execute();
      assert.equal(rows.length, 0);
    });

    test('DELETE archives pauses by id (both ?ids forms); not a UUID, unknown or already deleted ids are issues', async () => {
      const env = await environment();
      const user = await insertUser(laurel, env.id);
      const response = await laurel.api('POST', PAUSES, {
        key: env.key,
        body: { pauses: [1, 2, 3].map((n) => ({ userId: user, start: `2026-04-0${n}`, end: `2026-04-0${n}` })) },
      });
      const [a, b, c] = response.body.created.map((pause: any) => pause.id);

      const first = await laurel.api('DELETE', `${PAUSES}?ids=${a},not-a-uuid,${UNKNOWN_UUID}&ids=${b}&ids=${a}`, { key: env.key });
      assert.equal(first.status, 200);
      assertAdminReference('DeleteStreakPausesResponse', first.body);
      assert.deepEqual(first.body, {
        deleted: [{ id: a }, { id: b }],
        issues: [
          issue({ id: 'not-a-uuid', severity: 'error', message: 'id must be a valid UUID' }),
          issue({ id: UNKNOWN_UUID, severity: 'error', message: 'Streak pause not found by ID' }),
        ],
      });
      const again = await laurel.api('DELETE', `${PAUSES}?ids=${a}`, { key: env.key });
      assert.deepEqual(again.body, { deleted: [], issues: [issue({ id: a, severity: 'error', message: 'Streak pause not found by ID' })] });

      // Another environment's key cannot see them.
      const other = await newEnvironment(laurel);
      const foreign = await laurel.api('DELETE', `${PAUSES}?ids=${c}`, { key: other.key });
      assert.deepEqual(foreign.body.deleted, []);

      const rows = await laurel.backend.db.selectFrom('streak_pauses').select(['id', 'status']).where('environment_id', '=', env.id).orderBy('start_date').execute();
      assert.deepEqual(rows, [
        { id: a, status: 'archived' },
        { id: b, status: 'archived' },
        { id: c, status: 'active' },
      ]);
      assertError(await laurel.api('DELETE', PAUSES, { key: env.key }), 422, /ids/);
    });
  });

  describe('POST /streaks/restore', () => {
    test('restores the longest length in the window through the previous period; no webhooks; 201', async () => {
      const env = await environment();
      const user = await insertUser(laurel, env.id);
      await setStreakState(laurel, env.id, user, { length: 0 });
      await insertPeriods(laurel, env.id, user, [
        day('2025-12-01', 30), // before the 90-day window (starts 2025-12-11)
        day('2026-02-20', 8),
        day('2026-02-21', 0),
        day('2026-03-05', 2),
        day('2026-03-06', 0),
      ]);
      const response = await laurel.api('POST', RESTORE, { key: env.key, body: { users: [{ id: user }] } });
      assert.equal(response.status, 201);
      assertAdminReference('RestoreStreaksResponse', response.body);
      assert.deepEqual(response.body, { restoredUsers: [user], issues: [] });

      const state = (await getStreakState(laurel, env.id, user))!;
      assert.deepEqual(
        { length: state.length, started: state.started, last: state.last_period_start, extendedAt: Number(state.last_extended_at) },
        { length: 8, started: '2026-03-03', last: '2026-03-10', extendedAt: NOW },
      );
      const restoredRow = await laurel.backend.db.selectFrom('streak_periods').select('length').where('user_id', '=', user).where('period_start', '=', '2026-03-10').executeTakeFirst();
      assert.equal(restoredRow?.length, 8);
      const job = await laurel.backend.db.selectFrom('scheduled_jobs').select('due_at').where('environment_id', '=', env.id).where('subject', '=', user).executeTakeFirst();
      assert.equal(Number(job?.due_at), startOfLocalDay('2026-03-12', null));
      const events = await laurel.backend.db.selectFrom('events').select('type').where('environment_id', '=', env.id).execute();
      assert.deepEqual(events, []);

      const streak = await laurel.api('GET', `/v1/users/${user}/streak`, { key: env.key });
      assert.equal(streak.body.length, 8);
      assert.equal(streak.body.expires, '2026-03-11');
      assert.equal(streak.body.extended, new Date(NOW).toISOString());
    });

    test('a missing user is an error, nothing to restore a warning, and a repeated user is restored once (200 when none is)', async () => {
      const env = await environment();
      const empty = await insertUser(laurel, env.id);
      const longer = await insertUser(laurel, env.id);
      const old = await insertUser(laurel, env.id);
      await setStreakState(laurel, env.id, longer, { length: 5, started: '2026-03-06', lastPeriodStart: '2026-03-10', lastExtendedAt: NOW - 86_400_000 });
      await insertPeriods(laurel, env.id, longer, [day('2026-03-01', 4)]);
      await insertPeriods(laurel, env.id, old, [day('2025-11-01', 12)]);
      const response = await laurel.api('POST', RESTORE, { key: env.key, body: { users: [{ id: 'nobody' }, { id: empty }, { id: longer }, { id: old }] } });
      assert.equal(response.status, 200);
      assertAdminReference('RestoreStreaksResponse', response.body);
      assert.deepEqual(response.body, {
        restoredUsers: [],
        issues: [
          issue({ userId: 'nobody', index: 0, severity: 'error', message: 'User does not exist' }),
          issue({ userId: empty, index: 1, severity: 'warning', message: 'No streak to restore' }),
          issue({ userId: longer, index: 2, severity: 'warning', message: 'No streak to restore' }),
          issue({ userId: old, index: 3, severity: 'warning', message: 'No streak to restore' }),
        ],
      });

      const lost = await insertUser(laurel, env.id);
      await insertPeriods(laurel, env.id, lost, [day('2026-03-01', 6)]);
      const twice = await laurel.api('POST', RESTORE, { key: env.key, body: { users: [{ id: lost }, { id: lost }] } });
      assert.equal(twice.status, 201);
      assert.deepEqual(twice.body, { restoredUsers: [lost], issues: [issue({ userId: lost, index: 1, severity: 'warning', message: 'No streak to restore' })] });
    });

    test('a rollover that was due is settled first (its webhook is sent), then the streak is restored', async () => {
      const env = await environment();
      const user = await insertUser(laurel, env.id);
      await setStreakState(laurel, env.id, user, { length: 4, started: '2026-03-05', lastPeriodStart: '2026-03-08', lastExtendedAt: NOW - 3 * 86_400_000 });
      await insertPeriods(laurel, env.id, user, [day('2026-03-05', 1), day('2026-03-06', 2), day('2026-03-07', 3), day('2026-03-08', 4)]);
      const response = await laurel.api('POST', RESTORE, { key: env.key, body: { users: [{ id: user }] } });
      assert.equal(response.status, 201);
      assert.deepEqual((await eventsFor(laurel, env.id, 'streak.lost', user)).map((e) => e.length), [4]);
      const state = (await getStreakState(laurel, env.id, user))!;
      assert.deepEqual([state.length, state.started, state.last_period_start], [4, '2026-03-07', '2026-03-10']);
    });

    test('a body that does not fit is refused with 422', async () => {
      const env = await environment();
      assertError(await laurel.api('POST', RESTORE, { key: env.key, body: { users: [] } }), 422, /body\.users/);
      assertError(await laurel.api('POST', RESTORE, { key: env.key, body: { users: [{ userId: unique('u') }] } }), 422, /body\.users\[0\]/);
      assertError(await laurel.api('POST', RESTORE, { key: env.key, body: { users: Array.from({ length: 101 }, () => ({ id: 'x' })) } }), 422, /at most 100/);
    });
  });
});
