import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { unique } from '../support/fixtures.js';
import { DAY_MS } from '../support/time.js';
import { expectSdkError, lastStatus, sdkRequests, startSdkServer, TrophyApi, TrophyApiError, type SdkServer } from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11 12:00 UTC

/** Orders rows [id, key, ...] by key. */
const byKey = (a: unknown[], b: unknown[]) => String(a[1]).localeCompare(String(b[1]));

forEachBackend('SDK: metrics and metric events', (database) => {
  let server: SdkServer;

  before(async () => {
    server = await startSdkServer(database().url, NOW);
  });
  after(() => server.close());

  test('metrics.event answers 201 with the new total, an empty points/leaderboards map and the (disabled) streak', async () => {
    const env = await server.environment();
    const [metric] = await env.metrics([unique('words')]);
    const id = unique('writer');
    const first = await sdkRequests(server, 1, () => env.trophy.metrics.event(metric!.key, { user: { id, tz: 'Europe/London' }, value: 750 }));
    assert.equal(lastStatus(server), 201);
    assert.equal(typeof first.eventId, 'string');
    assert.equal(first.metricId, metric!.id);
    assert.equal(first.total, 750);
    assert.deepEqual(first.achievements, []);
    assert.deepEqual(first.points, {});
    assert.deepEqual(first.leaderboards, {});
    assert.equal(first.idempotencyKey, undefined);
    assert.equal(first.idempotentReplayed, undefined);
    assert.equal(first.currentStreak.length, 0);
    assert.equal(first.currentStreak.frequency, 'daily');
    assert.equal(first.currentStreak.extended, false);

    // Decimals and negative values are added to the total.
    const second = await env.trophy.metrics.event(metric!.key, { user: { id }, value: 0.5 });
    assert.equal(second.total, 750.5);
    const third = await env.trophy.metrics.event(metric!.key, { user: { id }, value: -100.25 });
    assert.equal(third.total, 650.25);
    assert.notEqual(third.eventId, second.eventId);

    // The event identified (created) the user inline.
    const user = await env.trophy.users.get(id);
    assert.equal(user.tz, 'Europe/London');
  });

  test('metrics.event with an idempotencyKey: 201 then a 202 replay with idempotentReplayed true and nothing processed', async () => {
    const env = await server.environment();
    const [words, minutes] = await env.metrics([unique('words'), unique('minutes')]);
    const id = unique('idem');
    const key = `key-${unique('k')}`;

    const first = await sdkRequests(server, 1, () => env.trophy.metrics.event(words!.key, { idempotencyKey: key, user: { id }, value: 10 }));
    assert.equal(lastStatus(server), 201);
    assert.equal(first.idempotencyKey, key);
    assert.equal(first.idempotentReplayed, false);
    assert.equal(first.total, 10);

    await env.trophy.metrics.event(words!.key, { user: { id }, value: 5 });

    // 202 is a success for the SDK (no retry), and the replay changes nothing.
    const replay = await sdkRequests(server, 1, () => env.trophy.metrics.event(words!.key, { idempotencyKey: key, user: { id }, value: 10 }));
    assert.equal(lastStatus(server), 202);
    assert.equal(replay.idempotentReplayed, true);
    assert.equal(replay.idempotencyKey, key);
    assert.equal(replay.eventId, first.eventId);
    assert.equal(replay.metricId, words!.id);
    assert.equal(replay.total, 10, "the original event's total");
    assert.deepEqual(replay.achievements, []);
    assert.deepEqual(replay.points, {});
    assert.equal(replay.currentStreak.extended, false);

    const progress = await fetch(`${server.url}/v1/users/${id}/metrics/${words!.key}`, { headers: { 'x-api-key': env.key } }).then((r) => r.json() as Promise<any>);
    assert.equal(progress.current, 15, 'the replay was not added');

    // The same key on another metric, or for another user, is independent.
    const otherMetric = await env.trophy.metrics.event(minutes!.key, { idempotencyKey: key, user: { id }, value: 3 });
    assert.equal(lastStatus(server), 201);
    assert.equal(otherMetric.idempotentReplayed, false);
    assert.equal(otherMetric.total, 3);
    const otherUser = await env.trophy.metrics.event(words!.key, { idempotencyKey: key, user: { id: unique('idem2') }, value: 7 });
    assert.equal(lastStatus(server), 201);
    assert.equal(otherUser.idempotentReplayed, false);
    assert.equal(otherUser.total, 7);
  });

  test('metrics.event completes metric achievements and returns them (achievedAt as a Date)', async () => {
    const env = await server.environment();
    const [metric] = await env.metrics([unique('lessons')]);
    const [ten, hundred] = await env.achievements([
      { name: 'Ten', key: unique('ten'), trigger: 'metric', metricKey: metric!.key, metricValue: 10, description: 'Ten lessons' },
      { name: 'Hundred', key: unique('hundred'), trigger: 'metric', metricKey: metric!.key, metricValue: 100 },
    ]);
    const id = unique('learner');
    const below = await env.trophy.metrics.event(metric!.key, { user: { id }, value: 9 });
    assert.deepEqual(below.achievements, []);
    const crossing = await env.trophy.metrics.event(metric!.key, { user: { id }, value: 1 });
    assert.equal(crossing.total, 10);
    assert.equal(crossing.achievements.length, 1);
    const achieved = crossing.achievements[0]!;
    assert.equal(achieved.id, ten!.id);
    assert.equal(achieved.key, ten!.key);
    assert.equal(achieved.name, 'Ten');
    assert.equal(achieved.description, 'Ten lessons');
    assert.equal(achieved.trigger, 'metric');
    assert.equal(achieved.metricId, metric!.id);
    assert.equal(achieved.metricValue, 10);
    assert.equal(achieved.metricName, metric!.name);
    assert.ok(achieved.achievedAt instanceof Date);
    assert.equal(achieved.achievedAt.getTime(), NOW);
    // Completed once only.
    const again = await env.trophy.metrics.event(metric!.key, { user: { id }, value: 1 });
    assert.deepEqual(again.achievements, []);
    const both = await env.trophy.metrics.event(metric!.key, { user: { id }, value: 200 });
    assert.deepEqual(both.achievements.map((a) => a.id), [hundred!.id]);
  });

  test('metrics.event with event attributes; undeclared keys are a BadRequestError (400)', async () => {
    const env = await server.environment();
    const [metric] = await env.metrics([unique('sales')]);
    await env.attributes([
      { key: 'source', type: 'event' },
      { key: 'plan', type: 'user' },
    ]);
    const [mobileOnly] = await env.achievements([
      { name: 'Mobile seller', key: unique('mobile'), trigger: 'metric', metricKey: metric!.key, metricValue: 2, eventAttributes: [{ key: 'source', value: 'mobile' }] },
    ]);
    const id = unique('seller');
    const web = await env.trophy.metrics.event(metric!.key, { user: { id }, value: 5, attributes: { source: 'web' } });
    assert.deepEqual(web.achievements, [], 'only events matching the filter count');
    const ok = await env.trophy.metrics.event(metric!.key, { user: { id, attributes: { plan: 'pro' } }, value: 2, attributes: { source: 'mobile' } });
    assert.equal(ok.total, 7);
    assert.deepEqual(ok.achievements.map((a) => [a.id, a.eventAttribute]), [[mobileOnly!.id, { key: 'source', value: 'mobile' }]]);
    await expectSdkError(server, () => env.trophy.metrics.event(metric!.key, { user: { id }, value: 1, attributes: { category: 'x' } }), TrophyApi.BadRequestError, 400, /Invalid attribute keys: category/);
    // A user attribute is not an event attribute.
    await expectSdkError(server, () => env.trophy.metrics.event(metric!.key, { user: { id }, value: 1, attributes: { plan: 'x' } }), TrophyApi.BadRequestError, 400, /Invalid attribute keys: plan/);
    await expectSdkError(server, () => env.trophy.metrics.event(metric!.key, { user: { id, attributes: { source: 'x' } }, value: 1 }), TrophyApi.BadRequestError, 400, /Invalid attribute keys: source/);
    // Nothing was recorded by the refused events.
    assert.equal((await env.trophy.metrics.event(metric!.key, { user: { id }, value: 0 })).total, 7);
  });

  test('metrics.event errors: unknown metric 404 (no typed error in the SDK for it), invalid input 422, wrong key 401 — no retries', async () => {
    const env = await server.environment();
    const [metric] = await env.metrics([unique('m')]);
    const id = unique('err');
    // SDK 1.0.42 declares no 404 for metrics.event (the spec lists none; Laurel answers 404 like the batch endpoint).
    await expectSdkError(server, () => env.trophy.metrics.event('no-such-metric', { user: { id }, value: 1 }), TrophyApiError, 404, /Metric not found: no-such-metric/);
    await expectSdkError(server, () => env.trophy.metrics.event(metric!.key, { user: { id, tz: 'Invalid/Zone' }, value: 1 }), TrophyApi.UnprocessableEntityError, 422, /tz/);
    await expectSdkError(server, () => env.trophy.metrics.event(metric!.key, { idempotencyKey: 'k'.repeat(256), user: { id }, value: 1 }), TrophyApi.UnprocessableEntityError, 422, /idempotency-key/i);
    await expectSdkError(server, () => env.trophy.metrics.event(metric!.key, { user: { id: '' }, value: 1 }), TrophyApi.UnprocessableEntityError, 422, /user\.id/);
    await expectSdkError(server, () => server.client('bad.key').metrics.event(metric!.key, { user: { id }, value: 1 }), TrophyApi.UnauthorizedError, 401);
    // A metric of another environment is unknown here.
    const other = await server.environment();
    await expectSdkError(server, () => other.trophy.metrics.event(metric!.key, { user: { id }, value: 1 }), TrophyApiError, 404);
    // None of these created the user.
    await expectSdkError(server, () => env.trophy.users.get(id), TrophyApiError, 404);
  });

  test('users.allMetrics and users.singleMetric: raw values (current total and achievement progress per active metric)', async () => {
    const env = await server.environment();
    const [words, minutes] = await env.metrics([unique('words'), unique('minutes')]);
    const [ach] = await env.achievements([{ name: 'Five words', key: unique('five'), trigger: 'metric', metricKey: words!.key, metricValue: 5 }]);
    const id = unique('progress');
    await env.trophy.metrics.event(words!.key, { user: { id }, value: 7 });
    const get = (path: string) => fetch(`${server.url}/v1/users/${id}${path}`, { headers: { 'x-api-key': env.key } }).then((r) => r.json() as Promise<any>);
    const all = await get('/metrics');
    // (Metrics created in one request share created_at, so their order is not asserted.)
    assert.deepEqual(
      all.map((m: any) => [m.id, m.key, m.name, m.current, m.achievements.map((a: any) => [a.id, a.achievedAt !== null])]).sort(byKey),
      [
        [words!.id, words!.key, words!.name, 7, [[ach!.id, true]]],
        [minutes!.id, minutes!.key, minutes!.name, 0, []],
      ].sort(byKey),
    );
    const single = await get(`/metrics/${minutes!.key}`);
    assert.equal(single.current, 0);
  });

  test('users.allMetrics and users.singleMetric parse in the SDK', async () => {
    const env = await server.environment();
    const [words, minutes] = await env.metrics([unique('words'), unique('minutes')]);
    const [ach, far] = await env.achievements([
      { name: 'Five words', key: unique('five'), trigger: 'metric', metricKey: words!.key, metricValue: 5 },
      { name: 'Lots of words', key: unique('lots'), trigger: 'metric', metricKey: words!.key, metricValue: 1000 },
    ]);
    const id = unique('progress');
    await env.trophy.metrics.event(words!.key, { user: { id }, value: 7 });

    const all = await sdkRequests(server, 1, () => env.trophy.users.allMetrics(id));
    assert.deepEqual(
      all.map((m) => [m.id, m.key, m.name, m.status, m.current]).sort(byKey),
      [
        [words!.id, words!.key, words!.name, 'active', 7],
        [minutes!.id, minutes!.key, minutes!.name, 'active', 0],
      ].sort(byKey),
    );
    const achievements = all.find((m) => m.id === words!.id)!.achievements;
    assert.deepEqual(achievements.map((a) => a.id).sort(), [ach!.id, far!.id].sort());
    assert.equal(achievements.find((a) => a.id === ach!.id)!.achievedAt?.getTime(), NOW);
    assert.equal(achievements.find((a) => a.id === far!.id)!.achievedAt, undefined);

    const single = await sdkRequests(server, 1, () => env.trophy.users.singleMetric(id, words!.key));
    assert.equal(single.current, 7);
    assert.equal(single.status, 'active');
  });

  test('users.allMetrics / singleMetric errors: 404 NotFoundError for an unknown user or metric, 401 for a wrong key', async () => {
    const env = await server.environment();
    const [metric] = await env.metrics([unique('m')]);
    const id = unique('u');
    await env.trophy.users.create({ id });
    await expectSdkError(server, () => env.trophy.users.allMetrics(unique('ghost')), TrophyApi.NotFoundError, 404, /User not found/);
    await expectSdkError(server, () => env.trophy.users.singleMetric(unique('ghost'), metric!.key), TrophyApi.NotFoundError, 404, /User not found/);
    await expectSdkError(server, () => env.trophy.users.singleMetric(id, 'no-such-metric'), TrophyApi.NotFoundError, 404, /Metric not found/);
    await expectSdkError(server, () => server.client('bad.key').users.allMetrics(id), TrophyApi.UnauthorizedError, 401);
    await expectSdkError(server, () => server.client('bad.key').users.singleMetric(id, metric!.key), TrophyApi.UnauthorizedError, 401);
  });

  test('users.metricEventSummary: daily, weekly and monthly buckets with running totals', async () => {
    const env = await server.environment();
    const [metric] = await env.metrics([unique('steps')]);
    const id = unique('walker');
    const at = async (ms: number, value: number) => {
      server.clock.set(ms);
      await env.trophy.metrics.event(metric!.key, { user: { id }, value });
    };
    try {
      await at(Date.UTC(2026, 2, 1, 9), 10); // Sun 03-01, before the daily range
      await at(NOW, 5); // Wed 03-11
      await at(NOW + DAY_MS, 3); // Thu 03-12
      await at(NOW + 5 * DAY_MS, 2); // Mon 03-16
    } finally {
      server.clock.set(NOW);
    }

    const daily = await sdkRequests(server, 1, () =>
      env.trophy.users.metricEventSummary(id, metric!.key, { aggregation: TrophyApi.UsersMetricEventSummaryRequestAggregation.Daily, startDate: '2026-03-10', endDate: '2026-03-16' }),
    );
    assert.deepEqual(daily, [
      { date: '2026-03-10', total: 10, change: 0 },
      { date: '2026-03-11', total: 15, change: 5 },
      { date: '2026-03-12', total: 18, change: 3 },
      { date: '2026-03-13', total: 18, change: 0 },
      { date: '2026-03-14', total: 18, change: 0 },
      { date: '2026-03-15', total: 18, change: 0 },
      { date: '2026-03-16', total: 20, change: 2 },
    ]);

    // Weeks start on Sunday by default.
    const weekly = await env.trophy.users.metricEventSummary(id, metric!.key, { aggregation: 'weekly', startDate: '2026-03-01', endDate: '2026-03-21' });
    assert.deepEqual(weekly, [
      { date: '2026-03-01', total: 10, change: 10 },
      { date: '2026-03-08', total: 18, change: 8 },
      { date: '2026-03-15', total: 20, change: 2 },
    ]);

    const monthly = await env.trophy.users.metricEventSummary(id, metric!.key, { aggregation: 'monthly', startDate: '2026-01-01', endDate: '2026-03-31' });
    assert.deepEqual(monthly, [
      { date: '2026-01-01', total: 0, change: 0 },
      { date: '2026-02-01', total: 0, change: 0 },
      { date: '2026-03-01', total: 20, change: 20 },
    ]);
  });

  test('users.metricEventSummary errors: 422 for a bad range or date, 404 for an unknown user or metric, 401 for a wrong key', async () => {
    const env = await server.environment();
    const [metric] = await env.metrics([unique('m')]);
    const id = unique('u');
    await env.trophy.users.create({ id });
    const summary = (request: Partial<TrophyApi.UsersMetricEventSummaryRequest>, user = id, key = metric!.key, client = env.trophy) =>
      client.users.metricEventSummary(user, key, { aggregation: 'daily', startDate: '2026-01-01', endDate: '2026-01-31', ...request });

    await expectSdkError(server, () => summary({ startDate: '2025-01-01', endDate: '2026-02-06' }), TrophyApi.UnprocessableEntityError, 422, /400 days/);
    await expectSdkError(server, () => summary({ startDate: '2026-02-01', endDate: '2026-01-01' }), TrophyApi.UnprocessableEntityError, 422, /startDate/);
    await expectSdkError(server, () => summary({ startDate: '2026-02-30' }), TrophyApi.UnprocessableEntityError, 422, /startDate/);
    await expectSdkError(server, () => summary({ endDate: '31/01/2026' }), TrophyApi.UnprocessableEntityError, 422, /endDate/);
    await expectSdkError(server, () => summary({ aggregation: 'yearly' as TrophyApi.UsersMetricEventSummaryRequestAggregation }), TrophyApi.UnprocessableEntityError, 422, /aggregation/);
    // Exactly 400 days is allowed.
    const longest = await summary({ aggregation: 'monthly', startDate: '2025-01-01', endDate: '2026-02-05' });
    assert.equal(longest.length, 14);
    await expectSdkError(server, () => summary({}, unique('ghost')), TrophyApi.NotFoundError, 404, /User not found/);
    await expectSdkError(server, () => summary({}, id, 'no-such-metric'), TrophyApi.NotFoundError, 404, /Metric not found/);
    await expectSdkError(server, () => summary({}, id, metric!.key, server.client('bad.key')), TrophyApi.UnauthorizedError, 401);
  });
});
