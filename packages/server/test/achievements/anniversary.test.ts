import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { fixturesFor, unique, type Fixtures } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { appSchemaValidator, loadReference, webhookValidator } from '../support/reference-schemas.js';
import { dueAt } from '../support/scheduled-jobs.js';
import { startWebhookSink, type WebhookSink } from '../support/webhook-sink.js';

const JOB = 'achievement-anniversary';

/**
 * Trophy 1.24.0's `anniversary` trigger: `anniversaryYears` is validated and served, and a user
 * with a signUpDate completes the achievement at the start of the local day that many years after
 * it, through a scheduled job and the pipeline (achievement.completed sent, valid against 1.24.0).
 * One whose anniversary had already come when the achievement went live gets it by backdating, silently.
 */
forEachBackend('achievements: anniversary trigger', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(Date.UTC(2026, 2, 10, 12));

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(() => laurel.close());

  const runDue = async () => {
    while ((await laurel.scheduler!.runDue()) > 0);
  };
  const held = async (f: Fixtures, achievementId: string) =>
    (await laurel.backend.db.selectFrom('user_achievements').select(['user_id', 'backdated', 'achieved_at']).where('environment_id', '=', f.id).where('achievement_id', '=', achievementId).orderBy('user_id').execute()).map(
      (row) => [row.user_id, Number(row.backdated), Number(row.achieved_at)],
    );
  const count = async (f: Fixtures) => Number((await laurel.backend.db.selectFrom('achievements').select((eb) => eb.fn.countAll().as('n')).where('environment_id', '=', f.id).executeTakeFirstOrThrow()).n);
  /** PUT /v1/users/{id} (Trophy's identify) with a signUpDate. */
  const identify = async (f: Fixtures, { id, ...fields }: { id: string; tz?: string; signUpDate?: string }) => {
    const response = await f.request('PUT', `/v1/users/${id}`, fields);
    assert.equal(response.status, 200, JSON.stringify(response.body));
  };
  const sinks: WebhookSink[] = [];
  after(async () => {
    for (const sink of sinks) await sink.close();
  });
  const sinkFor = async (f: Fixtures) => {
    const sink = await startWebhookSink(laurel, f, ['achievement.completed']);
    sinks.push(sink);
    return sink;
  };

  test('anniversaryYears: required for the trigger, a whole number >= 1, refused on other triggers; nothing written', async () => {
    const f = await fixturesFor(laurel);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'A', trigger: 'anniversary' }, /^anniversaryYears is required/],
      [{ name: 'A', trigger: 'anniversary', anniversaryYears: 0 }, /^anniversaryYears: must be at least 1/],
      [{ name: 'A', trigger: 'anniversary', anniversaryYears: 1.5 }, /^anniversaryYears: must be a whole number/],
      [{ name: 'A', trigger: 'anniversary', anniversaryYears: '1' }, /^anniversaryYears: must be a number/],
      [{ name: 'A', trigger: 'api', key: unique('k'), anniversaryYears: 1 }, /^anniversaryYears applies only to anniversary achievements/],
      [{ name: 'A', trigger: 'anniversary', anniversaryYears: 1, streakLength: 3 }, /^streakLength applies only to streak achievements/],
    ];
    for (const [item, message] of cases) {
      const response = await f.request('POST', '/admin/v1/achievements', [item]);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.deepEqual(response.body.created, []);
      assert.equal(response.body.issues.length, 1, JSON.stringify(response.body));
      assert.equal(response.body.issues[0].index, 0);
      assert.match(response.body.issues[0].message, message);
    }
    assert.equal(await count(f), 0, 'nothing written');

    const [created] = await f.achievements([{ name: 'One year', trigger: 'anniversary', anniversaryYears: 1 }]);
    assert.equal(created.trigger, 'anniversary');
    assert.equal(created.anniversaryYears, 1);
    assert.equal(created.status, 'inactive');
    const bad = await f.request('PATCH', '/admin/v1/achievements', [{ id: created.id, anniversaryYears: 0 }]);
    assert.match(bad.body.issues[0].message, /^anniversaryYears: must be at least 1/);
    const updated = await f.update('/admin/v1/achievements', { id: created.id, anniversaryYears: 3, status: 'active' });
    assert.equal(updated.anniversaryYears, 3);
    assert.equal((await f.request('GET', `/admin/v1/achievements/${created.id}`)).body.anniversaryYears, 3);

    const listed = await f.request('GET', '/v1/achievements');
    assert.equal(listed.status, 200);
    const mine = listed.body.find((a: any) => a.id === created.id);
    assert.equal(mine.trigger, 'anniversary');
    assert.equal(mine.anniversaryYears, 3);
    assert.equal(mine.key, created.key);
    const validate = appSchemaValidator('AchievementWithStatsResponse');
    if (validate) assert.deepEqual(validate(mine), []);
    // A metric achievement does not carry the field.
    const metric = await f.metric();
    const [m] = await f.achievements([{ name: 'M', trigger: 'metric', metricId: metric.id, metricValue: 1 }]);
    assert.equal('anniversaryYears' in m, false);
    // Completing it through the API is refused: its trigger completes it.
    const refused = await f.request('POST', `/v1/achievements/${created.key}/complete`, { user: { id: 'someone' } });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
  });

  test('fires at the start of the anniversary day in the user’s time zone, not before, once, with a valid webhook', async () => {
    clock.set(Date.UTC(2026, 2, 10, 12));
    const f = await fixturesFor(laurel);
    const sink = await sinkFor(f);
    await identify(f, { id: 'tokyo', tz: 'Asia/Tokyo', signUpDate: '2025-03-12' });
    await identify(f, { id: 'utc', signUpDate: '2025-03-12' });
    await f.user({ id: 'no-date' });
    const [one] = await f.achievements([{ name: 'One year', trigger: 'anniversary', anniversaryYears: 1, status: 'active' }]);
    await runDue();
    const tokyoDay = Date.UTC(2026, 2, 11, 15); // 2026-03-12 00:00 in Tokyo
    const utcDay = Date.UTC(2026, 2, 12);
    assert.equal(await dueAt(laurel, f.id, JOB, 'tokyo'), tokyoDay);
    assert.equal(await dueAt(laurel, f.id, JOB, 'utc'), utcDay);
    assert.equal(await dueAt(laurel, f.id, JOB, 'no-date'), undefined, 'no sign-up date, no job');

    clock.set(tokyoDay - 1);
    await runDue();
    assert.deepEqual(await held(f, one.id), [], 'the day before, nothing');

    clock.set(tokyoDay + 1000);
    await runDue();
    assert.deepEqual(await held(f, one.id), [['tokyo', 0, tokyoDay + 1000]], 'Tokyo’s day began; UTC’s has not');
    const [body] = await sink.waitFor('achievement.completed', 1);
    assert.equal(body.user.id, 'tokyo');
    assert.equal(body.achievement.id, one.id);
    assert.equal(body.achievement.trigger, 'anniversary');
    assert.equal(body.achievement.anniversaryYears, 1);
    if (loadReference()) assert.deepEqual(webhookValidator('achievement.completed')(body), []);
    assert.equal(await dueAt(laurel, f.id, JOB, 'tokyo'), undefined, 'done: no other anniversary to wait for');

    clock.set(utcDay + 5000);
    await runDue();
    await runDue();
    assert.deepEqual(await held(f, one.id), [['tokyo', 0, tokyoDay + 1000], ['utc', 0, utcDay + 5000]]);
    await sink.waitFor('achievement.completed', 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(sink.bodies('achievement.completed').length, 2, 'once per user');
  });

  test('anniversaryYears 2, and a changed signUpDate moves the job', async () => {
    clock.set(Date.UTC(2026, 2, 13, 12));
    const f = await fixturesFor(laurel);
    const sink = await sinkFor(f);
    const [two] = await f.achievements([{ name: 'Two years', trigger: 'anniversary', anniversaryYears: 2, status: 'active' }]);
    const [one] = await f.achievements([{ name: 'One year', trigger: 'anniversary', anniversaryYears: 1, status: 'active' }]);
    await runDue();
    // Created after the achievements: the user's write schedules the job.
    await identify(f, { id: 'ada', signUpDate: '2024-03-20' });
    // One year was 2025-03-20: already reached when the date was written, so due at once (Laurel: it is completed then, with its webhook).
    await runDue();
    assert.deepEqual((await held(f, one.id)).map((r) => r[0]), ['ada']);
    assert.equal(await dueAt(laurel, f.id, JOB, 'ada'), Date.UTC(2026, 2, 20));

    const moved = await f.request('PATCH', '/v1/users/ada', { signUpDate: '2024-03-25' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(await dueAt(laurel, f.id, JOB, 'ada'), Date.UTC(2026, 2, 25), 'rescheduled to the new date');

    clock.set(Date.UTC(2026, 2, 21));
    await runDue();
    assert.deepEqual(await held(f, two.id), [], 'the old date’s day passes without it');

    clock.set(Date.UTC(2026, 2, 25, 0, 0, 1));
    await runDue();
    assert.deepEqual(await held(f, two.id), [['ada', 0, Date.UTC(2026, 2, 25, 0, 0, 1)]]);
    const bodies = await sink.waitFor('achievement.completed', 2);
    assert.deepEqual(bodies.map((b) => b.achievement.anniversaryYears), [1, 2]);
    assert.equal(await dueAt(laurel, f.id, JOB, 'ada'), undefined);
  });

  test('an anniversary already past when the achievement goes live is backdated: silent; later ones are scheduled', async () => {
    clock.set(Date.UTC(2026, 3, 1, 12));
    const f = await fixturesFor(laurel);
    const sink = await sinkFor(f);
    await identify(f, { id: 'old', signUpDate: '2020-01-01' });
    await identify(f, { id: 'new', signUpDate: '2025-06-01' });
    const startedAt = clock.now();
    const [one] = await f.achievements([{ name: 'One year', trigger: 'anniversary', anniversaryYears: 1, status: 'active' }]);
    clock.advance(1000);
    await runDue();
    assert.deepEqual(await held(f, one.id), [['old', 1, startedAt]], 'backdated at the time it went live');
    assert.equal(await dueAt(laurel, f.id, JOB, 'old'), undefined);
    assert.equal(await dueAt(laurel, f.id, JOB, 'new'), Date.UTC(2026, 5, 1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(sink.bodies('achievement.completed'), [], 'no webhook for a backdated completion');
  });

  test('a time-zone change moves the job; the completion pays its achievement trigger', async () => {
    clock.set(Date.UTC(2026, 4, 1, 12));
    const f = await fixturesFor(laurel);
    const [one] = await f.achievements([{ name: 'One year', trigger: 'anniversary', anniversaryYears: 1, status: 'active' }]);
    const xp = await f.pointsSystem({ key: unique('xp'), triggers: [{ type: 'achievement', points: 40, achievementId: one.id, status: 'active' }] });
    await runDue();
    await identify(f, { id: 'mover', signUpDate: '2025-05-10' });
    assert.equal(await dueAt(laurel, f.id, JOB, 'mover'), Date.UTC(2026, 4, 10));
    await identify(f, { id: 'mover', tz: 'America/New_York' });
    const newYorkDay = Date.UTC(2026, 4, 10, 4); // 2026-05-10 00:00 EDT
    assert.equal(await dueAt(laurel, f.id, JOB, 'mover'), newYorkDay, 'the day now starts at New York’s midnight');
    clock.set(Date.UTC(2026, 4, 10, 1));
    await runDue();
    assert.deepEqual(await held(f, one.id), [], 'UTC’s day has begun, New York’s has not');
    clock.set(newYorkDay + 10);
    await runDue();
    assert.deepEqual(await held(f, one.id), [['mover', 0, newYorkDay + 10]]);
    const points = await f.request('GET', `/v1/users/mover/points/${xp.key}`);
    assert.equal(points.status, 200, JSON.stringify(points.body));
    assert.equal(points.body.total, 40);
  });
});
