import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BACKDATE_WALK, backdateWalk } from '../../src/achievements/backdate.js';
import { ManualClock } from '../../src/clock.js';
import { startOfLocalDay } from '../../src/engine/streaks/index.js';
import { defineJob, JobRegistry } from '../../src/schedule/job-registry.js';
import { claimJobs, LeaseLostError, settleJob } from '../../src/schedule/jobs.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import { walkHandler, WALK_CHUNK } from '../../src/schedule/user-walk.js';
import { STREAK_RESCHEDULE, streakRescheduleWalk } from '../../src/streaks/streak-admin.js';
import { createAchievement, createMetric, holders, newEnv, updateAchievement, type Env } from '../achievements/helpers.js';
import { putSettings, settingsBody } from '../streaks/helpers.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11, 12:00 UTC
const DAY = 86_400_000;
const USERS = 2_500;
const LEASE = 60_000;
const ids = Array.from({ length: USERS }, (_, i) => `u-${String(i).padStart(5, '0')}`);
/** Where each chunk of a 2,500-user walk starts: after the last user of the chunk before. */
const CURSORS = [null, 'u-00499', 'u-00999', 'u-01499', 'u-01999'];

/**
 * The walks over all users that admin requests start (streak rescheduling, backdating): chunks of
 * WALK_CHUNK users, each its own transaction, resumed from the stored cursor.
 */
