import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { POINTS, UNKNOWN_ID, fixturesFor, unique, type Fixtures } from '../support/fixtures.js';
import { assertAdminSchema } from '../support/reference-schemas.js';
import { assertError } from '../support/assert-error.js';
import { POINTS_TABLES, assertNothingWritten, configVersion } from '../support/stored-state.js';

const NOW = Date.UTC(2026, 2, 11, 12);

forEachBackend('points systems admin API', (database) => {
  let laurel: TestLaurel;
  let env: Fixtures;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock: new ManualClock(NOW) });
    env = await fixturesFor(laurel);
  });
  after(() => laurel.close());

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, key = env.key) => laurel.api(method, path, { key, ...(body === undefined ? {} : { body }) });

  test('create answers 201 with Trophy\'s CreatedAdminPointsSystem; get and list return AdminPointsSystem', async () => {
    const key = unique('xp');
    const response = await api('POST', POINTS, [{ name: 'XP', key, description: 'Experience points', badge: { url: 'https://example.com/xp.png' }, maxPoints: 1000 }]);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assertAdminSchema('CreatePointsSystemsResponse', response.body);
    const [system] = response.body.created;
    assert.deepEqual(response.body, {
      created: [{ id: system.id, name: 'XP', key, description: 'Experience points', status: 'active', badge: { url: 'https://example.com/xp.png' }, maxPoints: 1000 }],
      issues: [],
    });

    const got = await api('GET', `${POINTS}/${system.id}`);
    assert.equal(got.status, 200);
    assertAdminSchema('AdminPointsSystem', got.body);
    assert.deepEqual(got.body, system);

    const bare = await env.pointsSystem({ name: 'Energy', key: unique('energy') });
    assert.deepEqual({ description: bare.description, badge: bare.badge, maxPoints: bare.maxPoints, status: bare.status }, { description: '', badge: null, maxPoints: null, status: 'active' });
    assert.equal('levels' in bare, false, 'sub-entity lists only when the request had them');

    const listed = await api('GET', `${POINTS}?limit=100`);
    assert.equal(listed.status, 200);
    assertAdminSchema('ListPointsSystemsResponse', listed.body);
    assert.deepEqual(listed.body.map((s: any) => s.id).slice(-2), [system.id, bare.id], 'oldest first');
  });

  test('a system brings its levels, boosts and triggers, created in the same request', async () => {
    const metric = await env.metric({ key: unique('lessons'), name: 'Lessons' });
    const achievement = await env.achievement({ key: unique('onboarded') });
    const plan = await env.attribute(unique('plan'));
    const key = unique('xp');
    const [system] = await env.pointsSystems([
      {
        name: 'XP',
        key,
        levels: [
          { name: 'Bronze', key: 'bronze', points: 0 },
          { name: 'Silver', key: 'silver', points: 500, description: 'Getting there', badge: { url: 'https://example.com/silver.png' } },
        ],
        boosts: [{ name: 'Launch week', start: '2026-03-10', end: '2026-03-16', multiplier: 2, userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }] }],
        triggers: [
          { type: 'metric', points: 10, metricId: metric.id, metricThreshold: 3, status: 'active' },
          { type: 'achievement', points: 50, achievementId: achievement.id },
        ],
      },
    ]);
    assert.deepEqual(
      system.levels.map((l: any) => [l.key, l.points, l.description, l.badge]),
      [
        ['bronze', 0, '', null],
        ['silver', 500, 'Getting there', { url: 'https://example.com/silver.png' }],
      ],
    );
    assert.equal(system.boosts.length, 1);
    assert.deepEqual(system.boosts[0], {
      id: system.boosts[0].id,
      name: 'Launch week',
      status: 'active',
      start: '2026-03-10',
      end: '2026-03-16',
      multiplier: 2,
      rounding: 'down',
      userId: null,
      userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }],
    });
    assert.deepEqual(
      system.triggers.map((t: any) => [t.type, t.points, t.status]),
      [
        ['metric', 10, 'active'],
        ['achievement', 50, 'inactive'],
      ],
    );
    const levels = await api('GET', `${POINTS}/${system.id}/levels`);
    assert.deepEqual(levels.body.map((l: any) => l.key), ['bronze', 'silver']);
    const triggers = await api('GET', `${POINTS}/${system.id}/triggers`);
    assert.deepEqual(triggers.body.map((t: any) => t.id), system.triggers.map((t: any) => t.id));
  });

  test('a key in use, or repeated later in the request, is an issue for that item (not created, nor what it brings); the others are created', async () => {
    const taken = (await env.pointsSystem({ name: 'XP', key: unique('xp') })).key;
    const fresh = unique('fresh');
    const response = await api('POST', POINTS, [
      { name: 'Taken', key: taken, levels: [{ name: 'L', key: 'l', points: 1 }] },
      { name: 'Fresh', key: fresh },
      { name: 'Fresh again', key: fresh },
    ]);
    assert.equal(response.status, 201);
    assertAdminSchema('CreatePointsSystemsResponse', response.body);
    assert.deepEqual(response.body.created.map((s: any) => s.key), [fresh]);
    assert.deepEqual(response.body.issues, [
      { index: 0, severity: 'error', message: 'Key already in use by another points system' },
      { index: 2, severity: 'error', message: 'Key already in use by another points system' },
    ]);
    const none = await api('POST', POINTS, [{ name: 'Taken', key: taken }]);
    assert.equal(none.status, 200, 'no system created: 200');
    assert.deepEqual(none.body.created, []);
  });

  test('keys are per environment: another environment may use the same key, and sees none of these systems', async () => {
    const key = unique('xp');
    const mine = await env.pointsSystem({ name: 'XP', key });
    const other = await fixturesFor(laurel);
    const theirs = await other.pointsSystem({ name: 'XP', key });
    assert.notEqual(theirs.id, mine.id);
    assertError(await api('GET', `${POINTS}/${mine.id}`, undefined, other.key), 404, new RegExp(`Points system not found: ${mine.id}`));
    assertError(await api('GET', `${POINTS}/${mine.id}/triggers`, undefined, other.key), 404, /Points system not found/);
    const patched = await api('PATCH', POINTS, [{ id: mine.id, name: 'Stolen' }], other.key);
    assert.deepEqual(patched.body, { updated: [], issues: [{ id: mine.id, severity: 'error', message: 'Points system not found by ID' }] });
  });

  test('update changes name, description, badge and maxPoints (null clears); key cannot change; unknown and repeated ids are issues', async () => {
    const system = await env.pointsSystem({ name: 'XP', key: unique('xp'), badge: { url: 'https://example.com/a.png' }, maxPoints: 10 });
    const response = await api('PATCH', POINTS, [
      { id: system.id, name: 'Experience', description: 'All of it', badge: null, maxPoints: null },
      { id: system.id, name: 'Again' },
      { id: UNKNOWN_ID, name: 'Nobody' },
      { id: 'not-a-uuid', name: 'Nobody' },
    ]);
    assert.equal(response.status, 200);
    assertAdminSchema('UpdatePointsSystemsResponse', response.body);
    assert.deepEqual(response.body.updated, [{ ...system, name: 'Experience', description: 'All of it', badge: null, maxPoints: null }]);
    assert.deepEqual(
      response.body.issues.map((i: any) => [i.id, i.message]),
      [
        [system.id, 'ID appears more than once in this request; only its first change was applied'],
        [UNKNOWN_ID, 'Points system not found by ID'],
        ['not-a-uuid', 'id must be a valid UUID'],
      ],
    );
    await assertNothingWritten(laurel, POINTS_TABLES, async () => {
      assertError(await api('PATCH', POINTS, [{ id: system.id, key: 'other' }]), 422, /body\[0\]: key cannot be changed/);
    });
  });

  test('bad input is a 422 naming the item and field, and nothing is written', async () => {
    const metric = await env.metric({ key: unique('m') });
    const cases: [unknown, RegExp][] = [
      [{ name: 'XP', key: 'xp' }, /body: must be a list of points systems, even for one/],
      [[{ name: 'XP' }], /body\[0\]\.key: /],
      [[], /at least one/],
      [[{ name: 'XP', key: 'has space' }], /body\[0\]\.key: must contain only letters, digits, hyphens and underscores/],
      [[{ name: '', key: unique('k') }], /body\[0\]\.name: must not be empty/],
      [[{ name: 'XP', key: unique('k'), maxPoints: 0 }], /body\[0\]\.maxPoints: must be at least 1/],
      [[{ name: 'XP', key: unique('k'), maxPoints: 1.5 }], /body\[0\]\.maxPoints: must be a whole number/],
      [[{ name: 'XP', key: unique('k'), badge: { url: 'not a url' } }], /body\[0\]\.badge\.url: must be an absolute http or https URL/],
      [[{ name: 'XP', key: unique('k'), colour: 'red' }], /body\[0\]: unknown field "colour"/],
      [[{ name: 'XP', key: unique('k'), levels: [{ name: 'L', key: 'l', points: -1 }] }], /body\[0\]\.levels\[0\]\.points: must be at least 0/],
      [[{ name: 'XP', key: unique('k'), triggers: [{ type: 'metric', points: 10 }] }], /body\[0\]\.triggers\[0\]\.metricId: is required for a metric trigger/],
      [[{ name: 'XP', key: unique('k'), triggers: [{ type: 'streak', points: 5, streakLength: 7, metricThreshold: 3 }] }], /body\[0\]\.triggers\[0\]\.metricThreshold: only a metric trigger has metricThreshold; this is a streak trigger/],
      [[{ name: 'XP', key: unique('k'), triggers: [{ type: 'metric', points: 5, metricId: UNKNOWN_ID, metricThreshold: 1 }] }], /body\[0\]\.triggers\[0\]\.metricId: no metric with this id in this environment/],
      [[{ name: 'XP', key: unique('k'), triggers: [{ type: 'metric', points: 0, metricId: metric.id, metricThreshold: 1 }] }], /body\[0\]\.triggers\[0\]\.points: must not be 0/],
      [[{ name: 'XP', key: unique('k'), boosts: [{ name: 'B', start: '2026-01-01', multiplier: 1 }] }], /body\[0\]\.boosts\[0\]\.multiplier: must not be 1/],
      [[{ name: 'XP', key: unique('k'), boosts: [{ name: 'B', start: '2026-01-01', multiplier: 2, userId: unique('nobody') }] }], /body\[0\]\.boosts\[0\]\.userId: no user with this id in this environment/],
      [[{ name: 'XP', key: unique('k'), levels: [{ name: 'A', key: 'a', points: 1 }, { name: 'B', key: 'a', points: 2 }] }], /body\[0\]\.levels\[1\]\.key: "a" is used by an earlier level of this system/],
    ];
    for (const [body, pattern] of cases) {
      await assertNothingWritten(laurel, POINTS_TABLES, async () => assertError(await api('POST', POINTS, body), 422, pattern));
    }
    // One bad item refuses the good ones beside it, and every problem is named at once.
    await assertNothingWritten(laurel, POINTS_TABLES, async () => {
      const response = await api('POST', POINTS, [
        { name: 'Good', key: unique('good') },
        { name: 'Bad', key: unique('bad'), triggers: [{ type: 'time', points: 1 }, { type: 'achievement', points: 1, achievementId: UNKNOWN_ID }] },
      ]);
      assertError(response, 422, /body\[1\]\.triggers\[0\]\.timeUnit: is required/, /body\[1\]\.triggers\[0\]\.timeInterval: is required/, /body\[1\]\.triggers\[1\]\.achievementId: no achievement/);
    });
  });

  test("delete removes the systems with their triggers, levels, boosts and every user's points in them; unknown ids are issues", async () => {
    const metric = await env.metric({ key: unique('m') });
    const user = (await env.user()).id;
    const [doomed, kept] = await env.pointsSystems([
      { name: 'Doomed', key: unique('doomed'), levels: [{ name: 'L', key: 'l', points: 0 }], boosts: [{ name: 'B', start: '2026-01-01', multiplier: 2, userId: user }], triggers: [{ type: 'metric', points: 1, metricId: metric.id, metricThreshold: 1 }] },
      { name: 'Kept', key: unique('kept') },
    ]);
    // Per-user state as awarding will write it.
    const db = laurel.backend.db;
    for (const system of [doomed, kept]) {
      await db.insertInto('user_points').values({ environment_id: env.id, user_id: user, system_id: system.id, total: 5, level_id: null, created_at: NOW, updated_at: NOW }).execute();
      await db.insertInto('points_awards').values({ id: unique('award'), environment_id: env.id, user_id: user, system_id: system.id, trigger_id: 't', awarded: 5, total: 5, boost_ids: '[]', day: '2026-03-11', created_at: NOW }).execute();
      await db
        .insertInto('user_points_triggers')
        .values({ environment_id: env.id, user_id: user, trigger_id: `t-${system.id}`, system_id: system.id, activated_at: NOW, progress: 1, high_water: 1, firings: 1, anchor_at: null, counted_until: null, next_due_at: null, updated_at: NOW })
        .execute();
      await db.insertInto('points_changed_throttles').values({ system_id: system.id, user_id: user, environment_id: env.id, last_sent_at: NOW, pending: null, updated_at: NOW }).execute();
    }

    const response = await api('DELETE', `${POINTS}?ids=${doomed.id},${UNKNOWN_ID}`);
    assert.equal(response.status, 200);
    assertAdminSchema('DeletePointsSystemsResponse', response.body);
    assert.deepEqual(response.body, { deleted: [{ id: doomed.id }], issues: [{ id: UNKNOWN_ID, severity: 'error', message: 'Points system not found by ID' }] });
    assertError(await api('GET', `${POINTS}/${doomed.id}`), 404, /Points system not found/);
    const systemsIn = async (table: 'points_triggers' | 'points_levels' | 'points_boosts' | 'user_points' | 'points_awards' | 'user_points_triggers' | 'points_changed_throttles') =>
      (await db.selectFrom(table).select('system_id').where('system_id', 'in', [doomed.id, kept.id]).execute()).map((row) => row.system_id);
    for (const table of ['points_triggers', 'points_levels', 'points_boosts'] as const) assert.deepEqual(await systemsIn(table), [], table);
    for (const table of ['user_points', 'points_awards', 'user_points_triggers', 'points_changed_throttles'] as const) assert.deepEqual(await systemsIn(table), [kept.id], table);
    assertError(await api('DELETE', POINTS), 422, /ids/);
  });

  test('configuration writes move the environment\'s config_version (the event path\'s cache follows it)', async () => {
    const before = await configVersion(laurel, env.id);
    const system = await env.pointsSystem({ name: 'XP', key: unique('xp') });
    const afterCreate = await configVersion(laurel, env.id);
    assert.ok(afterCreate > before);
    await api('PATCH', POINTS, [{ id: system.id, maxPoints: 5 }]);
    assert.ok((await configVersion(laurel, env.id)) > afterCreate);
  });
});
