import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { unique } from '../support/fixtures.js';
import { DAY_MS } from '../support/time.js';
import { expectSdkError, lastStatus, sdkRequests, startSdkServer, TrophyApi, type SdkEnvironment, type SdkServer } from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11 12:00 UTC
/** 12:00 UTC on 2026-03-(11 + n). */
const day = (n: number) => NOW + n * DAY_MS;

/** A daily streak on one metric (threshold 2), with optional freezes. */
async function dailyStreak(env: SdkEnvironment, freezes?: Record<string, unknown>): Promise<{ key: string; id: string }> {
  const [metric] = await env.metrics([unique('minutes')]);
  await env.streakSettings({ enabled: true, frequency: 'daily', conditions: [{ metricKey: metric!.key, threshold: 2 }], ...(freezes ? { freezes } : {}) });
  return metric!;
}

/** StreakResponse fields SDK 1.0.42 does not declare (passed through as unknown keys). */
type Extra = { extended?: string | null; pauses?: unknown[]; streakHistory?: { usedPause?: boolean }[] };

forEachBackend('SDK: streaks', (database) => {
  let server: SdkServer;

  before(async () => {
    server = await startSdkServer(database().url, NOW);
  });
  after(() => server.clock.set(NOW));
  after(() => server.close());

  test('metrics.event reports currentStreak: started (extended true), same-day repeat (false), next day extended; a streak achievement completes', async () => {
    server.clock.set(NOW);
    const env = await server.environment();
    const metric = await dailyStreak(env);
    const [three] = await env.achievements([{ name: 'Three days', key: unique('three'), trigger: 'streak', streakLength: 3 }]);
    const id = unique('streaker');
    const event = (value = 1) => env.trophy.metrics.event(metric.key, { user: { id }, value });

    const below = await event(1);
    assert.equal(below.currentStreak.length, 0);
    assert.equal(below.currentStreak.extended, false);

    const started = await event(1);
    assert.equal(started.currentStreak.extended, true);
    assert.equal(started.currentStreak.length, 1);
    assert.equal(started.currentStreak.frequency, 'daily');
    assert.equal(started.currentStreak.started, '2026-03-11');
    assert.equal(started.currentStreak.periodStart, '2026-03-11');
    assert.equal(started.currentStreak.periodEnd, '2026-03-11');
    assert.equal(started.currentStreak.expires, '2026-03-12');
    assert.equal(started.currentStreak.freezes, undefined, 'no freeze fields while freezes are disabled');

    const repeat = await event(5);
    assert.equal(repeat.currentStreak.extended, false);
    assert.equal(repeat.currentStreak.length, 1);

    server.clock.set(day(1));
    const second = await event(2);
    assert.equal(second.currentStreak.extended, true);
    assert.equal(second.currentStreak.length, 2);
    assert.equal(second.currentStreak.started, '2026-03-11');
    assert.equal(second.currentStreak.periodStart, '2026-03-12');
    assert.deepEqual(second.achievements, []);

    server.clock.set(day(2));
    const third = await event(2);
    assert.equal(third.currentStreak.length, 3);
    assert.deepEqual(third.achievements.map((a) => [a.id, a.trigger, a.streakLength]), [[three!.id, 'streak', 3]]);
    server.clock.set(NOW);
  });

  test('users.streak: length, dates and historyPeriods; streaks.list: longest first, unknown ids left out', async () => {
    server.clock.set(NOW);
    const env = await server.environment();
    const metric = await dailyStreak(env);
    const [long, short, idle] = [unique('long'), unique('short'), unique('idle')];
    for (const n of [0, 1, 2]) {
      server.clock.set(day(n));
      await env.trophy.metrics.event(metric.key, { user: { id: long }, value: 2 });
    }
    await env.trophy.metrics.event(metric.key, { user: { id: short }, value: 3 });
    await env.trophy.users.create({ id: idle });

    const streak = await sdkRequests(server, 1, () => env.trophy.users.streak(long, { historyPeriods: 5 }));
    assert.equal(streak.length, 3);
    assert.equal(streak.frequency, 'daily');
    assert.equal(streak.started, '2026-03-11');
    assert.equal(streak.periodStart, '2026-03-13');
    assert.equal(streak.periodEnd, '2026-03-13');
    assert.equal(streak.expires, '2026-03-14');
    assert.equal((streak as Extra).extended, new Date(day(2)).toISOString());
    assert.deepEqual((streak as Extra).pauses, []);
    assert.deepEqual(
      streak.streakHistory?.map((p) => [p.periodStart, p.periodEnd, p.length, p.usedFreeze, (p as { usedPause?: boolean }).usedPause]),
      [
        ['2026-03-09', '2026-03-09', 0, undefined, false],
        ['2026-03-10', '2026-03-10', 0, undefined, false],
        ['2026-03-11', '2026-03-11', 1, undefined, false],
        ['2026-03-12', '2026-03-12', 2, undefined, false],
        ['2026-03-13', '2026-03-13', 3, undefined, false],
      ],
    );
    // Default history: 7 periods.
    assert.equal((await env.trophy.users.streak(long)).streakHistory?.length, 7);
    assert.equal((await env.trophy.users.streak(long, { historyPeriods: 1 })).streakHistory?.length, 1);
    assert.equal((await env.trophy.users.streak(long, { historyPeriods: 100 })).streakHistory?.length, 100);

    const idleStreak = await env.trophy.users.streak(idle);
    assert.equal(idleStreak.length, 0);
    assert.equal(idleStreak.started, undefined);
    assert.equal((idleStreak as Extra).extended, null);

    const list = await sdkRequests(server, 1, () => env.trophy.streaks.list({ userIds: [short, unique('ghost'), idle, long] }));
    assert.match(server.hits[server.hits.length - 1]!.query, /userIds=.*&userIds=/, 'the SDK repeats userIds');
    assert.deepEqual(
      list.map((s) => [s.userId, s.streakLength, s.extended ?? null]),
      [
        [long, 3, new Date(day(2)).toISOString()],
        [short, 1, new Date(day(2)).toISOString()],
        [idle, 0, null],
      ],
    );
    // A single id (a string) works too.
    assert.deepEqual((await env.trophy.streaks.list({ userIds: long })).map((s) => s.streakLength), [3]);

    // A missed day: the read applies the rollover (the streak is lost).
    server.clock.set(day(4));
    assert.equal((await env.trophy.users.streak(long)).length, 0);
    assert.deepEqual((await env.trophy.streaks.list({ userIds: [long] })).map((s) => [s.streakLength, s.extended ?? null]), [[0, null]]);
    server.clock.set(NOW);
  });

  test('weekly and monthly streaks parse with their periods (weekStart from the settings)', async () => {
    server.clock.set(NOW);
    for (const [frequency, weekStart, period, expires] of [
      ['weekly', 1, ['2026-03-09', '2026-03-15'], '2026-03-22'],
      ['weekly', 0, ['2026-03-08', '2026-03-14'], '2026-03-21'],
      ['monthly', 0, ['2026-03-01', '2026-03-31'], '2026-04-30'],
    ] as const) {
      const env = await server.environment();
      const [metric] = await env.metrics([unique('m')]);
      await env.streakSettings({ enabled: true, frequency, weekStart, conditions: [{ metricKey: metric!.key, threshold: 1 }] });
      const id = unique(frequency);
      const event = await env.trophy.metrics.event(metric!.key, { user: { id }, value: 1 });
      const label = `${frequency} weekStart ${weekStart}`;
      assert.deepEqual(
        [event.currentStreak.frequency, event.currentStreak.length, event.currentStreak.extended, event.currentStreak.periodStart, event.currentStreak.periodEnd, event.currentStreak.expires],
        [frequency, 1, true, ...period, expires],
        label,
      );
      const streak = await env.trophy.users.streak(id, { historyPeriods: 2 });
      assert.equal(streak.frequency, frequency, label);
      assert.deepEqual(streak.streakHistory?.map((p) => [p.periodStart, p.periodEnd, p.length])[1], [...period, 1], label);
    }
  });

  test('users.streak / streaks.list errors: historyPeriods out of range and missing userIds are 422, unknown user 404, wrong key 401', async () => {
    server.clock.set(NOW);
    const env = await server.environment();
    await dailyStreak(env);
    const id = unique('u');
    await env.trophy.users.create({ id });
    await expectSdkError(server, () => env.trophy.users.streak(id, { historyPeriods: 0 }), TrophyApi.UnprocessableEntityError, 422, /historyPeriods/);
    await expectSdkError(server, () => env.trophy.users.streak(id, { historyPeriods: 101 }), TrophyApi.UnprocessableEntityError, 422, /historyPeriods/);
    await expectSdkError(server, () => env.trophy.users.streak(id, { historyPeriods: 2.5 }), TrophyApi.UnprocessableEntityError, 422, /historyPeriods/);
    await expectSdkError(server, () => env.trophy.users.streak(unique('ghost')), TrophyApi.NotFoundError, 404, /User not found/);
    await expectSdkError(server, () => server.client('bad.key').users.streak(id), TrophyApi.UnauthorizedError, 401);

    await expectSdkError(server, () => env.trophy.streaks.list(), TrophyApi.UnprocessableEntityError, 422, /userIds/);
    const tooMany = Array.from({ length: 101 }, (_, i) => `user-${i}`);
    await expectSdkError(server, () => env.trophy.streaks.list({ userIds: tooMany }), TrophyApi.UnprocessableEntityError, 422, /100/);
    await expectSdkError(server, () => server.client('bad.key').streaks.list({ userIds: [id] }), TrophyApi.UnauthorizedError, 401);
  });

  test('freezes: initial grant, freeze fields in responses, admin.streaks.freezes.create (201, no issues), a freeze consumed for a missed day', async () => {
    server.clock.set(NOW);
    const env = await server.environment();
    const metric = await dailyStreak(env, { enabled: true, initial: 1, max: 3, autoEarnInterval: 7, autoEarnAmount: 1 });
    const id = unique('frozen');

    const first = await env.trophy.metrics.event(metric.key, { user: { id }, value: 2 });
    assert.equal(first.currentStreak.length, 1);
    assert.equal(first.currentStreak.freezes, 1, 'the initial grant');
    assert.equal(first.currentStreak.maxFreezes, 3);
    assert.equal(first.currentStreak.freezeAutoEarnInterval, 7);
    assert.equal(first.currentStreak.freezeAutoEarnAmount, 1);

    const granted = await sdkRequests(server, 1, () => env.trophy.admin.streaks.freezes.create({ freezes: [{ userId: id }, { userId: id }] }));
    assert.equal(lastStatus(server), 201);
    assert.deepEqual(granted.issues, []);
    const afterGrant = await env.trophy.users.streak(id, { historyPeriods: 3 });
    assert.equal(afterGrant.freezes, 3);
    assert.equal(afterGrant.maxFreezes, 3);

    // 03-12 is missed: on 03-13 a freeze has been spent, the length is kept.
    server.clock.set(day(2));
    const kept = await env.trophy.users.streak(id, { historyPeriods: 3 });
    assert.equal(kept.length, 1);
    assert.equal(kept.freezes, 2);
    assert.deepEqual(
      kept.streakHistory?.map((p) => [p.periodStart, p.length, p.usedFreeze]),
      [
        ['2026-03-11', 1, false],
        ['2026-03-12', 1, true],
        ['2026-03-13', 0, false], // the current period, not acted in yet
      ],
    );
    const extended = await env.trophy.metrics.event(metric.key, { user: { id }, value: 2 });
    assert.equal(extended.currentStreak.length, 2);
    assert.equal(extended.currentStreak.extended, true);
    assert.equal(extended.currentStreak.freezes, 2);
    server.clock.set(NOW);
  });

  test('pauses (created through the Admin API; SDK 1.0.42 has no pauses client): users.streak passes `pauses` and `usedPause` through, the length is held', async () => {
    server.clock.set(NOW);
    const env = await server.environment();
    const metric = await dailyStreak(env);
    const id = unique('paused');
    await env.trophy.metrics.event(metric.key, { user: { id }, value: 2 });
    const created = await env.admin('POST', '/streaks/pauses', { pauses: [{ userId: id, start: '2026-03-12', end: '2026-03-13' }] }, 201);
    const pauseId = created.created[0].id as string;

    const before = await sdkRequests(server, 1, () => env.trophy.users.streak(id, { historyPeriods: 1 }));
    assert.deepEqual((before as Extra).pauses, [{ id: pauseId, start: '2026-03-12', end: '2026-03-13' }]);

    server.clock.set(day(3)); // 03-12 and 03-13 paused, 03-14 today
    const held = await env.trophy.users.streak(id, { historyPeriods: 4 });
    assert.equal(held.length, 1);
    assert.deepEqual(
      held.streakHistory?.map((p) => [p.periodStart, p.length, (p as { usedPause?: boolean }).usedPause]),
      [
        ['2026-03-11', 1, false],
        ['2026-03-12', 1, true],
        ['2026-03-13', 1, true],
        ['2026-03-14', 0, false],
      ],
    );
    assert.deepEqual((held as Extra).pauses, [], 'a past pause is no longer listed');
    const next = await env.trophy.metrics.event(metric.key, { user: { id }, value: 2 });
    assert.equal(next.currentStreak.length, 2);
    server.clock.set(NOW);
  });

  test('admin.streaks.freezes.create / restore validation and auth: 422 for an empty list, 401 for a wrong key', async () => {
    const env = await server.environment();
    await dailyStreak(env, { enabled: true, initial: 0, max: 1 });
    await expectSdkError(server, () => env.trophy.admin.streaks.freezes.create({ freezes: [] }), TrophyApi.UnprocessableEntityError, 422, /freezes/);
    await expectSdkError(server, () => env.trophy.admin.streaks.restore({ users: [] }), TrophyApi.UnprocessableEntityError, 422, /users/);
    await expectSdkError(server, () => env.trophy.admin.streaks.freezes.create({ freezes: [{ userId: '' }] }), TrophyApi.UnprocessableEntityError, 422);
    const wrong = server.client('bad.key');
    await expectSdkError(server, () => wrong.admin.streaks.freezes.create({ freezes: [{ userId: 'x' }] }), TrophyApi.UnauthorizedError, 401);
    await expectSdkError(server, () => wrong.admin.streaks.restore({ users: [{ id: 'x' }] }), TrophyApi.UnauthorizedError, 401);
  });

  test('admin.streaks.restore: a lost streak comes back at its longest length (201, restoredUsers, no issues) and extends from there', async () => {
    server.clock.set(NOW);
    const env = await server.environment();
    const metric = await dailyStreak(env);
    const id = unique('restored');
    for (const n of [0, 1, 2]) {
      server.clock.set(day(n));
      await env.trophy.metrics.event(metric.key, { user: { id }, value: 2 });
    }
    server.clock.set(day(4)); // 03-14 was missed: lost
    assert.equal((await env.trophy.users.streak(id)).length, 0);

    const restored = await sdkRequests(server, 1, () => env.trophy.admin.streaks.restore({ users: [{ id }] }));
    assert.equal(lastStatus(server), 201);
    assert.deepEqual(restored.restoredUsers, [id]);
    assert.deepEqual(restored.issues, []);
    assert.equal((await env.trophy.users.streak(id)).length, 3);

    const next = await env.trophy.metrics.event(metric.key, { user: { id }, value: 2 });
    assert.equal(next.currentStreak.extended, true);
    assert.equal(next.currentStreak.length, 4);
    server.clock.set(NOW);
  });

  test('admin streak responses with issues parse in the SDK (freezes over the max, unknown users, nothing to restore, freezes disabled)', async () => {
    server.clock.set(NOW);
    const env = await server.environment();
    const metric = await dailyStreak(env, { enabled: true, initial: 0, max: 1 });
    const id = unique('issues');
    await env.trophy.metrics.event(metric.key, { user: { id }, value: 2 });
    const ghost = unique('ghost');

    const grant = await sdkRequests(server, 1, () => env.trophy.admin.streaks.freezes.create({ freezes: [{ userId: id }, { userId: id }, { userId: ghost }] }));
    assert.equal(lastStatus(server), 201);
    assert.deepEqual(
      grant.issues.map((issue) => [issue.userId, issue.level, issue.reason]),
      [
        [id, 'warning', 'Would exceed maximum freeze limit'],
        [ghost, 'error', 'User does not exist'],
      ],
    );
    // The spec's spelling (severity, message, index) is there too, passed through by the SDK.
    type SpecIssue = { severity: string; message: string; index: number };
    assert.deepEqual(
      grant.issues.map((issue) => [(issue as unknown as SpecIssue).severity, (issue as unknown as SpecIssue).message, (issue as unknown as SpecIssue).index]),
      [
        ['warning', 'Would exceed maximum freeze limit', 1],
        ['error', 'User does not exist', 2],
      ],
    );
    assert.equal((await env.trophy.users.streak(id)).freezes, 1);

    const restore = await sdkRequests(server, 1, () => env.trophy.admin.streaks.restore({ users: [{ id }, { id: ghost }] }));
    assert.equal(lastStatus(server), 200);
    assert.deepEqual(restore.restoredUsers, []);
    assert.deepEqual(
      restore.issues.map((issue) => [issue.userId, issue.level, issue.reason]),
      [
        [id, 'warning', 'No streak to restore'],
        [ghost, 'error', 'User does not exist'],
      ],
    );

    // Freezes disabled: every item is an error issue, nothing granted, 200.
    const disabled = await server.environment();
    await dailyStreak(disabled);
    const user = unique('nofreeze');
    await disabled.trophy.users.create({ id: user });
    const refused = await sdkRequests(server, 1, () => disabled.trophy.admin.streaks.freezes.create({ freezes: [{ userId: user }] }));
    assert.equal(lastStatus(server), 200);
    assert.deepEqual(refused.issues.map((issue) => [issue.userId, issue.level]), [[user, 'error']]);
    assert.match(refused.issues[0]!.reason, /not enabled/);
  });
});