forEachBackend('walks over all users, in chunks', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(NOW);

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(() => laurel.close());

  /** A scheduler of its own (its own lease owner) that runs only the two walks, recording where each chunk started. */
  function walkScheduler(): { scheduler: Scheduler; cursors: (string | null)[] } {
    const registry = new JobRegistry([
      defineJob(STREAK_RESCHEDULE, walkHandler(streakRescheduleWalk({ lockForUpdate: laurel.backend.supportsSkipLocked }))),
      defineJob(BACKDATE_WALK, walkHandler(backdateWalk({ lockForUpdate: laurel.backend.supportsSkipLocked }))),
    ]);
    const scheduler = new Scheduler(laurel.backend, clock, registry, { pollIntervalMs: 60_000, leaseMs: LEASE, concurrency: 2 });
    const cursors: (string | null)[] = [];
    scheduler.on('job:succeeded', ({ job }) => cursors.push(JSON.parse(job.payload!).after));
    scheduler.on('job:retrying', ({ error }) => assert.fail(error as Error));
    return { scheduler, cursors };
  }

  /** 2,500 users; with `streaks`, each has a daily streak counted through 03-10 (so a rollover is due at the next midnight). */
  async function populate(env: Env, options: { total?: { metricId: string }; streaks?: boolean }): Promise<void> {
    const db = laurel.backend.db;
    for (let start = 0; start < USERS; start += 250) {
      const slice = ids.slice(start, start + 250);
      const values = (id: string) => ({ environment_id: env.id, id, email: null, name: null, tz: null, device_tokens: null, subscribe_to_emails: 1, attributes: '{}', control: 0, preferences: '{"notifications":{}}', created_at: NOW, updated_at: NOW });
      await db.insertInto('users').values(slice.map(values)).execute();
      if (options.total) {
        const metricId = options.total.metricId;
        await db.insertInto('user_metrics').values(slice.map((id, i) => ({ environment_id: env.id, user_id: id, metric_id: metricId, total: (start + i) % 2, updated_at: NOW }))).execute();
      }
      if (options.streaks) {
        await db
          .insertInto('user_streaks')
          .values(slice.map((id) => ({ environment_id: env.id, user_id: id, length: 2, started: '2026-03-09', last_period_start: '2026-03-10', last_extended_at: NOW - DAY, freezes: 0, next_freeze_earn: null, updated_at: NOW })))
          .execute();
      }
    }
  }

  const streakJobs = (env: Env) =>
    laurel.backend.db.selectFrom('scheduled_jobs').select(['subject', 'due_at', 'payload', 'updated_at']).where('environment_id', '=', env.id).where('kind', '=', 'streak').orderBy('subject').execute();
  const walkJob = (env: Env) => laurel.backend.db.selectFrom('scheduled_jobs').select(['kind', 'payload', 'lease_owner']).where('environment_id', '=', env.id).where('subject', '=', 'all-users').execute();
  const dueDates = async (env: Env) => {
    const due = new Map<number, number>();
    for (const job of await streakJobs(env)) due.set(Number(job.due_at), (due.get(Number(job.due_at)) ?? 0) + 1);
    return Object.fromEntries([...due].map(([at, count]) => [new Date(at).toISOString(), count]));
  };

  test(`backdating ${USERS} users: ${USERS / WALK_CHUNK} transactions in id order, every qualifying user granted; a second walk changes nothing`, async () => {
    const env = await newEnv(laurel);
    const metric = await createMetric(laurel, env, 'words');
    await populate(env, { total: { metricId: metric.id } });
    const { scheduler, cursors } = walkScheduler();

    const achievement = await createAchievement(laurel, env, { name: 'Odd', key: 'odd', trigger: 'metric', metricKey: 'words', metricValue: 1, status: 'active' });
    assert.deepEqual(await holders(laurel, env, achievement.id), [], 'nothing is granted inside the request');
    assert.equal(await scheduler.runDue(), USERS / WALK_CHUNK);
    assert.deepEqual(cursors, CURSORS);
    const granted = await holders(laurel, env, achievement.id);
    assert.deepEqual(granted, ids.filter((_, i) => i % 2 === 1));
    assert.deepEqual(await walkJob(env), [], 'the walk is done');

    // A rule change that keeps the same users qualifying walks everyone again and grants nothing new.
    const before = await laurel.backend.db.selectFrom('user_achievements').selectAll().where('environment_id', '=', env.id).orderBy('id').execute();
    clock.advance(60_000);
    await updateAchievement(laurel, env, { id: achievement.id, metricValue: 0.5 });
    cursors.length = 0;
    assert.equal(await scheduler.runDue(), USERS / WALK_CHUNK);
    assert.deepEqual(cursors, CURSORS);
    assert.deepEqual(await laurel.backend.db.selectFrom('user_achievements').selectAll().where('environment_id', '=', env.id).orderBy('id').execute(), before);
  });

  test(`rescheduling ${USERS} streaks after a settings change: every user on the new schedule; running the walk again changes nothing`, async () => {
    const env = await newEnv(laurel);
    const metric = await createMetric(laurel, env);
    await populate(env, { streaks: true });
    const { scheduler, cursors } = walkScheduler();

    await putSettings(laurel, settingsBody(metric.key), env.key);
    assert.deepEqual(await streakJobs(env), [], 'nothing is rescheduled inside the request');
    assert.equal(await scheduler.runDue(), USERS / WALK_CHUNK);
    assert.deepEqual(cursors, CURSORS);
    // Daily: counted through 03-10, so 03-11 must be met; it is judged at midnight starting 03-12.
    assert.deepEqual(await dueDates(env), { [new Date(startOfLocalDay('2026-03-12', null)).toISOString()]: USERS });

    const jobs = await streakJobs(env);
    const streaks = await laurel.backend.db.selectFrom('user_streaks').selectAll().where('environment_id', '=', env.id).orderBy('user_id').execute();
    await putSettings(laurel, settingsBody(metric.key), env.key);
    assert.equal(await scheduler.runDue(), USERS / WALK_CHUNK);
    assert.deepEqual(await streakJobs(env), jobs);
    assert.deepEqual(await laurel.backend.db.selectFrom('user_streaks').selectAll().where('environment_id', '=', env.id).orderBy('user_id').execute(), streaks);
  });

  test('settings changed again mid-walk: the chunk in progress is superseded (its writes roll back) and the newer walk starts over', async () => {
    const env = await newEnv(laurel);
    const metric = await createMetric(laurel, env);
    await populate(env, { streaks: true });
    const { scheduler, cursors } = walkScheduler();
    const registry = new JobRegistry([defineJob(STREAK_RESCHEDULE, walkHandler(streakRescheduleWalk({ lockForUpdate: laurel.backend.supportsSkipLocked })))]);

    await putSettings(laurel, settingsBody(metric.key), env.key);
    assert.equal(await scheduler.runDue(2), 2);
    const daily = new Date(startOfLocalDay('2026-03-12', null)).toISOString();
    assert.deepEqual(await dueDates(env), { [daily]: 2 * WALK_CHUNK });

    // A slow runner claims the third chunk; the settings change while it works.
    const [slow] = await claimJobs(laurel.backend, { owner: 'slow-scheduler', kinds: [STREAK_RESCHEDULE.name], now: clock.now(), leaseMs: LEASE, limit: 1 });
    assert.ok(slow);
    assert.deepEqual(JSON.parse(slow.payload!), { startedAt: clock.now(), after: 'u-00999' });
    await putSettings(laurel, settingsBody(metric.key, { frequency: 'weekly' }), env.key);
    assert.deepEqual(await walkJob(env), [{ kind: 'streak-reschedule', payload: JSON.stringify({ startedAt: clock.now(), after: null }), lease_owner: null }], 'restarted, and free to claim');
    await assert.rejects(
      laurel.backend.db.transaction().execute(async (trx) => settleJob(trx, slow, await registry.prepare(slow).run(trx, clock.now()), clock.now())),
      LeaseLostError,
    );
    assert.deepEqual(await dueDates(env), { [daily]: 2 * WALK_CHUNK }, 'the superseded chunk wrote nothing');

    // Weekly (Sunday start): counted through the week of 03-08; the next week ends 03-21.
    assert.equal(await scheduler.runDue(), USERS / WALK_CHUNK);
    assert.deepEqual(cursors, [...CURSORS.slice(0, 2), ...CURSORS], 'two chunks of the older walk, then the newer one from the start');
    assert.deepEqual(await dueDates(env), { [new Date(startOfLocalDay('2026-03-22', null)).toISOString()]: USERS });
  });

  test('a runner that dies mid-walk: its lease expires and another scheduler resumes from the last committed cursor', async () => {
    const env = await newEnv(laurel);
    const metric = await createMetric(laurel, env, 'words');
    await populate(env, { total: { metricId: metric.id } });
    const first = walkScheduler();
    const achievement = await createAchievement(laurel, env, { name: 'Odd', key: 'odd', trigger: 'metric', metricKey: 'words', metricValue: 1, status: 'active' });
    assert.equal(await first.scheduler.runDue(2), 2);

    // It claims the third chunk and dies before settling it: the claim stays, nobody settles it.
    const [orphan] = await claimJobs(laurel.backend, { owner: 'crashed-scheduler', kinds: [BACKDATE_WALK.name], now: clock.now(), leaseMs: LEASE, limit: 1 });
    assert.ok(orphan);
    const second = walkScheduler();
    assert.equal(await second.scheduler.runDue(), 0, 'leased: not taken while the lease lasts');
    assert.equal((await holders(laurel, env, achievement.id)).length, WALK_CHUNK, 'two chunks of users, half of them qualifying');

    clock.advance(LEASE + 1);
    try {
      assert.equal(await second.scheduler.runDue(), 3);
    } finally {
      clock.set(NOW);
    }
    assert.deepEqual(second.cursors, CURSORS.slice(2), 'resumed from the cursor, not from the start');
    assert.deepEqual(await holders(laurel, env, achievement.id), ids.filter((_, i) => i % 2 === 1));
    assert.deepEqual(await walkJob(env), []);
  });
});
