import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { POINTS, UNKNOWN_ID, fixturesFor, unique, type Fixtures } from '../support/fixtures.js';
import { assertAdminSchema } from '../support/reference-schemas.js';
import { assertError } from '../support/assert-error.js';
import { POINTS_TABLES, assertNothingWritten } from '../support/stored-state.js';

const NOW = Date.UTC(2026, 2, 11, 12);

forEachBackend('points triggers admin API', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;
  let env: Fixtures;
  let metric: { id: string; key: string; name: string };
  let achievement: { id: string; name: string };
  let plan: { id: string; key: string };
  let source: { id: string; key: string };

  before(async () => {
    clock = new ManualClock(NOW);
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock });
    env = await fixturesFor(laurel);
    metric = await env.metric({ key: unique('lessons'), name: 'Lessons' });
    achievement = await env.achievement({ key: unique('onboarded'), name: 'Onboarded' });
    plan = await env.attribute(unique('plan'), 'user');
    source = await env.attribute(unique('source'), 'event');
  });
  after(() => laurel.close());

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, key = env.key) => laurel.api(method, path, { key, ...(body === undefined ? {} : { body }) });
  const newSystem = async () => env.pointsSystem({ name: 'XP', key: unique('xp') });
  const triggersOf = (systemId: string) => `${POINTS}/${systemId}/triggers`;
  const row = (id: string) => laurel.backend.db.selectFrom('points_triggers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  test('one trigger of each type, as Trophy\'s AdminPointsTrigger: type-specific fields only for their type, created inactive unless active', async () => {
    const system = await newSystem();
    const response = await api('POST', triggersOf(system.id), [
      { type: 'metric', points: 10, metricId: metric.id, metricThreshold: 3, eventAttributes: [{ attributeId: source.id, attributeValue: 'mobile' }], userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }], status: 'active', blockIfOutOfPoints: true },
      { type: 'streak', points: 50, streakLength: 7 },
      { type: 'achievement', points: 25, achievementId: achievement.id },
      { type: 'time', points: 5, timeUnit: 'hours', timeInterval: 2 },
      { type: 'time', points: -1, timeUnit: 'day', timeInterval: 1 },
      { type: 'user_creation', points: 100, userAttributes: null },
    ]);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assertAdminSchema('CreatePointsTriggersResponse', response.body);
    const [m, s, a, hours, days, creation] = response.body.created;
    assert.deepEqual(m, {
      id: m.id,
      type: 'metric',
      points: 10,
      status: 'active',
      userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }],
      metricId: metric.id,
      metricThreshold: 3,
      eventAttributes: [{ attributeId: source.id, attributeValue: 'mobile' }],
      blockIfOutOfPoints: true,
    });
    assert.deepEqual(s, { id: s.id, type: 'streak', points: 50, status: 'inactive', userAttributes: [], streakLength: 7, blockIfOutOfPoints: false });
    assert.deepEqual(a, { id: a.id, type: 'achievement', points: 25, status: 'inactive', userAttributes: [], achievementId: achievement.id, blockIfOutOfPoints: false });
    assert.deepEqual([hours.timeUnit, hours.timeInterval, days.timeUnit, days.points], ['hours', 2, 'days', -1], 'hour/day are taken and shown as hours/days');
    assert.deepEqual(creation, { id: creation.id, type: 'user_creation', points: 100, status: 'inactive', userAttributes: [], blockIfOutOfPoints: false });

    // Stored with the attribute keys beside their ids, and the activation of the active one.
    const stored = await row(m.id);
    assert.deepEqual(JSON.parse(stored.user_attributes), [{ attributeId: plan.id, key: plan.key, value: 'pro' }]);
    assert.equal(stored.activated_at, NOW);
    assert.equal((await row(s.id)).activated_at, null);

    const listed = await api('GET', triggersOf(system.id));
    assertAdminSchema('ListPointsTriggersResponse', listed.body);
    assert.deepEqual(listed.body, response.body.created, 'oldest first');
    const one = await api('GET', `${triggersOf(system.id)}/${a.id}`);
    assertAdminSchema('AdminPointsTrigger', one.body);
    assert.deepEqual(one.body, a);
    assertError(await api('GET', `${triggersOf(system.id)}/${UNKNOWN_ID}`), 404, /Points trigger not found/);
    assertError(await api('GET', `${triggersOf(UNKNOWN_ID)}/${a.id}`), 404, /Points system not found/);
    const page = await api('GET', `${triggersOf(system.id)}?limit=2&skip=1`);
    assert.deepEqual(page.body.map((t: any) => t.id), [s.id, a.id]);
  });

  test('invalid combinations, out-of-range values and unknown ids are a 422 naming item and field; nothing is written', async () => {
    const system = await newSystem();
    const other = await fixturesFor(laurel);
    const foreignMetric = await other.metric({ key: unique('theirs') });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ type: 'metric', points: 10, metricThreshold: 1 }, /body\[0\]\.metricId: is required for a metric trigger/],
      [{ type: 'metric', points: 10, metricId: metric.id }, /body\[0\]\.metricThreshold: is required for a metric trigger/],
      [{ type: 'metric', points: 10, metricId: metric.id, metricThreshold: 0 }, /body\[0\]\.metricThreshold: must be at least 1/],
      [{ type: 'metric', points: 10, metricId: metric.id, metricThreshold: 2.5 }, /body\[0\]\.metricThreshold: must be a whole number/],
      [{ type: 'metric', points: 10, metricId: foreignMetric.id, metricThreshold: 1 }, /body\[0\]\.metricId: no metric with this id in this environment/],
      [{ type: 'metric', points: 10, metricId: metric.id, metricThreshold: 1, eventAttributes: [{ attributeId: plan.id, attributeValue: 'x' }] }, /body\[0\]\.eventAttributes\[0\]\.attributeId: no event attribute with this id .*is a user attribute/],
      [{ type: 'metric', points: 10, metricId: metric.id, metricThreshold: 1, userAttributes: [{ attributeId: UNKNOWN_ID, attributeValue: 'x' }] }, /body\[0\]\.userAttributes\[0\]\.attributeId: no user attribute with this id/],
      [{ type: 'streak', points: 5, streakLength: 7, metricThreshold: 3 }, /body\[0\]\.metricThreshold: only a metric trigger has metricThreshold; this is a streak trigger/],
      [{ type: 'streak', points: 5 }, /body\[0\]\.streakLength: is required for a streak trigger/],
      [{ type: 'streak', points: 5, streakLength: 7, eventAttributes: [] }, /body\[0\]\.eventAttributes: only a metric trigger has eventAttributes/],
      [{ type: 'achievement', points: 5 }, /body\[0\]\.achievementId: is required for an achievement trigger/],
      [{ type: 'achievement', points: 5, achievementId: UNKNOWN_ID }, /body\[0\]\.achievementId: no achievement with this id in this environment/],
      [{ type: 'time', points: 5, timeUnit: 'weeks', timeInterval: 1 }, /body\[0\]\.timeUnit: must be one of hours, days, hour, day/],
      [{ type: 'time', points: 5, timeUnit: 'days' }, /body\[0\]\.timeInterval: is required for a time trigger/],
      [{ type: 'user_creation', points: 5, streakLength: 1 }, /body\[0\]\.streakLength: only a streak trigger has streakLength; this is a user_creation trigger/],
      [{ type: 'user_creation', points: 0 }, /body\[0\]\.points: must not be 0/],
      [{ type: 'user_creation', points: 1.5 }, /body\[0\]\.points: must be a whole number/],
      [{ type: 'badge', points: 5 }, /body\[0\]\.type: must be one of metric, achievement, streak, time, user_creation/],
      [{ type: 'user_creation', points: 5, status: 'archived' }, /body\[0\]\.status: must be one of active, inactive/],
      [{ type: 'user_creation', points: 5, blockIfOutOfPoints: 'yes' }, /body\[0\]\.blockIfOutOfPoints/],
      [{ type: 'user_creation', points: 5, metricid: metric.id }, /body\[0\]: unknown field "metricid"/],
    ];
    for (const [item, pattern] of cases) {
      await assertNothingWritten(laurel, POINTS_TABLES, async () => assertError(await api('POST', triggersOf(system.id), [{ type: 'user_creation', points: 1 }, item].reverse()), 422, pattern));
    }
    await assertNothingWritten(laurel, POINTS_TABLES, async () => assertError(await api('POST', triggersOf(UNKNOWN_ID), [{ type: 'user_creation', points: 1 }]), 404, new RegExp(`Points system not found: ${UNKNOWN_ID}`)));
    assertError(await api('POST', triggersOf(system.id), { type: 'user_creation', points: 1 }), 422, /must be a list of triggers, even for one/);
    assertError(await api('POST', triggersOf(system.id), Array.from({ length: 101 }, () => ({ type: 'user_creation', points: 1 }))), 422, /at most 100 triggers/);
  });

  test('update keeps what is left out; fields must belong to the type; type changes only while inactive, with the new type\'s required fields', async () => {
    const system = await newSystem();
    const [t] = await env.pointsItems(system.id, 'triggers', [{ type: 'metric', points: 10, metricId: metric.id, metricThreshold: 3, eventAttributes: [{ attributeId: source.id, attributeValue: 'web' }] }]);
    const path = triggersOf(system.id);

    const renumbered = await env.update(path, { id: t.id, points: 20, metricThreshold: 5, eventAttributes: null, userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }] });
    assert.deepEqual(renumbered, { ...t, points: 20, metricThreshold: 5, eventAttributes: [], userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }] });

    await assertNothingWritten(laurel, POINTS_TABLES, async () => {
      assertError(await api('PATCH', path, [{ id: t.id, streakLength: 7 }]), 422, /body\[0\]\.streakLength: only a streak trigger has streakLength; this is a metric trigger/);
      assertError(await api('PATCH', path, [{ id: t.id, type: 'streak' }]), 422, /body\[0\]\.streakLength: is required for a streak trigger/);
      assertError(await api('PATCH', path, [{ id: t.id, metricId: UNKNOWN_ID }]), 422, /body\[0\]\.metricId: no metric with this id/);
      assertError(await api('PATCH', path, [{ id: t.id, points: 0 }]), 422, /body\[0\]\.points: must not be 0/);
    });

    // Retyped while inactive: the metric fields go, the streak's come.
    const retyped = await env.update(path, { id: t.id, type: 'streak', streakLength: 7 });
    assert.deepEqual(retyped, { id: t.id, type: 'streak', points: 20, status: 'inactive', userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }], streakLength: 7, blockIfOutOfPoints: false });
    const stored = await row(t.id);
    assert.deepEqual([stored.metric_id, stored.metric_threshold, stored.event_attributes], [null, null, '[]']);

    // Active: the type is fixed.
    clock.advance(60_000);
    const active = await env.update(path, { id: t.id, status: 'active' });
    assert.equal(active.status, 'active');
    assert.equal((await row(t.id)).activated_at, NOW + 60_000, 'activation time');
    await assertNothingWritten(laurel, POINTS_TABLES, async () => {
      assertError(await api('PATCH', path, [{ id: t.id, type: 'achievement', achievementId: achievement.id }]), 422, /body\[0\]\.type: can only change while the trigger is inactive/);
    });
    // Deactivating and reactivating starts counting afresh.
    await env.update(path, { id: t.id, status: 'inactive' });
    assert.equal((await row(t.id)).activated_at, NOW + 60_000, 'kept while inactive');
    clock.advance(60_000);
    await env.update(path, { id: t.id, status: 'active' });
    assert.equal((await row(t.id)).activated_at, NOW + 120_000);
    clock.set(NOW);

    const mixed = await api('PATCH', path, [{ id: t.id, points: 30 }, { id: t.id, points: 40 }, { id: UNKNOWN_ID, points: 1 }]);
    assert.equal(mixed.status, 200);
    assertAdminSchema('PatchPointsTriggersResponse', mixed.body);
    assert.deepEqual(mixed.body.updated.map((u: any) => u.points), [30]);
    assert.deepEqual(
      mixed.body.issues.map((i: any) => i.message),
      ['ID appears more than once in this request; only its first change was applied', 'Points trigger not found by ID'],
    );
    assertError(await api('PATCH', triggersOf(UNKNOWN_ID), [{ id: t.id, points: 1 }]), 404, /Points system not found/);
  });

  test('a trigger of another system is not found through this one', async () => {
    const [first, second] = [await newSystem(), await newSystem()];
    const [t] = await env.pointsItems(first.id, 'triggers', [{ type: 'user_creation', points: 1 }]);
    assertError(await api('GET', `${triggersOf(second.id)}/${t.id}`), 404, /Points trigger not found/);
    const patched = await api('PATCH', triggersOf(second.id), [{ id: t.id, points: 2 }]);
    assert.deepEqual(patched.body.issues.map((i: any) => i.message), ['Points trigger not found by ID']);
  });

  test('delete archives: the trigger is no longer listed nor fires, and can be deleted only once', async () => {
    const system = await newSystem();
    const [keep, drop] = await env.pointsItems(system.id, 'triggers', [
      { type: 'user_creation', points: 1, status: 'active' },
      { type: 'streak', points: 5, streakLength: 3, status: 'active' },
    ]);
    const response = await api('DELETE', `${triggersOf(system.id)}?ids=${drop.id}&ids=${UNKNOWN_ID}`);
    assert.equal(response.status, 200);
    assertAdminSchema('DeletePointsTriggersResponse', response.body);
    assert.deepEqual(response.body, { deleted: [{ id: drop.id }], issues: [{ id: UNKNOWN_ID, severity: 'error', message: 'Points trigger not found by ID' }] });
    assert.deepEqual((await api('GET', triggersOf(system.id))).body.map((t: any) => t.id), [keep.id]);
    assertError(await api('GET', `${triggersOf(system.id)}/${drop.id}`), 404, /Points trigger not found/);
    assert.equal((await row(drop.id)).status, 'archived', 'kept for the awards it made');
    const again = await api('DELETE', `${triggersOf(system.id)}?ids=${drop.id}`);
    assert.deepEqual(again.body.deleted, []);
    const patched = await api('PATCH', triggersOf(system.id), [{ id: drop.id, status: 'active' }]);
    assert.deepEqual(patched.body.issues.map((i: any) => i.message), ['Points trigger not found by ID']);
  });

  test('deleting the metric or achievement a trigger counts leaves the trigger without it', async () => {
    const system = await newSystem();
    const doomedMetric = await env.metric({ key: unique('doomed') });
    const [t] = await env.pointsItems(system.id, 'triggers', [{ type: 'metric', points: 1, metricId: doomedMetric.id, metricThreshold: 1 }]);
    assert.equal((await api('DELETE', `/admin/v1/metrics?ids=${doomedMetric.id}`)).status, 200);
    const shown = (await api('GET', `${triggersOf(system.id)}/${t.id}`)).body;
    assert.equal('metricId' in shown, false);
    assert.equal(shown.metricThreshold, 1);
    // It can still be changed, without naming a metric again.
    assert.equal((await env.update(triggersOf(system.id), { id: t.id, points: 2 })).points, 2);
  });
});
