import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ManualClock } from '../../src/clock.js';
import { completionRow, insertCompletionRows } from '../../src/achievements/completions.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { createWebhook } from '../support/webhooks.js';
import { setTotal } from '../support/rows.js';
import {
  ACHIEVEMENTS,
  completions,
  createAchievement,
  createAchievements,
  createAttribute,
  createMetric,
  holders,
  insertEvent,
  insertUser,
  newEnv,
  setStreak,
  updateAchievement,
  type Env,
} from './helpers.js';

forEachBackend('achievement backdating', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;

  before(async () => {
    // The worker role for its scheduler, which these tests run by hand (runDue): backdating is a job.
    laurel = await startTestLaurel({ databaseUrl: database().url });
    clock = laurel.clock as ManualClock;
  });
  after(() => laurel.close());

  // Requests that backdate answer before the walk that grants the completions has run; these run
  // it to the end before the test looks (the first test shows the order).
  const backdating = () => laurel.scheduler!.runDue();
  const createThenBackdate = async (env: Env, item: Record<string, unknown>) => {
    const created = await createAchievement(laurel, env, item);
    await backdating();
    return created;
  };
  const createManyThenBackdate = async (env: Env, items: Record<string, unknown>[]) => {
    const created = await createAchievements(laurel, env, items);
    await backdating();
    return created;
  };
  const updateThenBackdate = async (env: Env, change: Record<string, unknown>) => {
    const updated = await updateAchievement(laurel, env, change);
    await backdating();
    return updated;
  };

  /** A fresh environment with a metric, the attributes the tests filter on, and a webhook for every completion. */
  async function setup(): Promise<{ env: Env; metric: { id: string; key: string } }> {
    const env = await newEnv(laurel);
    const metric = await createMetric(laurel, env, 'words', 'Words');
    await createAttribute(laurel, env, 'plan', 'user');
    await createAttribute(laurel, env, 'source', 'event');
    // Streak lengths count only where the environment has a streak.
    await laurel.backend.db
      .insertInto('streak_settings')
      .values({ environment_id: env.id, settings: JSON.stringify({ enabled: true, conditions: [{ metricId: metric.id, threshold: 1 }] }), updated_at: clock.now() })
      .execute();
    await createWebhook(laurel, { events: ['achievement.completed'] }, env.key);
    return { env, metric };
  }

  async function progress(env: Env, achievementId: string): Promise<Record<string, number>> {
    const rows = await laurel.backend.db
      .selectFrom('achievement_progress')
      .select(['user_id', 'total'])
      .where('environment_id', '=', env.id)
      .where('achievement_id', '=', achievementId)
      .orderBy('user_id')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.user_id, r.total]));
  }

  async function assertNoWebhookEvents(env: Env): Promise<void> {
    const db = laurel.backend.db;
    assert.deepEqual(await db.selectFrom('events').select('id').where('environment_id', '=', env.id).execute(), [], 'no webhook events');
    assert.deepEqual(await db.selectFrom('deliveries').select('id').where('environment_id', '=', env.id).execute(), [], 'no deliveries');
  }

  test('the response comes first: the request commits the achievement and one backdating job, which grants the completions as of the change', async () => {
    const { env, metric } = await setup();
    const user = await insertUser(laurel, env);
    await setTotal(laurel, env, user, metric.id, 3);
    const achievement = await createAchievement(laurel, env, { name: 'Three', key: 'three', trigger: 'metric', metricKey: 'words', metricValue: 3, status: 'active' });
    assert.deepEqual(await completions(laurel, env), []);
    const jobs = await laurel.backend.db.selectFrom('scheduled_jobs').select(['kind', 'payload', 'due_at']).where('environment_id', '=', env.id).execute();
    assert.deepEqual(jobs, [{ kind: 'achievement-backdate', payload: JSON.stringify({ startedAt: clock.now(), after: null }), due_at: clock.now() }]);
    const changedAt = clock.now();
    clock.advance(5_000); // a worker that gets to it a little later
    assert.equal(await backdating(), 1, 'one chunk for one user');
    assert.deepEqual(await completions(laurel, env), [{ userId: user, achievementId: achievement.id, backdated: 1, achievedAt: changedAt }], 'stamped with the time of the change');
    assert.deepEqual(await laurel.backend.db.selectFrom('scheduled_jobs').select('id').where('environment_id', '=', env.id).execute(), [], 'the walk is done');
  });

  test('a metric achievement created active is granted silently to every user whose total reaches it', async () => {
    const { env, metric } = await setup();
    const [rich, exact, poor] = [await insertUser(laurel, env, 'rich'), await insertUser(laurel, env, 'exact'), await insertUser(laurel, env, 'poor')];
    await insertUser(laurel, env, 'none');
    await setTotal(laurel, env, rich, metric.id, 10);
    await setTotal(laurel, env, exact, metric.id, 5);
    await setTotal(laurel, env, poor, metric.id, 4.5);
    clock.advance(60_000);
    const achievement = await createThenBackdate(env, { name: 'Five', key: 'five', trigger: 'metric', metricKey: 'words', metricValue: 5, status: 'active' });
    assert.deepEqual(await completions(laurel, env), [
      { userId: 'exact', achievementId: achievement.id, backdated: 1, achievedAt: clock.now() },
      { userId: 'rich', achievementId: achievement.id, backdated: 1, achievedAt: clock.now() },
    ]);
    await assertNoWebhookEvents(env);
  });

  test('an inactive achievement grants nothing until it is activated', async () => {
    const { env, metric } = await setup();
    const user = await insertUser(laurel, env);
    await setTotal(laurel, env, user, metric.id, 100);
    const achievement = await createThenBackdate(env, { name: 'Hundred', key: 'hundred', trigger: 'metric', metricKey: 'words', metricValue: 100 });
    assert.deepEqual(await completions(laurel, env), []);
    clock.advance(1_000);
    await updateThenBackdate(env, { id: achievement.id, status: 'active' });
    assert.deepEqual(await holders(laurel, env, achievement.id), [user]);
    assert.equal((await completions(laurel, env))[0]!.achievedAt, clock.now());
    await assertNoWebhookEvents(env);
  });

  test('filtered metric achievements count only matching events, from progress rebuilt on create and on edit', async () => {
    const { env, metric } = await setup();
    await createAttribute(laurel, env, 'device', 'event');
    const [mixed, mobile] = [await insertUser(laurel, env, 'mixed'), await insertUser(laurel, env, 'mobile')];
    await insertEvent(laurel, env, mixed, metric.id, 3, { source: 'mobile' });
    await insertEvent(laurel, env, mixed, metric.id, 4, { source: 'web', device: 'pc' });
    await insertEvent(laurel, env, mobile, metric.id, 6, { source: 'mobile', device: 'phone' });
    await insertEvent(laurel, env, mobile, metric.id, -1, { source: 'mobile' });

    const achievement = await createThenBackdate(env, {
      name: 'Mobile five',
      key: 'mobile-five',
      trigger: 'metric',
      metricKey: 'words',
      metricValue: 5,
      eventAttributes: [{ key: 'source', value: 'mobile' }],
      status: 'active',
    });
    assert.deepEqual(await progress(env, achievement.id), { mixed: 3, mobile: 5 });
    assert.deepEqual(await holders(laurel, env, achievement.id), [mobile], 'mixed has 7 in total but only 3 from mobile');

    // New filters: progress is rebuilt, completions already granted stay.
    await updateThenBackdate(env, { id: achievement.id, eventAttributes: [{ key: 'source', value: 'web' }, { key: 'device', value: 'pc' }] });
    assert.deepEqual(await progress(env, achievement.id), { mixed: 4 });
    assert.deepEqual(await holders(laurel, env, achievement.id), [mobile]);
    // A lower threshold on the live achievement backdates.
    await updateThenBackdate(env, { id: achievement.id, metricValue: 4 });
    assert.deepEqual(await holders(laurel, env, achievement.id), [mixed, mobile]);

    // Without filters the progress rows go and the metric total counts.
    const other = await createThenBackdate(env, {
      name: 'Filtered',
      key: 'filtered',
      trigger: 'metric',
      metricKey: 'words',
      metricValue: 7,
      eventAttributes: [{ key: 'source', value: 'web' }],
    });
    assert.deepEqual(await progress(env, other.id), {}, 'an inactive achievement keeps no progress: the walk its activation starts counts it');
    await updateThenBackdate(env, { id: other.id, eventAttributes: [], status: 'active' });
    assert.deepEqual(await progress(env, other.id), {});
    assert.deepEqual(await holders(laurel, env, other.id), [mixed], 'mixed has 7 in total');
    await assertNoWebhookEvents(env);
  });

  test('activating a filtered achievement catches its progress up with events recorded while it was inactive', async () => {
    const { env, metric } = await setup();
    const user = await insertUser(laurel, env);
    const achievement = await createThenBackdate(env, {
      name: 'Late',
      key: 'late',
      trigger: 'metric',
      metricKey: 'words',
      metricValue: 2,
      eventAttributes: [{ key: 'source', value: 'mobile' }],
    });
    // The event path only counts events towards live achievements.
    await insertEvent(laurel, env, user, metric.id, 2, { source: 'mobile' });
    assert.deepEqual(await progress(env, achievement.id), {});
    await updateThenBackdate(env, { id: achievement.id, status: 'active' });
    assert.deepEqual(await progress(env, achievement.id), { [user]: 2 });
    assert.deepEqual(await holders(laurel, env, achievement.id), [user]);
  });

  test('streak achievements use the current streak length (0 without a streak)', async () => {
    const { env } = await setup();
    const [long, short, exact] = [await insertUser(laurel, env, 'long'), await insertUser(laurel, env, 'short'), await insertUser(laurel, env, 'exact')];
    await insertUser(laurel, env, 'never');
    await setStreak(laurel, env, long, 30);
    await setStreak(laurel, env, short, 2);
    await setStreak(laurel, env, exact, 7);
    const [week, one] = await createManyThenBackdate(env, [
      { name: 'Week', key: 'week', trigger: 'streak', streakLength: 7, status: 'active' },
      { name: 'One', key: 'one', trigger: 'streak', streakLength: 1, status: 'active' },
    ]);
    assert.deepEqual(await holders(laurel, env, week.id), [exact, long]);
    assert.deepEqual(await holders(laurel, env, one.id), [exact, long, short]);
    await assertNoWebhookEvents(env);
  });

  test('composites cascade: activating prerequisites grants the composites built on them in the same call', async () => {
    const { env, metric } = await setup();
    const [both, metricOnly] = [await insertUser(laurel, env, 'both'), await insertUser(laurel, env, 'metric-only')];
    await setTotal(laurel, env, both, metric.id, 10);
    await setTotal(laurel, env, metricOnly, metric.id, 10);
    await setStreak(laurel, env, both, 5);
    const [words, streak] = await createManyThenBackdate(env, [
      { name: 'Words', key: 'words-10', trigger: 'metric', metricKey: 'words', metricValue: 10 },
      { name: 'Streak', key: 'streak-3', trigger: 'streak', streakLength: 3 },
    ]);
    const inner = await createThenBackdate(env, { name: 'Inner', key: 'inner', trigger: 'achievement', achievementIds: [words.id, streak.id], status: 'active' });
    const outer = await createThenBackdate(env, { name: 'Outer', key: 'outer', trigger: 'achievement', achievementIds: [inner.id], status: 'active' });
    assert.deepEqual(await completions(laurel, env), [], 'prerequisites are inactive');

    const response = await laurel.api('PATCH', ACHIEVEMENTS, {
      key: env.key,
      body: [
        { id: words.id, status: 'active' },
        { id: streak.id, status: 'active' },
      ],
    });
    assert.deepEqual(response.body.issues, []);
    await backdating();
    const held = await completions(laurel, env);
    assert.deepEqual(
      held.filter((c) => c.userId === both).map((c) => c.achievementId).sort(),
      [words.id, streak.id, inner.id, outer.id].sort(),
    );
    assert.deepEqual(held.filter((c) => c.userId === metricOnly).map((c) => c.achievementId), [words.id]);
    assert.ok(held.every((c) => c.backdated === 1));
    await assertNoWebhookEvents(env);
  });

  test('a prerequisite held while locked still counts towards a composite', async () => {
    const { env } = await setup();
    const user = await insertUser(laurel, env);
    const first = await createThenBackdate(env, { name: 'First', key: 'first', trigger: 'api', status: 'active' });
    const completed = await laurel.api('POST', `/v1/achievements/${first.key}/complete`, { key: env.key, body: { user: { id: user } } });
    assert.equal(completed.status, 201, JSON.stringify(completed.body));
    await updateThenBackdate(env, { id: first.id, status: 'locked' });
    const composite = await createThenBackdate(env, { name: 'Comp', key: 'comp', trigger: 'achievement', achievementIds: [first.id], status: 'active' });
    assert.deepEqual(await holders(laurel, env, composite.id), [user]);
  });

  test('user-attribute filters restrict who is backdated; loosening a live filter backdates the rest', async () => {
    const { env, metric } = await setup();
    const pro = await insertUser(laurel, env, 'pro', { plan: 'pro' });
    const free = await insertUser(laurel, env, 'free', { plan: 'free' });
    for (const user of [pro, free]) await setTotal(laurel, env, user, metric.id, 1);
    const achievement = await createThenBackdate(env, {
      name: 'Pro only',
      key: 'pro-only',
      trigger: 'metric',
      metricKey: 'words',
      metricValue: 1,
      userAttributes: [{ key: 'plan', value: 'pro' }],
      status: 'active',
    });
    assert.deepEqual(await holders(laurel, env, achievement.id), [pro]);
    await updateThenBackdate(env, { id: achievement.id, userAttributes: [] });
    assert.deepEqual(await holders(laurel, env, achievement.id), [free, pro]);
  });

  test('locked achievements are not granted; editing one backdates nothing, unlocking it does', async () => {
    const { env, metric } = await setup();
    const user = await insertUser(laurel, env);
    const achievement = await createThenBackdate(env, { name: 'Lock', key: 'lock', trigger: 'metric', metricKey: 'words', metricValue: 50, status: 'active' });
    await updateThenBackdate(env, { id: achievement.id, status: 'locked' });
    await setTotal(laurel, env, user, metric.id, 50);
    await updateThenBackdate(env, { id: achievement.id, metricValue: 40 });
    assert.deepEqual(await completions(laurel, env), []);
    await updateThenBackdate(env, { id: achievement.id, status: 'active' });
    assert.deepEqual(await holders(laurel, env, achievement.id), [user]);
  });

  test('completions already held keep their time; a name change backdates nothing', async () => {
    const { env, metric } = await setup();
    const user = await insertUser(laurel, env);
    await setTotal(laurel, env, user, metric.id, 3);
    const achievement = await createThenBackdate(env, { name: 'Three', key: 'three', trigger: 'metric', metricKey: 'words', metricValue: 3, status: 'active' });
    const [first] = await completions(laurel, env);
    clock.advance(10_000);
    await updateThenBackdate(env, { id: achievement.id, metricValue: 2 });
    assert.deepEqual(await completions(laurel, env), [first]);

    const other = await insertUser(laurel, env);
    await setTotal(laurel, env, other, metric.id, 5);
    await updateThenBackdate(env, { id: achievement.id, name: 'Renamed' });
    assert.deepEqual(await holders(laurel, env, achievement.id), [user], 'only status and rule changes backdate');
  });

  test('backdating stays inside its environment', async () => {
    const a = await setup();
    const b = await setup();
    const userA = await insertUser(laurel, a.env, 'same-id');
    const userB = await insertUser(laurel, b.env, 'same-id');
    await setTotal(laurel, a.env, userA, a.metric.id, 9);
    await setTotal(laurel, b.env, userB, b.metric.id, 9);
    await createThenBackdate(a.env, { name: 'A', key: 'nine', trigger: 'metric', metricKey: 'words', metricValue: 9, status: 'active' });
    assert.equal((await completions(laurel, a.env)).length, 1);
    assert.deepEqual(await completions(laurel, b.env), []);
  });

  test('filtered progress is rebuilt from events of the environment only, even where another environment has a metric of the same key', async () => {
    const a = await setup();
    const b = await setup();
    assert.equal(a.metric.key, b.metric.key);
    const userA = await insertUser(laurel, a.env, 'shared-id');
    const userB = await insertUser(laurel, b.env, 'shared-id');
    await insertEvent(laurel, a.env, userA, a.metric.id, 2, { source: 'mobile' });
    await insertEvent(laurel, b.env, userB, b.metric.id, 5, { source: 'mobile' });
    // A row that names A's metric from B (only a bug elsewhere could write one): isolation is by
    // environment, so it must not count for A.
    await insertEvent(laurel, b.env, userB, a.metric.id, 5, { source: 'mobile' });
    const achievement = await createThenBackdate(a.env, {
      name: 'Mobile three',
      key: 'mobile-three',
      trigger: 'metric',
      metricKey: 'words',
      metricValue: 3,
      eventAttributes: [{ key: 'source', value: 'mobile' }],
      status: 'active',
    });
    assert.deepEqual(await progress(a.env, achievement.id), { 'shared-id': 2 });
    assert.deepEqual(await completions(laurel, a.env), []);
    assert.deepEqual(await completions(laurel, b.env), []);
  });

  test('many users are processed page by page', async () => {
    const { env, metric } = await setup();
    const now = clock.now();
    const ids = Array.from({ length: 1_234 }, (_, i) => `bulk-${String(i).padStart(5, '0')}`);
    const db = laurel.backend.db;
    for (let start = 0; start < ids.length; start += 200) {
      const slice = ids.slice(start, start + 200);
      await db
        .insertInto('users')
        .values(
          slice.map((id) => ({
            environment_id: env.id,
            id,
            email: null,
            name: null,
            tz: null,
            device_tokens: null,
            subscribe_to_emails: 1,
            attributes: '{}',
            control: 0,
            preferences: '{"notifications":{}}',
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      await db
        .insertInto('user_metrics')
        .values(slice.map((id, i) => ({ environment_id: env.id, user_id: id, metric_id: metric.id, total: (start + i) % 2, updated_at: now })))
        .execute();
    }
    const achievement = await createThenBackdate(env, { name: 'Odd', key: 'odd', trigger: 'metric', metricKey: 'words', metricValue: 1, status: 'active' });
    const granted = await holders(laurel, env, achievement.id);
    assert.equal(granted.length, 617);
    assert.deepEqual(granted, ids.filter((_, i) => i % 2 === 1));
  });

  test("insertCompletionRows (the pipeline's and backdating's writer) records each completion once and returns only the ids it recorded", async () => {
    const { env } = await setup();
    const user = await insertUser(laurel, env);
    const [a, b, c] = await createManyThenBackdate(env, [
      { name: 'A', key: 'a', trigger: 'api', status: 'active' },
      { name: 'B', key: 'b', trigger: 'api', status: 'active' },
      { name: 'C', key: 'c', trigger: 'api', status: 'active' },
    ]);
    const db = laurel.backend.db;
    const firstRows = [completionRow(env.id, user, c.id, 1_000, false), completionRow(env.id, user, a.id, 1_000, false)];
    const first = await db.transaction().execute((trx) => insertCompletionRows(trx, firstRows));
    assert.deepEqual(new Set(first), new Set(firstRows.map((row) => row.id)));
    assert.notEqual(firstRows[0]!.id, firstRows[1]!.id);
    const secondRows = [completionRow(env.id, user, a.id, 2_000, true), completionRow(env.id, user, b.id, 2_000, true)];
    const second = await db.transaction().execute((trx) => insertCompletionRows(trx, secondRows));
    assert.deepEqual(second, [secondRows[1]!.id], 'the achievement already held is skipped');
    const rows = await completions(laurel, env);
    assert.deepEqual(
      rows.map((r) => [r.achievementId, r.achievedAt, r.backdated]).sort(),
      [[a.id, 1_000, 0], [b.id, 2_000, 1], [c.id, 1_000, 0]].sort(),
    );
  });
});
