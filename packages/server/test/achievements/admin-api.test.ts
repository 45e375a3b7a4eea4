import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import {
  ACHIEVEMENTS,
  createAchievement,
  createAchievements,
  createAttribute,
  createMetric,
  developmentEnv,
  insertUser,
  newEnv,
  unique,
  updateAchievement,
  type Env,
} from './helpers.js';

forEachBackend('achievement management API', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;
  let env: Env;
  let metric: { id: string; key: string; name: string };

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    clock = laurel.clock as ManualClock;
    env = await developmentEnv(laurel);
    metric = await createMetric(laurel, env, 'words', 'Words written');
    await createAttribute(laurel, env, 'plan', 'user');
    await createAttribute(laurel, env, 'region', 'user');
    await createAttribute(laurel, env, 'source', 'event');
  });
  after(() => laurel.close());

  const post = (body: unknown, key = env.key) => laurel.api('POST', ACHIEVEMENTS, { key, body });
  const patch = (body: unknown, key = env.key) => laurel.api('PATCH', ACHIEVEMENTS, { key, body });

  test('create answers 201 with {created, issues}: Trophy AchievementResponse plus status, created and updated', async () => {
    const key = unique('words-500');
    const response = await post([{ name: '500 words', key, trigger: 'metric', metricKey: 'words', metricValue: 500 }]);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.deepEqual(Object.keys(response.body).sort(), ['created', 'issues']);
    assert.deepEqual(response.body.issues, []);
    const now = new Date(clock.now()).toISOString();
    const [created] = response.body.created;
    assert.deepEqual(created, {
      id: created.id,
      name: '500 words',
      trigger: 'metric',
      description: null,
      badgeUrl: null,
      key,
      userAttributes: [],
      metricId: metric.id,
      metricValue: 500,
      metricName: 'Words written',
      eventAttributes: [],
      badge: null,
      status: 'inactive',
      created: now,
      updated: now,
    });
  });

  test('each trigger keeps only its own fields; filters, description and badge are stored as given', async () => {
    const first = await createAchievement(laurel, env, { name: 'First', key: unique('first'), trigger: 'api', status: 'active' });
    const [streak, composite, filtered] = await createAchievements(laurel, env, [
      {
        name: 'Week streak',
        key: unique('week'),
        trigger: 'streak',
        streakLength: 7,
        description: 'Seven in a row',
        badgeUrl: 'https://cdn.example.com/badges/week.png',
        userAttributes: [{ key: 'plan', value: 'pro' }],
      },
      { name: 'Master', key: unique('master'), trigger: 'achievement', achievementIds: [first.id, first.id] },
      {
        name: 'Mobile words',
        key: unique('mobile'),
        trigger: 'metric',
        metricId: metric.id,
        metricValue: 2.5,
        eventAttributes: [{ key: 'source', value: 'mobile' }],
        badgeUrl: '  http://example.com/b.png\n',
      },
    ]);
    assert.equal(first.status, 'active');
    const keyValues = (filters: { key: string; value: string; attributeId: string | null; attributeValue: string }[]) =>
      filters.map(({ key, value, attributeId, attributeValue }) => {
        assert.equal(typeof attributeId, 'string', 'Trophy names the attribute by id');
        assert.equal(attributeValue, value);
        return { key, value };
      });
    assert.deepEqual(
      { ...streak, id: undefined, key: undefined, created: undefined, updated: undefined, userAttributes: keyValues(streak.userAttributes) },
      {
        id: undefined,
        key: undefined,
        created: undefined,
        updated: undefined,
        name: 'Week streak',
        trigger: 'streak',
        description: 'Seven in a row',
        badgeUrl: 'https://cdn.example.com/badges/week.png',
        streakLength: 7,
        userAttributes: [{ key: 'plan', value: 'pro' }],
        badge: { url: 'https://cdn.example.com/badges/week.png' },
        status: 'inactive',
      },
    );
    assert.deepEqual(composite.achievementIds, [first.id], 'listed once');
    assert.equal('metricId' in composite || 'streakLength' in composite || 'eventAttributes' in composite, false);
    assert.equal('achievementIds' in first, false);
    assert.deepEqual(keyValues(filtered.eventAttributes), [{ key: 'source', value: 'mobile' }]);
    assert.deepEqual(filtered.eventAttribute, { key: 'source', value: 'mobile' }, 'the deprecated single filter, when there is exactly one');
    assert.equal(filtered.metricValue, 2.5);
    assert.equal(filtered.badgeUrl, 'http://example.com/b.png', 'trimmed');
  });

  test('get returns the achievement; an unknown id is a 404', async () => {
    const created = await createAchievement(laurel, env, { name: 'Get me', key: unique('get'), trigger: 'api' });
    const response = await laurel.api('GET', `${ACHIEVEMENTS}/${created.id}`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, created);
    assertError(await laurel.api('GET', `${ACHIEVEMENTS}/nope`), 404, /Achievement not found: nope/);
  });

  test('list is a bare array, oldest first, inactive ones included, paged with limit and skip', async () => {
    const other = await newEnv(laurel);
    const items = Array.from({ length: 12 }, (_, i) => ({ name: `A${i}`, key: `a${i}`, trigger: 'api', ...(i % 2 ? { status: 'active' } : {}) }));
    const created = await createAchievements(laurel, other, items);
    clock.advance(1_000);
    const newest = await createAchievement(laurel, other, { name: 'Newest', key: 'newest', trigger: 'api' });
    const page = async (query: string) => {
      const response = await laurel.api('GET', `${ACHIEVEMENTS}${query}`, { key: other.key });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.ok(Array.isArray(response.body));
      return response.body.map((a: any) => a.id);
    };
    const all = [...created.map((a) => a.id), newest.id];
    assert.deepEqual(await page('?limit=100'), all);
    assert.deepEqual(await page(''), all.slice(0, 10), 'limit defaults to 10');
    assert.deepEqual(await page('?limit=5&skip=10'), all.slice(10));
    assertError(await laurel.api('GET', `${ACHIEVEMENTS}?limit=0`, { key: other.key }), 422, /limit/);
  });

  test('every validation rule is an issue naming the item by index; the valid items are still created', async () => {
    const taken = unique('taken');
    await createAchievement(laurel, env, { name: 'Taken', key: taken, trigger: 'api' });
    const prerequisite = await createAchievement(laurel, env, { name: 'Pre', key: unique('pre'), trigger: 'api' });
    const otherEnv = await newEnv(laurel);
    const foreignMetric = await createMetric(laurel, otherEnv, 'foreign');
    const foreignAchievement = await createAchievement(laurel, otherEnv, { name: 'Foreign', key: 'foreign', trigger: 'api' });
    const api = (overrides: Record<string, unknown>) => ({ name: 'X', key: unique('x'), trigger: 'api', ...overrides });
    const metricItem = (overrides: Record<string, unknown>) => ({ name: 'M', key: unique('m'), trigger: 'metric', metricKey: 'words', metricValue: 10, ...overrides });

    const cases: [item: unknown, message: RegExp][] = [
      [{ key: unique('k'), trigger: 'api' }, /^name: is required$/],
      [api({ name: 5 }), /^name: must be a string$/],
      [api({ name: '   ' }), /^name: must not be empty$/],
      [api({ name: 'n'.repeat(256) }), /^name: must be at most 255/],
      [{ name: 'X', trigger: 'api' }, /^key is required for an api achievement$/],
      [api({ key: 'has space' }), /^key: must be letters, digits, - and _ only$/],
      [api({ key: 'dot.ted' }), /^key: /],
      [api({ key: taken }), /^Key already in use by another achievement$/],
      [{ name: 'X', key: unique('k') }, /^trigger: is required$/],
      [api({ trigger: 'points' }), /^trigger: must be one of metric, streak, api, achievement, anniversary$/],
      [api({ nmae: 'typo' }), /unknown field nmae/],
      [api({ description: 7 }), /^description: must be a string$/],
      [api({ badgeUrl: 'ftp://example.com/b.png' }), /^badgeUrl: must be an absolute http or https URL/],
      [api({ badgeUrl: 'badge.png' }), /^badgeUrl: must be an absolute http or https URL/],
      [api({ status: 'locked' }), /status: a new achievement is inactive or active/],
      [api({ status: 'archived' }), /^status: must be one of inactive, active, locked$/],
      [metricItem({ metricKey: undefined }), /^metricKey or metricId is required for a metric achievement$/],
      [metricItem({ metricKey: 'nope' }), /^Metric not found by key: nope$/],
      [metricItem({ metricKey: undefined, metricId: 'nope' }), /^Metric not found by ID: nope$/],
      [metricItem({ metricKey: foreignMetric.key }), /^Metric not found by key: foreign$/],
      [metricItem({ metricKey: undefined, metricId: foreignMetric.id }), /^Metric not found by ID: /],
      [metricItem({ metricValue: undefined }), /^metricValue is required for a metric achievement$/],
      [metricItem({ metricValue: '10' }), /^metricValue: must be a number$/],
      [metricItem({ eventAttributes: [{ key: 'nope', value: 'x' }] }), /^eventAttributes: Invalid event attribute keys: nope/],
      [metricItem({ eventAttributes: [{ key: 'plan', value: 'x' }] }), /^eventAttributes: Invalid event attribute keys: plan/],
      [metricItem({ eventAttributes: [{ key: 'source' }] }), /^eventAttributes\[0\]\.value: is required$/],
      [metricItem({ streakLength: 3 }), /^streakLength applies only to streak achievements, not metric ones$/],
      [api({ metricValue: 3 }), /^metricValue applies only to metric achievements, not api ones$/],
      [api({ metricKey: 'words' }), /^metricKey applies only to metric achievements/],
      [api({ eventAttributes: [] }), /^eventAttributes applies only to metric achievements/],
      [{ name: 'S', key: unique('s'), trigger: 'streak' }, /^streakLength is required for a streak achievement$/],
      [{ name: 'S', key: unique('s'), trigger: 'streak', streakLength: 0 }, /^streakLength: must be at least 1$/],
      [{ name: 'S', key: unique('s'), trigger: 'streak', streakLength: 1.5 }, /^streakLength: must be a whole number$/],
      [{ name: 'S', key: unique('s'), trigger: 'streak', streakLength: 3, achievementIds: [prerequisite.id] }, /^achievementIds applies only to achievement achievements/],
      [{ name: 'C', key: unique('c'), trigger: 'achievement' }, /^achievementIds is required/],
      [{ name: 'C', key: unique('c'), trigger: 'achievement', achievementIds: [] }, /^achievementIds: must list at least one achievement$/],
      [{ name: 'C', key: unique('c'), trigger: 'achievement', achievementIds: ['nope'] }, /^achievementIds: Achievement not found by ID: nope$/],
      [{ name: 'C', key: unique('c'), trigger: 'achievement', achievementIds: [foreignAchievement.id] }, /^achievementIds: Achievement not found by ID/],
      [api({ userAttributes: [{ key: 'nope', value: 'x' }] }), /^userAttributes: Invalid user attribute keys: nope/],
      [api({ userAttributes: [{ key: 'source', value: 'x' }] }), /^userAttributes: Invalid user attribute keys: source/],
      [api({ userAttributes: [{ key: 'plan', value: 'a' }, { key: 'plan', value: 'b' }] }), /^userAttributes: each key may appear once \(repeated: plan\)$/],
      [api({ userAttributes: 'plan:pro' }), /^userAttributes: must be an array$/],
      ['not an object', /^must be an object$/],
      [null, /^must be an object, not null$/],
    ];
    const valid = api({ name: 'Valid one' });
    const before = await laurel.api('GET', `${ACHIEVEMENTS}?limit=100`);
    for (const [item, message] of cases) {
      const response = await post([valid, item].map((x) => (x === valid ? { ...valid, key: unique('valid') } : x)));
      assert.equal(response.status, 201, `${JSON.stringify(item)}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.created.length, 1);
      assert.equal(response.body.issues.length, 1, `${JSON.stringify(item)}: ${JSON.stringify(response.body.issues)}`);
      const [issue] = response.body.issues;
      assert.deepEqual(Object.keys(issue).sort(), ['index', 'message', 'severity']);
      assert.equal(issue.index, 1);
      assert.equal(issue.severity, 'error');
      assert.match(issue.message, message, JSON.stringify(item));
    }
    const afterList = await laurel.api('GET', `${ACHIEVEMENTS}?limit=100`);
    assert.equal(afterList.body.length, before.body.length + cases.length, 'only the valid items were created');
  });

  test('an item with several problems reports each; when none is created the answer is 200', async () => {
    const response = await post([
      { name: '', key: 'bad key', trigger: 'api' },
      { name: 'S', key: unique('s'), trigger: 'streak', metricValue: 1, userAttributes: [{ key: 'nope', value: '1' }] },
    ]);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.created, []);
    assert.deepEqual(
      response.body.issues.map((i: any) => [i.index, i.message]),
      [
        [0, 'name: must not be empty'],
        [0, 'key: must be letters, digits, - and _ only'],
        [1, 'metricValue applies only to metric achievements, not streak ones'],
        [1, 'streakLength is required for a streak achievement'],
        [1, 'userAttributes: Invalid user attribute keys: nope. Declare them as user attributes first.'],
      ],
    );
  });

  test('a key used twice in one request: the first is created, the second is an issue', async () => {
    const key = unique('twice');
    const response = await post([
      { name: 'One', key, trigger: 'api' },
      { name: 'Two', key, trigger: 'api' },
    ]);
    assert.equal(response.status, 201);
    assert.deepEqual(response.body.created.map((a: any) => a.name), ['One']);
    assert.deepEqual(response.body.issues, [{ index: 1, severity: 'error', message: 'Key already in use by another achievement' }]);
  });

  test('metricKey and metricId may both be given when they name the same metric', async () => {
    const ok = await post([{ name: 'Both', key: unique('both'), trigger: 'metric', metricKey: 'words', metricId: metric.id, metricValue: 1 }]);
    assert.equal(ok.status, 201);
    const other = await createMetric(laurel, env);
    const clash = await post([{ name: 'Both', key: unique('both'), trigger: 'metric', metricKey: 'words', metricId: other.id, metricValue: 1 }]);
    assert.deepEqual(clash.body.issues.map((i: any) => i.message), ['metricKey and metricId name different metrics; give one of them']);
  });

  test('a malformed body as a whole is a 422 and writes nothing', async () => {
    const count = async () => (await laurel.backend.db.selectFrom('achievements').select('id').execute()).length;
    const before = await count();
    const item = { name: 'X', key: unique('x'), trigger: 'api' };
    assertError(await post(item), 422, /body: /);
    assertError(await post([]), 422, /send at least one achievement/);
    assertError(await post(Array.from({ length: 101 }, (_, i) => ({ ...item, key: `k${i}` }))), 422, /at most 100 achievements per request/);
    assertError(await patch({ id: 'x', name: 'y' }), 422, /body: /);
    assertError(await patch([]), 422, /send at least one change/);
    assertError(await laurel.api('POST', ACHIEVEMENTS, { rawBody: '[{' }), 400, /Malformed JSON/);
    assert.equal(await count(), before);
    const accepted = await post(Array.from({ length: 100 }, (_, i) => ({ ...item, key: unique(`hundred${i}`) })));
    assert.equal(accepted.status, 201);
    assert.equal(accepted.body.created.length, 100);
  });

  test('update changes the fields given and keeps the rest; null clears description and badge', async () => {
    const created = await createAchievement(laurel, env, {
      name: 'Old',
      key: unique('upd'),
      trigger: 'metric',
      metricKey: 'words',
      metricValue: 5,
      description: 'old',
      badgeUrl: 'https://example.com/old.png',
      userAttributes: [{ key: 'plan', value: 'pro' }],
    });
    clock.advance(5_000);
    const other = await createMetric(laurel, env, unique('pages'), 'Pages');
    const updated = await updateAchievement(laurel, env, { id: created.id, name: 'New', metricKey: other.key, description: null });
    assert.deepEqual(updated, {
      ...created,
      name: 'New',
      description: null,
      metricId: other.id,
      metricName: 'Pages',
      updated: new Date(clock.now()).toISOString(),
    });
    const again = await updateAchievement(laurel, env, { id: created.id, badgeUrl: null, userAttributes: [], metricValue: 7.5, key: created.key, trigger: 'metric' });
    assert.equal(again.badgeUrl, null);
    assert.deepEqual(again.userAttributes, []);
    assert.equal(again.metricValue, 7.5);
    assert.equal(again.name, 'New');
    assert.deepEqual((await laurel.api('GET', `${ACHIEVEMENTS}/${created.id}`)).body, again);
  });

  test('update problems are issues naming the achievement by id (by index when there is no readable id)', async () => {
    const created = await createAchievement(laurel, env, { name: 'U', key: unique('u'), trigger: 'streak', streakLength: 3 });
    const response = await patch([
      { id: created.id, key: 'changed' },
      { id: created.id, trigger: 'api' },
      { id: 'nope', name: 'x' },
      { id: created.id, name: 5 },
      { id: created.id },
      { name: 'no id' },
      { id: created.id, metricValue: 4 },
      { id: created.id, streakLength: 0 },
      { id: created.id, userAttributes: [{ key: 'region', value: 'eu' }], name: 'Fine' },
    ]);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.issues, [
      { id: created.id, severity: 'error', message: `key cannot be changed (it is ${created.key})` },
      { id: created.id, severity: 'error', message: 'trigger cannot be changed (it is streak)' },
      { id: 'nope', severity: 'error', message: 'Achievement not found by ID' },
      { id: created.id, severity: 'error', message: 'name: must be a string' },
      { id: created.id, severity: 'error', message: 'give at least one field to change besides id' },
      { index: 5, severity: 'error', message: 'id: is required' },
      { id: created.id, severity: 'error', message: 'metricValue applies only to metric achievements, not streak ones' },
      { id: created.id, severity: 'error', message: 'streakLength: must be at least 1' },
    ]);
    assert.equal(response.body.updated.length, 1);
    assert.equal(response.body.updated[0].name, 'Fine');
    assert.deepEqual(
      response.body.updated[0].userAttributes.map(({ key, value }: { key: string; value: string }) => ({ key, value })),
      [{ key: 'region', value: 'eu' }],
    );
    assert.equal(response.body.updated[0].streakLength, 3);
  });

  test('status moves: inactive → active, active ↔ locked; every other move is an issue', async () => {
    const make = async (status: 'inactive' | 'active' | 'locked') => {
      const created = await createAchievement(laurel, env, { name: 'S', key: unique('status'), trigger: 'api', ...(status !== 'inactive' ? { status: 'active' } : {}) });
      if (status === 'locked') await updateAchievement(laurel, env, { id: created.id, status: 'locked' });
      return created.id as string;
    };
    const moves: [from: 'inactive' | 'active' | 'locked', to: string, allowed: boolean][] = [
      ['inactive', 'active', true],
      ['inactive', 'locked', false],
      ['inactive', 'inactive', true],
      ['active', 'locked', true],
      ['active', 'inactive', false],
      ['active', 'active', true],
      ['locked', 'active', true],
      ['locked', 'inactive', false],
      ['locked', 'locked', true],
    ];
    for (const [from, to, allowed] of moves) {
      const id = await make(from);
      const response = await patch([{ id, status: to }]);
      assert.equal(response.status, 200);
      if (allowed) {
        assert.deepEqual(response.body.issues, [], `${from} → ${to}`);
        assert.equal(response.body.updated[0].status, to);
      } else {
        assert.deepEqual(response.body.updated, [], `${from} → ${to}`);
        assert.equal(response.body.issues.length, 1);
        assert.match(response.body.issues[0].message, new RegExp(`status cannot change from ${from} to ${to}`));
      }
      assert.equal((await laurel.api('GET', `${ACHIEVEMENTS}/${id}`)).body.status, allowed ? to : from);
    }
  });

  test('composites cannot require themselves, directly or through others', async () => {
    const base = await createAchievement(laurel, env, { name: 'Base', key: unique('base'), trigger: 'api' });
    const one = await createAchievement(laurel, env, { name: 'One', key: unique('one'), trigger: 'achievement', achievementIds: [base.id] });
    const two = await createAchievement(laurel, env, { name: 'Two', key: unique('two'), trigger: 'achievement', achievementIds: [one.id] });
    const three = await createAchievement(laurel, env, { name: 'Three', key: unique('three'), trigger: 'achievement', achievementIds: [two.id, base.id] });
    const cases: [string, RegExp][] = [
      [one.id, /cannot require itself/],
      [two.id, /would make a cycle/],
      [three.id, /would make a cycle/],
    ];
    for (const [prerequisite, message] of cases) {
      const response = await patch([{ id: one.id, achievementIds: [base.id, prerequisite] }]);
      assert.deepEqual(response.body.updated, []);
      assert.equal(response.body.issues.length, 1);
      assert.equal(response.body.issues[0].id, one.id);
      assert.match(response.body.issues[0].message, message);
    }
    // Two changes in one request that only together make a cycle: the second sees the first.
    const four = await createAchievement(laurel, env, { name: 'Four', key: unique('four'), trigger: 'achievement', achievementIds: [base.id] });
    const together = await patch([
      { id: four.id, achievementIds: [three.id] },
      { id: one.id, achievementIds: [four.id] },
    ]);
    assert.deepEqual(together.body.updated.map((a: any) => a.id), [four.id]);
    assert.match(together.body.issues[0].message, /would make a cycle/);
    // A harmless re-wiring is fine.
    const fine = await updateAchievement(laurel, env, { id: three.id, achievementIds: [one.id] });
    assert.deepEqual(fine.achievementIds, [one.id]);
  });

  test('delete takes ?ids=a,b or repeated ids, reports unknown ids, and removes completions', async () => {
    const [a, b, c] = await createAchievements(laurel, env, [
      { name: 'A', key: unique('del'), trigger: 'api' },
      { name: 'B', key: unique('del'), trigger: 'api' },
      { name: 'C', key: unique('del'), trigger: 'api' },
    ]);
    const user = await insertUser(laurel, env);
    await laurel.backend.db
      .insertInto('user_achievements')
      .values({ id: unique('completion'), environment_id: env.id, user_id: user, achievement_id: a.id, achieved_at: clock.now(), backdated: 0 })
      .execute();
    const comma = await laurel.api('DELETE', `${ACHIEVEMENTS}?ids=${a.id},${b.id}`);
    assert.equal(comma.status, 200);
    assert.deepEqual(comma.body, { deleted: [{ id: a.id }, { id: b.id }], issues: [] });
    const repeated = await laurel.api('DELETE', `${ACHIEVEMENTS}?ids=${c.id}&ids=${a.id}`);
    assert.deepEqual(repeated.body, { deleted: [{ id: c.id }], issues: [{ id: a.id, severity: 'error', message: 'Achievement not found by ID' }] });
    assertError(await laurel.api('GET', `${ACHIEVEMENTS}/${a.id}`), 404);
    const left = await laurel.backend.db.selectFrom('user_achievements').selectAll().where('achievement_id', '=', a.id).execute();
    assert.deepEqual(left, []);
    assertError(await laurel.api('DELETE', ACHIEVEMENTS), 422, /ids/);
  });

  test('an achievement a composite requires is kept, unless the composite is deleted with it', async () => {
    const base = await createAchievement(laurel, env, { name: 'Base', key: unique('base'), trigger: 'api' });
    const composite = await createAchievement(laurel, env, { name: 'Comp', key: unique('comp'), trigger: 'achievement', achievementIds: [base.id] });
    const outer = await createAchievement(laurel, env, { name: 'Outer', key: unique('outer'), trigger: 'achievement', achievementIds: [composite.id] });
    const refused = await laurel.api('DELETE', `${ACHIEVEMENTS}?ids=${base.id},${composite.id}`);
    assert.deepEqual(refused.body.deleted, []);
    assert.deepEqual(
      refused.body.issues.map((i: any) => [i.id, i.message]),
      [
        [base.id, `Achievement is required by composite achievement ${composite.key}; remove it from them first`],
        [composite.id, `Achievement is required by composite achievement ${outer.key}; remove it from them first`],
      ],
    );
    const all = await laurel.api('DELETE', `${ACHIEVEMENTS}?ids=${base.id},${composite.id},${outer.id}`);
    assert.deepEqual(all.body, { deleted: [{ id: base.id }, { id: composite.id }, { id: outer.id }], issues: [] });
  });

  test('environments are isolated: same keys allowed, other ids unknown everywhere', async () => {
    const a = await newEnv(laurel);
    const b = await newEnv(laurel);
    const mine = await createAchievement(laurel, a, { name: 'Mine', key: 'shared-key', trigger: 'api' });
    const theirs = await createAchievement(laurel, b, { name: 'Theirs', key: 'shared-key', trigger: 'api' });
    assert.notEqual(mine.id, theirs.id);
    assertError(await laurel.api('GET', `${ACHIEVEMENTS}/${mine.id}`, { key: b.key }), 404);
    const patched = await patch([{ id: mine.id, name: 'Hijacked' }], b.key);
    assert.deepEqual(patched.body, { updated: [], issues: [{ id: mine.id, severity: 'error', message: 'Achievement not found by ID' }] });
    const deleted = await laurel.api('DELETE', `${ACHIEVEMENTS}?ids=${mine.id}`, { key: b.key });
    assert.deepEqual(deleted.body.deleted, []);
    assert.deepEqual((await laurel.api('GET', `${ACHIEVEMENTS}?limit=100`, { key: b.key })).body.map((x: any) => x.id), [theirs.id]);
    assert.equal((await laurel.api('GET', `${ACHIEVEMENTS}/${mine.id}`, { key: a.key })).body.name, 'Mine');
    // Attributes are per environment too.
    const filtered = await post([{ name: 'F', key: 'f', trigger: 'api', userAttributes: [{ key: 'plan', value: 'pro' }] }], a.key);
    assert.match(filtered.body.issues[0].message, /Invalid user attribute keys: plan/);
  });

  test('requests need an admin key', async () => {
    assertError(await laurel.api('GET', ACHIEVEMENTS, { key: null }), 401);
    assertError(await laurel.api('POST', ACHIEVEMENTS, { key: 'bad.key', body: [] }), 401);
  });

  test('the API document lists the routes under their tag', async () => {
    const response = await laurel.api('GET', '/openapi.json', { key: null });
    assert.equal(response.status, 200, 'the API document builds');
    const doc = response.body;
    const ops = [
      ['get', '/admin/v1/achievements'],
      ['post', '/admin/v1/achievements'],
      ['patch', '/admin/v1/achievements'],
      ['delete', '/admin/v1/achievements'],
      ['get', '/admin/v1/achievements/{id}'],
    ] as const;
    for (const [method, path] of ops) assert.deepEqual(doc.paths[path]?.[method]?.tags, ['Achievements'], `${method} ${path}`);
    const body = doc.paths['/admin/v1/achievements'].post.requestBody.content['application/json'].schema;
    assert.equal(body.type, 'array', 'the items are described even though each is checked on its own');
    assert.ok(doc.paths['/v1/achievements'].get);
  });
});
