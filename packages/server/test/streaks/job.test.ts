import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { ConfigCache } from '../../src/environments/config-cache.js';
import { startOfLocalDay } from '../../src/engine/streaks/index.js';
import type { Job, JobHandler } from '../../src/schedule/job-kind.js';
import { defineJob, JobRegistry } from '../../src/schedule/job-registry.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import { walkHandler } from '../../src/schedule/user-walk.js';
import { STREAK_RESCHEDULE, streakRescheduleWalk } from '../../src/streaks/streak-admin.js';
import { streakJobHandler } from '../../src/streaks/streak-job.js';
import { STREAK_JOB } from '../../src/streaks/user-streak.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { loadReference, webhookValidator } from '../support/reference-schemas.js';
import { setStreakState } from '../support/rows.js';
import { eventsFor, getStreakState, createMetric, insertUser, newEnvironment, putSettings, settingsBody } from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11, 12:00 UTC
const DAY = 86_400_000;

function assertWebhookBody(type: string, payload: unknown): void {
  if (!loadReference()) return;
  assert.deepEqual(webhookValidator(type)(payload), [], `${type}: ${JSON.stringify(payload)}`);
}

forEachBackend('streak rollover job', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;
  let handler: JobHandler<null>;
  let scheduler: Scheduler;
  /** Runs only the rescheduling walks that saving settings starts, so `scheduler` runs only rollovers. */
  let walks: Scheduler;
  const failures: unknown[] = [];

  before(async () => {
    clock = new ManualClock(NOW);
    // API role only: no scheduler of the composition root claims the jobs this test runs by hand.
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock });
    handler = streakJobHandler({ outbox: laurel.outbox, configCache: new ConfigCache(), lockForUpdate: laurel.backend.supportsSkipLocked });
    scheduler = new Scheduler(laurel.backend, clock, new JobRegistry([defineJob(STREAK_JOB, handler)]), { pollIntervalMs: 60_000, leaseMs: 60_000, concurrency: 2 });
    scheduler.on('job:retrying', ({ error }) => failures.push(error));
    const rescheduling = defineJob(STREAK_RESCHEDULE, walkHandler(streakRescheduleWalk({ lockForUpdate: laurel.backend.supportsSkipLocked })));
    walks = new Scheduler(laurel.backend, clock, new JobRegistry([rescheduling]), { pollIntervalMs: 60_000, leaseMs: 60_000, concurrency: 1 });
  });
  after(async () => {
    await walks.stop();
    await scheduler.stop();
    await laurel.close();
  });

  /** A fresh environment with a daily streak, and a user whose streak counts through 03-09 (so 03-10 was missed). */
  async function lapsedUser(options: { freezes?: Record<string, unknown>; userFreezes?: number; tz?: string } = {}) {
    const env = await newEnvironment(laurel);
    const metric = await createMetric(laurel, env);
    const user = await insertUser(laurel, env.id, { tz: options.tz ?? null });
    await setStreakState(laurel, env.id, user, {
      length: 3,
      started: '2026-03-07',
      lastPeriodStart: '2026-03-09',
      lastExtendedAt: NOW - 2 * DAY,
      freezes: options.userFreezes ?? 0,
    });
    // Saving settings schedules the user's rollover (due since the local midnight starting 03-11), by a walk.
    await putSettings(laurel, settingsBody(metric.key, options.freezes ? { freezes: options.freezes } : {}), env.key);
    assert.equal(await walks.runDue(), 1);
    return { env, user };
  }

  const jobOf = (environmentId: string, user: string) =>
    laurel.backend.db.selectFrom('scheduled_jobs').selectAll().where('environment_id', '=', environmentId).where('kind', '=', STREAK_JOB.name).where('subject', '=', user).executeTakeFirst();

  const eventCount = async (environmentId: string) =>
    Number((await laurel.backend.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).where('environment_id', '=', environmentId).executeTakeFirstOrThrow()).n);

  test('a missed period with no freeze loses the streak: streak.lost (length 3) in the outbox, length 0, no further wake-up', async () => {
    const { env, user } = await lapsedUser();
    assert.equal(Number((await jobOf(env.id, user))?.due_at), NOW, 'due now');

    assert.equal(await scheduler.runDue(), 1);
    assert.deepEqual(failures, []);
    const lost = await eventsFor(laurel, env.id, 'streak.lost', user);
    assert.equal(lost.length, 1);
    assert.equal(lost[0].length, 3);
    assert.equal(lost[0].user.id, user);
    assertWebhookBody('streak.lost', lost[0]);

    const state = (await getStreakState(laurel, env.id, user))!;
    assert.deepEqual([state.length, state.started, state.last_period_start, state.last_extended_at], [0, null, null, null]);
    const record = await laurel.backend.db.selectFrom('streak_periods').selectAll().where('environment_id', '=', env.id).where('user_id', '=', user).execute();
    assert.deepEqual(record.map((r) => [r.period_start, r.length, r.used_freeze, r.used_pause]), [['2026-03-10', 0, 0, 0]]);
    assert.equal(await jobOf(env.id, user), undefined, 'nothing left to wake up for');

    // Running it again changes nothing.
    assert.equal(await scheduler.runDue(), 0);
    await laurel.backend.db.transaction().execute((trx) => handler(trx, claimed(env.id, user), clock.now()));
    assert.equal(await eventCount(env.id), 1);
    assert.equal((await getStreakState(laurel, env.id, user))!.length, 0);
  });

  test('with a freeze, the freeze is consumed instead (streak.freeze_consumed) and the next rollover is scheduled at local midnight', async () => {
    const tz = 'America/New_York';
    const { env, user } = await lapsedUser({ freezes: { enabled: true, max: 2 }, userFreezes: 1, tz });
    assert.equal(await scheduler.runDue(), 1);
    assert.deepEqual(failures, []);

    const consumed = await eventsFor(laurel, env.id, 'streak.freeze_consumed', user);
    assert.deepEqual(consumed.map((e) => [e.consumed, e.freezes]), [[1, 0]]);
    assertWebhookBody('streak.freeze_consumed', consumed[0]);
    assert.deepEqual(await eventsFor(laurel, env.id, 'streak.lost', user), []);

    const state = (await getStreakState(laurel, env.id, user))!;
    assert.deepEqual([state.length, state.freezes, state.last_period_start], [3, 0, '2026-03-10']);
    // Counted (frozen) through 03-10: 03-11 must be met, judged at New York's midnight starting 03-12.
    assert.equal(Number((await jobOf(env.id, user))!.due_at), startOfLocalDay('2026-03-12', tz));

    // Twice at the same time: nothing more happens.
    const next = await laurel.backend.db.transaction().execute((trx) => handler(trx, claimed(env.id, user), clock.now()));
    assert.deepEqual(next, { at: startOfLocalDay('2026-03-12', tz) });
    assert.equal(await eventCount(env.id), 1);
    assert.equal((await getStreakState(laurel, env.id, user))!.freezes, 0);

    // At that midnight, with 03-11 missed and no freeze left, the streak is lost.
    clock.set(startOfLocalDay('2026-03-12', tz));
    try {
      assert.equal(await scheduler.runDue(), 1);
    } finally {
      clock.set(NOW);
    }
    assert.deepEqual((await eventsFor(laurel, env.id, 'streak.lost', user)).map((e) => e.length), [3]);
  });

  test('the handler answers null for a user who is gone, or whose streak is off', async () => {
    const { env, user } = await lapsedUser();
    await laurel.backend.db.deleteFrom('users').where('environment_id', '=', env.id).where('id', '=', user).execute();
    assert.equal(await laurel.backend.db.transaction().execute((trx) => handler(trx, claimed(env.id, user), clock.now())), null);

    const off = await newEnvironment(laurel);
    const other = await insertUser(laurel, off.id, { streakEnabled: false });
    assert.equal(await laurel.backend.db.transaction().execute((trx) => handler(trx, claimed(off.id, other), clock.now())), null);
    assert.equal(await eventCount(env.id), 0);
  });
});

function claimed(environmentId: string, subject: string): Job<null> {
  return { id: 'manual', environmentId, subject, payload: null, dueAt: 0, attempts: 1 };
}
