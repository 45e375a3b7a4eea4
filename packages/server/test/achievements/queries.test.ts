import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { activeRules, listWithStats, metricAchievements, userAchievements } from '../../src/achievements/achievement-queries.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { appSchemaValidator } from '../support/reference-schemas.js';
import { assertError } from '../support/assert-error.js';
import { createAchievement, createAchievements, createAttribute, createMetric, insertHeldCompletions, insertUser, newEnv, updateAchievement, type Env } from './helpers.js';

/** Checks each item against Trophy's schema of that name (skipped when the reference document is not on this machine). */
function assertMatchesReference(schemaName: string, items: unknown[]): void {
  const validate = appSchemaValidator(schemaName);
  if (!validate) return;
  for (const item of items) assert.deepEqual(validate(item), [], `${schemaName}: ${JSON.stringify(item)}`);
}

forEachBackend('achievement queries and GET /v1/achievements', (database) => {
  let laurel: TestLaurel;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
  });
  after(() => laurel.close());

  const list = async (env: Env, query = '') => {
    const response = await laurel.api('GET', `/v1/achievements${query}`, { key: env.key });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assertMatchesReference('AchievementWithStatsResponse', response.body);
    return response.body as any[];
  };

  // Streak, locked and inactive achievements held: holdings the API cannot complete.
  const complete = (env: Env, userId: string, achievementIds: string[]) => insertHeldCompletions(laurel, env, userId, achievementIds);

  test('GET /v1/achievements lists the active achievements with completions and rarity (a percentage)', async () => {
    const env = await newEnv(laurel);
    const metric = await createMetric(laurel, env, 'words', 'Words written');
    await createAttribute(laurel, env, 'source', 'event');
    const [api, words, streak, inactive, locked] = await createAchievements(laurel, env, [
      { name: 'Finish onboarding', key: 'onboarding', trigger: 'api', status: 'active', description: 'Do it', badgeUrl: 'https://example.com/b.png' },
      { name: '500 words', key: 'words-500', trigger: 'metric', metricKey: 'words', metricValue: 500, status: 'active', eventAttributes: [{ key: 'source', value: 'app' }] },
      { name: '3 days', key: 'streak-3', trigger: 'streak', streakLength: 3, status: 'active' },
      { name: 'Hidden', key: 'hidden', trigger: 'api' },
      { name: 'Locked', key: 'locked', trigger: 'api', status: 'active' },
    ]);
    await updateAchievement(laurel, env, { id: locked.id, status: 'locked' });
    const composite = await createAchievement(laurel, env, { name: 'Both', key: 'both', trigger: 'achievement', achievementIds: [api.id, streak.id], status: 'active' });

    assert.deepEqual(
      (await list(env)).map((a) => [a.key, a.completions, a.rarity]),
      [
        ['onboarding', 0, 0],
        ['words-500', 0, 0],
        ['streak-3', 0, 0],
        ['both', 0, 0],
      ],
      'no users: rarity 0; inactive and locked left out',
    );

    const users = [];
    for (let i = 0; i < 10; i++) users.push(await insertUser(laurel, env));
    for (const user of users.slice(0, 8)) await complete(env, user, [api.id]);
    for (const user of users.slice(0, 3)) await complete(env, user, [streak.id, locked.id]);
    await complete(env, users[9]!, [inactive.id]);

    const body = await list(env);
    assert.deepEqual(
      body.map((a) => [a.key, a.completions, a.rarity]),
      [
        ['onboarding', 8, 80],
        ['words-500', 0, 0],
        ['streak-3', 3, 30],
        ['both', 0, 0],
      ],
    );
    const [onboarding, wordsItem, streakItem, compositeItem] = body;
    assert.deepEqual(onboarding, {
      id: api.id,
      name: 'Finish onboarding',
      trigger: 'api',
      description: 'Do it',
      badgeUrl: 'https://example.com/b.png',
      key: 'onboarding',
      userAttributes: [],
      completions: 8,
      rarity: 80,
    });
    assert.deepEqual(wordsItem, {
      id: words.id,
      name: '500 words',
      trigger: 'metric',
      description: null,
      badgeUrl: null,
      key: 'words-500',
      metricId: metric.id,
      metricValue: 500,
      metricName: 'Words written',
      userAttributes: [],
      eventAttribute: { key: 'source', value: 'app' },
      eventAttributes: [{ key: 'source', value: 'app' }],
      completions: 0,
      rarity: 0,
    });
    assert.equal(streakItem.streakLength, 3);
    assert.deepEqual(compositeItem.achievementIds, [api.id, streak.id]);
    assert.equal(compositeItem.id, composite.id);

    // A fraction stays a double.
    await insertUser(laurel, env);
    await insertUser(laurel, env);
    const [first] = await list(env);
    assert.equal(first.rarity, (8 * 100) / 12);
  });

  test('userAttributes keeps only the achievements a user with those attributes could unlock', async () => {
    const env = await newEnv(laurel);
    await createAttribute(laurel, env, 'plan', 'user');
    await createAttribute(laurel, env, 'region', 'user');
    await createAttribute(laurel, env, 'url', 'user');
    await createAchievements(laurel, env, [
      { name: 'Everyone', key: 'everyone', trigger: 'api', status: 'active' },
      { name: 'Pro', key: 'pro', trigger: 'api', status: 'active', userAttributes: [{ key: 'plan', value: 'pro' }] },
      { name: 'Pro EU', key: 'pro-eu', trigger: 'api', status: 'active', userAttributes: [{ key: 'plan', value: 'pro' }, { key: 'region', value: 'eu' }] },
      { name: 'Site', key: 'site', trigger: 'api', status: 'active', userAttributes: [{ key: 'url', value: 'https://a.b' }] },
    ]);
    const keys = async (query: string) => (await list(env, query)).map((a) => a.key);
    assert.deepEqual(await keys(''), ['everyone', 'pro', 'pro-eu', 'site']);
    assert.deepEqual(await keys('?userAttributes=plan:pro'), ['everyone', 'pro']);
    assert.deepEqual(await keys('?userAttributes=plan:pro,region:eu'), ['everyone', 'pro', 'pro-eu']);
    assert.deepEqual(await keys('?userAttributes=plan:pro&userAttributes=region:eu'), ['everyone', 'pro', 'pro-eu'], 'repeated, as SDKs send');
    assert.deepEqual(await keys('?userAttributes=plan:free'), ['everyone']);
    assert.deepEqual(await keys(`?userAttributes=${encodeURIComponent('url:https://a.b')}`), ['everyone', 'site'], 'the value may hold colons');
    assert.deepEqual(await keys('?userAttributes='), ['everyone'], 'empty means no attributes');
    for (const bad of ['plan', ':pro', 'plan:pro,region']) {
      assertError(await laurel.api('GET', `/v1/achievements?userAttributes=${encodeURIComponent(bad)}`, { key: env.key }), 422, /userAttributes/, /key:value/);
    }
  });

  test('GET /v1/achievements needs a key and shows only its environment', async () => {
    const a = await newEnv(laurel);
    const b = await newEnv(laurel);
    await createAchievement(laurel, a, { name: 'A', key: 'a', trigger: 'api', status: 'active' });
    assert.deepEqual(await list(b), []);
    assert.equal((await list(a)).length, 1);
    assertError(await laurel.api('GET', '/v1/achievements', { key: null }), 401);
  });

  test("userAchievements: completed ones (locked ones held included); with includeIncomplete also the active ones not yet done", async () => {
    const env = await newEnv(laurel);
    const metric = await createMetric(laurel, env, 'words', 'Words');
    const [done, todo, heldLocked, otherLocked, inactive] = await createAchievements(laurel, env, [
      { name: 'Done', key: 'done', trigger: 'metric', metricKey: 'words', metricValue: 1, status: 'active' },
      { name: 'Todo', key: 'todo', trigger: 'api', status: 'active' },
      { name: 'Held locked', key: 'held-locked', trigger: 'api', status: 'active' },
      { name: 'Other locked', key: 'other-locked', trigger: 'api', status: 'active' },
      { name: 'Inactive', key: 'inactive', trigger: 'api' },
    ]);
    const user = await insertUser(laurel, env);
    const other = await insertUser(laurel, env);
    const [completion] = await complete(env, user, [done.id, heldLocked.id]);
    await complete(env, other, [otherLocked.id, done.id]);
    for (const id of [heldLocked.id, otherLocked.id]) await updateAchievement(laurel, env, { id, status: 'locked' });
    const at = new Date(completion!.achievedAt).toISOString();

    const completed = await userAchievements(laurel.backend.db, env.id, user, false);
    assertMatchesReference('UserAchievementWithStatsResponse', completed);
    assert.deepEqual(
      completed.map((a) => [a.key, a.achievedAt, a.completions, a.rarity]),
      [
        ['done', at, 2, 100],
        ['held-locked', at, 1, 50],
      ],
    );
    assert.equal(completed[0]!.metricName, 'Words');
    assert.equal(completed[0]!.metricId, metric.id);

    const all = await userAchievements(laurel.backend.db, env.id, user, true);
    assertMatchesReference('UserAchievementWithStatsResponse', all);
    assert.deepEqual(
      all.map((a) => [a.key, a.achievedAt]),
      [
        ['done', at],
        ['todo', null],
        ['held-locked', at],
      ],
    );
    assert.ok(!all.some((a) => a.id === inactive.id || a.id === otherLocked.id));
    assert.equal(todo.status, 'active');
    assert.deepEqual(await userAchievements(laurel.backend.db, env.id, 'nobody', false), []);
  });

  test('metricAchievements: per metric, the active achievements and the locked ones the user holds', async () => {
    const env = await newEnv(laurel);
    const words = await createMetric(laurel, env, 'words', 'Words');
    const pages = await createMetric(laurel, env, 'pages', 'Pages');
    const empty = await createMetric(laurel, env, 'empty', 'Empty');
    const [w10, w20, wLocked, wLockedHeld, wInactive, p5] = await createAchievements(laurel, env, [
      { name: 'W10', key: 'w10', trigger: 'metric', metricKey: 'words', metricValue: 10, status: 'active' },
      { name: 'W20', key: 'w20', trigger: 'metric', metricKey: 'words', metricValue: 20, status: 'active' },
      { name: 'WL', key: 'wl', trigger: 'metric', metricKey: 'words', metricValue: 30, status: 'active' },
      { name: 'WLH', key: 'wlh', trigger: 'metric', metricKey: 'words', metricValue: 40, status: 'active' },
      { name: 'WI', key: 'wi', trigger: 'metric', metricKey: 'words', metricValue: 50 },
      { name: 'P5', key: 'p5', trigger: 'metric', metricKey: 'pages', metricValue: 5, status: 'active' },
    ]);
    const user = await insertUser(laurel, env);
    const [first] = await complete(env, user, [w10.id, wLockedHeld.id]);
    for (const id of [wLocked.id, wLockedHeld.id]) await updateAchievement(laurel, env, { id, status: 'locked' });
    const at = new Date(first!.achievedAt).toISOString();

    const result = await metricAchievements(laurel.backend.db, env.id, [words.id, pages.id, empty.id], user);
    assert.deepEqual([...result.keys()], [words.id, pages.id, empty.id]);
    assert.deepEqual(result.get(words.id)!.map((a) => [a.id, a.achievedAt]), [
      [w10.id, at],
      [w20.id, null],
      [wLockedHeld.id, at],
    ]);
    assert.deepEqual(result.get(pages.id)!.map((a) => [a.id, a.achievedAt]), [[p5.id, null]]);
    assert.deepEqual(result.get(empty.id), []);
    assert.ok(!result.get(words.id)!.some((a) => a.id === wInactive.id));
    assertMatchesReference('UserAchievementResponse', [...result.values()].flat());
    assert.equal(result.get(words.id)![0]!.metricName, 'Words');
    assert.deepEqual(await metricAchievements(laurel.backend.db, env.id, [], user), new Map());
  });

  test('activeRules: the active achievements as rows by id, their rules in creation order, and metric names', async () => {
    const env = await newEnv(laurel);
    const words = await createMetric(laurel, env, 'words', 'Words');
    await createAttribute(laurel, env, 'source', 'event');
    const [a, , c] = await createAchievements(laurel, env, [
      { name: 'A', key: 'a', trigger: 'metric', metricKey: 'words', metricValue: 3, status: 'active', eventAttributes: [{ key: 'source', value: 'x' }] },
      { name: 'B', key: 'b', trigger: 'api' },
      { name: 'C', key: 'c', trigger: 'streak', streakLength: 2, status: 'active' },
    ]);
    const rules = await activeRules(laurel.backend.db, env.id);
    assert.deepEqual([...rules.rows.keys()], [a.id, c.id]);
    assert.deepEqual(rules.rules, [
      {
        id: a.id,
        trigger: 'metric',
        status: 'active',
        metricId: words.id,
        metricValue: 3,
        streakLength: null,
        prerequisiteIds: [],
        userAttributes: [],
        eventAttributes: [{ key: 'source', value: 'x' }],
      },
      { id: c.id, trigger: 'streak', status: 'active', metricId: null, metricValue: null, streakLength: 2, prerequisiteIds: [], userAttributes: [], eventAttributes: [] },
    ]);
    assert.deepEqual(rules.metricNames, new Map([[words.id, 'Words']]));
    assert.equal(rules.rows.get(a.id)!.key, 'a');
  });

  test('listWithStats filters by user attributes when given', async () => {
    const env = await newEnv(laurel);
    await createAttribute(laurel, env, 'plan', 'user');
    await createAchievements(laurel, env, [
      { name: 'All', key: 'all', trigger: 'api', status: 'active' },
      { name: 'Pro', key: 'pro', trigger: 'api', status: 'active', userAttributes: [{ key: 'plan', value: 'pro' }] },
    ]);
    assert.deepEqual((await listWithStats(laurel.backend.db, env.id)).map((a) => a.key), ['all', 'pro']);
    assert.deepEqual((await listWithStats(laurel.backend.db, env.id, {})).map((a) => a.key), ['all']);
    assert.deepEqual((await listWithStats(laurel.backend.db, env.id, { plan: 'pro' })).map((a) => a.key), ['all', 'pro']);
  });
});
