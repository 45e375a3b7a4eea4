import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../../src/clock.js';
import { ConfigCache } from '../../src/environments/config-cache.js';
import { userBoostRules } from '../../src/points/points-config.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { POINTS, fixturesFor, unique } from '../support/fixtures.js';

const NOW = Date.UTC(2026, 2, 11, 12);

forEachBackend('points configuration for the event path (ConfigCache)', (database, kind) => {
  let laurel: TestLaurel;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock: new ManualClock(NOW) });
  });
  after(() => laurel.close());

  test("the active systems' rules as the engine takes them, reloaded after every configuration write", async () => {
    const env = await fixturesFor(laurel);
    const db = laurel.backend.db;
    const cache = new ConfigCache();
    assert.deepEqual((await cache.get(db, env.id)).points.systems, []);

    const metric = await env.metric({ key: unique('lessons'), name: 'Lessons' });
    const achievement = await env.achievement({ key: unique('done'), name: 'Done' });
    const plan = await env.attribute(unique('plan'));
    const user = (await env.user()).id;
    const key = unique('xp');
    const system = await env.pointsSystem({
      name: 'XP',
      key,
      maxPoints: 1000,
      levels: [
        { name: 'Silver', key: 'silver', points: 100 },
        { name: 'Bronze', key: 'bronze', points: 0 },
      ],
      triggers: [
        { type: 'metric', points: 10, status: 'active', metricId: metric.id, metricThreshold: 3, userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }], blockIfOutOfPoints: true },
        { type: 'achievement', points: 5, status: 'active', achievementId: achievement.id },
        { type: 'time', points: 1, status: 'active', timeUnit: 'days', timeInterval: 1 },
        { type: 'streak', points: 50, streakLength: 7 },
      ],
      boosts: [
        { name: 'Everyone', start: '2026-03-01', multiplier: 2 },
        { name: 'Mine', start: '2026-03-01', multiplier: 3, rounding: 'up', userId: user },
      ],
    });
    const [m, a, t, inactive] = system.triggers;
    const [everyone, mine] = system.boosts;

    const config = (await cache.get(db, env.id)).points;
    assert.equal(config.systems.length, 1);
    const xp = config.byKey.get(key)!;
    assert.equal(xp, config.systems[0]);
    assert.deepEqual(xp.response, { id: system.id, key, name: 'XP', description: null, badgeUrl: null, maxPoints: 1000 });
    assert.deepEqual(xp.rules, {
      maxPoints: 1000,
      triggers: [
        { id: m.id, points: 10, status: 'active', userAttributes: [{ key: plan.key, value: 'pro' }], blockIfOutOfPoints: true, type: 'metric', metricId: metric.id, metricThreshold: 3, eventAttributes: [] },
        { id: a.id, points: 5, status: 'active', userAttributes: [], blockIfOutOfPoints: false, type: 'achievement', achievementId: achievement.id },
        { id: t.id, points: 1, status: 'active', userAttributes: [], blockIfOutOfPoints: false, type: 'time', timeUnit: 'day', timeInterval: 1 },
      ],
      levels: [
        { id: system.levels[1].id, key: 'bronze', points: 0 },
        { id: system.levels[0].id, key: 'silver', points: 100 },
      ],
      boosts: [{ id: everyone.id, start: '2026-03-01', end: null, multiplier: 2, rounding: 'down', userId: null, userAttributes: [], enabled: true }],
    });
    assert.deepEqual([...xp.activatedAt.entries()], [[m.id, NOW], [a.id, NOW], [t.id, NOW]]);
    // Award records show any trigger of the system, inactive ones too; levels and boosts as responses show them.
    assert.deepEqual([...xp.triggers.keys()], [m.id, a.id, t.id, inactive.id]);
    assert.equal(xp.triggers.get(m.id)!.metricName, 'Lessons');
    assert.equal(xp.triggers.get(a.id)!.achievementName, 'Done');
    assert.deepEqual([...xp.levels.values()].map((level) => level.key), ['bronze', 'silver']);
    assert.deepEqual([...xp.boosts.values()], [{ id: everyone.id, name: 'Everyone', status: 'active', start: '2026-03-01', end: null, multiplier: 2, rounding: 'down' }]);

    // A user's own boost is read per user, not cached.
    const own = await userBoostRules(db, env.id, user);
    assert.deepEqual([...own.keys()], [system.id]);
    assert.deepEqual(own.get(system.id), [
      {
        rule: { id: mine.id, start: '2026-03-01', end: null, multiplier: 3, rounding: 'up', userId: user, userAttributes: [], enabled: true },
        boost: { id: mine.id, name: 'Mine', status: 'active', start: '2026-03-01', end: null, multiplier: 3, rounding: 'up' },
      },
    ]);
    assert.deepEqual([...(await userBoostRules(db, env.id, unique('nobody'))).keys()], []);

    // Every kind of change is seen by the next read.
    await env.update(`${POINTS}/${system.id}/triggers`, { id: inactive.id, status: 'active' });
    assert.deepEqual((await cache.get(db, env.id)).points.systems[0]!.rules.triggers.map((trigger) => trigger.id), [m.id, a.id, t.id, inactive.id]);
    await env.update(POINTS, { id: system.id, maxPoints: null });
    assert.equal((await cache.get(db, env.id)).points.systems[0]!.rules.maxPoints, null);
    await env.pointsItems(system.id, 'levels', [{ name: 'Gold', key: 'gold', points: 500 }]);
    assert.deepEqual((await cache.get(db, env.id)).points.systems[0]!.rules.levels.map((level) => level.key), ['bronze', 'silver', 'gold']);
    assert.equal((await laurel.api('DELETE', `${POINTS}/${system.id}/boosts?ids=${everyone.id}`, { key: env.key })).status, 200);
    assert.deepEqual((await cache.get(db, env.id)).points.systems[0]!.rules.boosts, []);
    // A metric deleted under its trigger: the trigger can no longer fire.
    assert.equal((await laurel.api('DELETE', `/admin/v1/metrics?ids=${metric.id}`, { key: env.key })).status, 200);
    const rules = (await cache.get(db, env.id)).points.systems[0]!.rules;
    assert.equal(rules.triggers.some((trigger) => trigger.id === m.id), false);
    assert.ok((await cache.get(db, env.id)).points.systems[0]!.triggers.has(m.id), 'still shown by award records');
  });

  test('archived systems award nothing and are left out; disabled boosts (the dashboard\'s, not activated yet) too', async () => {
    const env = await fixturesFor(laurel);
    const db = laurel.backend.db;
    const cache = new ConfigCache();
    const [kept, archived] = [await env.pointsSystem({ name: 'Kept', key: unique('kept') }), await env.pointsSystem({ name: 'Old', key: unique('old') })];
    const [draft] = await env.pointsItems(kept.id, 'boosts', [{ name: 'Draft', start: '2026-03-01', multiplier: 2 }]);
    await db.updateTable('points_systems').set({ status: 'archived' }).where('id', '=', archived.id).execute();
    await db.updateTable('points_boosts').set({ enabled: 0 }).where('id', '=', draft.id).execute();
    const config = (await cache.get(db, env.id)).points;
    assert.deepEqual(config.systems.map((system) => system.system.id), [kept.id]);
    assert.deepEqual(config.systems[0]!.rules.boosts, []);
  });

  test('the per-user tables have no foreign keys (they are written on the event path), the configuration tables do', async () => {
    const db = laurel.backend.db;
    const count = async (table: string) =>
      kind === 'postgres'
        ? (await sql<{ n: number }>`select count(*)::int as n from pg_constraint where contype = 'f' and conrelid = ${table}::regclass`.execute(db)).rows[0]!.n
        : (await sql<{ n: number }>`select count(*) as n from pragma_foreign_key_list(${table})`.execute(db)).rows[0]!.n;
    for (const table of ['user_points', 'user_points_triggers', 'points_awards', 'points_changed_throttles']) assert.equal(await count(table), 0, table);
    for (const table of ['points_systems', 'points_triggers', 'points_levels', 'points_boosts']) assert.ok((await count(table)) > 0, table);
  });
});
