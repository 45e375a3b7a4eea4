import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { fixturesFor, unique, type Fixtures } from '../support/fixtures.js';

const NOW = Date.UTC(2026, 2, 11, 12);

/**
 * Backdating as a change through the pipeline (achievements_backdated, run by the chunked walk):
 * the achievement stage judges what each user already meets, composites cascading, and a backdated
 * completion has the consequences of any other except the webhooks Trophy leaves out (reading 20):
 * achievement triggers pay, and the boards ranked by those points follow. The request that starts
 * it does no work per user: the progress of a filtered achievement is counted by the walk, from
 * this environment's events only.
 */
forEachBackend('backdating through the pipeline', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(NOW);

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(() => laurel.close());

  const db = () => laurel.backend.db;
  const runWalks = async () => {
    while ((await laurel.scheduler!.runDue()) > 0);
  };
  const holders = async (f: Fixtures, achievementId: string) =>
    (await db().selectFrom('user_achievements').select(['user_id', 'backdated', 'achieved_at']).where('environment_id', '=', f.id).where('achievement_id', '=', achievementId).orderBy('user_id').execute()).map(
      (row) => [row.user_id, row.backdated, Number(row.achieved_at)],
    );
  /** The webhooks of the environment, but for the board's own schedule (leaderboard.started when its lifecycle job runs). */
  const outbox = async (f: Fixtures) =>
    (await db().selectFrom('events').select('type').where('environment_id', '=', f.id).where('type', 'not in', ['leaderboard.started', 'leaderboard.finished']).orderBy('created_at').execute()).map((row) => row.type);
  const progress = async (f: Fixtures, achievementId: string) =>
    Object.fromEntries(
      (await db().selectFrom('achievement_progress').select(['user_id', 'total']).where('environment_id', '=', f.id).where('achievement_id', '=', achievementId).execute()).map((row) => [row.user_id, Number(row.total)]),
    );

  test('a backdated completion and the composite it completes pay their triggers, and the points board ranks them; no webhook', async () => {
    const f = await fixturesFor(laurel);
    const words = await f.metric({ key: unique('words') });
    await f.event(words.key, 'veteran', 500);
    await f.event(words.key, 'novice', 5);
    // Made inactive first, so that the triggers can name them, then switched on together: backdating.
    const [w100, both] = await f.achievements([{ name: '100 words', key: unique('w100'), trigger: 'metric', metricId: words.id, metricValue: 100 }]).then(async ([a]) => [
      a,
      (await f.achievements([{ name: 'Veteran', key: unique('veteran'), trigger: 'achievement', achievementIds: [a.id] }]))[0],
    ]);
    const xp = await f.pointsSystem({
      key: unique('xp'),
      triggers: [
        { type: 'achievement', points: 25, achievementId: w100.id, status: 'active' },
        { type: 'achievement', points: 10, achievementId: both.id, status: 'active' },
      ],
    });
    const board = await f.leaderboard({ key: unique('xp-board'), rankBy: 'points', pointsSystemId: xp.id });
    const before = await outbox(f);

    clock.advance(60_000);
    const changedAt = clock.now();
    await f.request('PATCH', '/admin/v1/achievements', [{ id: w100.id, status: 'active' }, { id: both.id, status: 'active' }]);
    assert.deepEqual(await holders(f, w100.id), [], 'the request grants nothing itself');
    clock.advance(60_000);
    await runWalks();

    assert.deepEqual(await holders(f, w100.id), [['veteran', 1, changedAt]], 'stamped with the time of the change, marked backdated');
    assert.deepEqual(await holders(f, both.id), [['veteran', 1, changedAt]], 'the composite cascades in the same run');
    const points = await f.request('GET', `/v1/users/veteran/points/${xp.key}`);
    assert.equal(points.body.total, 35);
    assert.deepEqual(points.body.awards.map((award: any) => award.awarded).sort(), [10, 25]);
    const rankings = await f.request('GET', `/v1/leaderboards/${board.key}`);
    assert.deepEqual(rankings.body.rankings.map((r: any) => [r.userId, r.rank, r.value]), [['veteran', 1, 35]]);
    assert.deepEqual(await outbox(f), before, 'no webhook for the completions, the points or the rank');

    await f.request('PATCH', '/admin/v1/achievements', [{ id: w100.id, metricValue: 90 }]);
    await runWalks();
    assert.equal((await f.request('GET', `/v1/users/veteran/points/${xp.key}`)).body.total, 35, 'a second walk pays nothing again');
  });

  test('new filters on a live achievement: the request leaves the progress to the walk, which counts it from the events again', async () => {
    const f = await fixturesFor(laurel);
    const words = await f.metric({ key: unique('words') });
    await f.attribute('source', 'event');
    await f.event(words.key, 'ada', 3, { attributes: { source: 'mobile' } });
    await f.event(words.key, 'ada', 4, { attributes: { source: 'web' } });
    await f.event(words.key, 'bob', 6, { attributes: { source: 'web' } });
    const [achievement] = await f.achievements([{ name: 'Mobile', key: unique('mobile'), trigger: 'metric', metricId: words.id, metricValue: 5, status: 'active', eventAttributes: [{ key: 'source', value: 'mobile' }] }]);
    assert.deepEqual(await progress(f, achievement.id), {}, 'nothing counted in the request that created it');
    await runWalks();
    assert.deepEqual(await progress(f, achievement.id), { ada: 3 });
    assert.deepEqual(await holders(f, achievement.id), []);

    await f.request('PATCH', '/admin/v1/achievements', [{ id: achievement.id, eventAttributes: [{ key: 'source', value: 'web' }] }]);
    assert.deepEqual(await progress(f, achievement.id), { ada: 3 }, 'the request did not count the events again');
    const walk = await db().selectFrom('scheduled_jobs').select('kind').where('environment_id', '=', f.id).where('kind', '=', 'achievement-backdate').execute();
    assert.equal(walk.length, 1, 'it started the walk instead');
    await runWalks();
    assert.deepEqual(await progress(f, achievement.id), { ada: 4, bob: 6 });
    assert.deepEqual((await holders(f, achievement.id)).map(([user]) => user), ['bob']);
  });

  test("another environment's users and events never count: the walk reads its own environment only", async () => {
    const [mine, theirs] = [await fixturesFor(laurel), await fixturesFor(laurel)];
    for (const f of [mine, theirs]) {
      await f.metric({ key: 'lessons' });
      await f.attribute('device', 'event');
    }
    await mine.event('lessons', 'ada', 1, { attributes: { device: 'phone' } });
    await theirs.event('lessons', 'ada', 50, { attributes: { device: 'phone' } });
    const metricId = (await db().selectFrom('metrics').select('id').where('environment_id', '=', mine.id).where('key', '=', 'lessons').executeTakeFirstOrThrow()).id;
    const [achievement] = await mine.achievements([{ name: 'Phone ten', key: 'phone-ten', trigger: 'metric', metricId, metricValue: 10, status: 'active', eventAttributes: [{ key: 'device', value: 'phone' }] }]);
    await runWalks();
    assert.deepEqual(await progress(mine, achievement.id), { ada: 1 });
    assert.deepEqual(await holders(mine, achievement.id), []);
    assert.deepEqual(await db().selectFrom('achievement_progress').select('user_id').where('environment_id', '=', theirs.id).execute(), []);
  });
});
