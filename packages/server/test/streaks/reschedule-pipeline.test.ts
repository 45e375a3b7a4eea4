import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { defineJob, JobRegistry } from '../../src/schedule/job-registry.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import { walkHandler } from '../../src/schedule/user-walk.js';
import { STREAK_RESCHEDULE, streakRescheduleWalk } from '../../src/streaks/streak-admin.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { setStreakState } from '../support/rows.js';
import { createMetric, insertUser, newEnvironment, putSettings, settingsBody } from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11, 12:00 UTC
const DAY = 86_400_000;

/**
 * Saving streak settings reschedules every streak by a walk whose chunks hand each user to the
 * pipeline (a streak_rescheduled change; its streak stage dates the first automatic freeze grant
 * from the day of the switch, in the user's time zone, and puts the next wake-up on the schedule),
 * sending nothing. A second walk changes nothing.
 */
forEachBackend('streak rescheduling through the pipeline', (database) => {
  let laurel: TestLaurel;
  let walks: Scheduler;
  const clock = new ManualClock(NOW);

  before(async () => {
    // API role only: the walk is run here by a scheduler of its own.
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock });
    const registry = new JobRegistry([defineJob(STREAK_RESCHEDULE, walkHandler(streakRescheduleWalk({ lockForUpdate: laurel.backend.supportsSkipLocked })))]);
    walks = new Scheduler(laurel.backend, clock, registry, { pollIntervalMs: 60_000, leaseMs: 60_000, concurrency: 1 });
  });
  after(async () => {
    await walks.stop();
    await laurel.close();
  });

  const streakRows = (environmentId: string) =>
    laurel.backend.db.selectFrom('user_streaks').select(['user_id', 'next_freeze_earn', 'length', 'freezes']).where('environment_id', '=', environmentId).orderBy('user_id').execute();
  const wakeUps = async (environmentId: string) =>
    Object.fromEntries(
      (await laurel.backend.db.selectFrom('scheduled_jobs').select(['subject', 'due_at']).where('environment_id', '=', environmentId).where('kind', '=', 'streak').execute()).map((row) => [
        row.subject,
        new Date(Number(row.due_at)).toISOString(),
      ]),
    );
  const webhooks = async (environmentId: string) => (await laurel.backend.db.selectFrom('events').select('type').where('environment_id', '=', environmentId).execute()).length;

  test('auto-earn switched on: the first grant one interval from the local day of the switch, the next rollover scheduled, nothing sent', async () => {
    const env = await newEnvironment(laurel);
    const metric = await createMetric(laurel, env);
    // 12:00 UTC on 03-11 is already 03-12 in Kiritimati (UTC+14), still 03-11 in Honolulu (UTC-10).
    const east = await insertUser(laurel, env.id, { id: 'a-east', tz: 'Pacific/Kiritimati' });
    const west = await insertUser(laurel, env.id, { id: 'b-west', tz: 'Pacific/Honolulu' });
    for (const user of [east, west]) await setStreakState(laurel, env.id, user, { length: 2, started: '2026-03-09', lastPeriodStart: '2026-03-10', lastExtendedAt: NOW - DAY, freezes: 0 });

    await putSettings(laurel, settingsBody(metric.key, { freezes: { enabled: true, initial: 0, max: 3, autoEarnInterval: 7, autoEarnAmount: 1 } }), env.key);
    assert.deepEqual((await streakRows(env.id)).map((row) => row.next_freeze_earn), [null, null], 'the request itself visits nobody');
    clock.advance(3 * 60_000);
    assert.equal(await walks.runDue(), 1);

    assert.deepEqual(
      (await streakRows(env.id)).map((row) => [row.user_id, row.next_freeze_earn, Number(row.length)]),
      [
        [east, '2026-03-19', 2],
        [west, '2026-03-18', 2],
      ],
      'dated from the day of the switch in each user\'s zone; lengths untouched (nothing is settled)',
    );
    const due = await wakeUps(env.id);
    // East missed 03-11 (their day ended at 10:00 UTC): due at once, when the walk ran, to settle; west's 03-11 ends at 10:00 UTC on 03-12.
    assert.deepEqual(due, { [east]: new Date(clock.now()).toISOString(), [west]: '2026-03-12T10:00:00.000Z' });
    assert.equal(await webhooks(env.id), 0, 'a reschedule sends nothing');

    const rows = await streakRows(env.id);
    await putSettings(laurel, settingsBody(metric.key, { freezes: { enabled: true, initial: 0, max: 3, autoEarnInterval: 7, autoEarnAmount: 1 } }), env.key);
    clock.advance(DAY / 4);
    assert.equal(await walks.runDue(), 1);
    assert.deepEqual(await streakRows(env.id), rows, 'a second walk dates no grant again');
    assert.deepEqual(await wakeUps(env.id), { [east]: new Date(clock.now()).toISOString(), [west]: '2026-03-12T10:00:00.000Z' }, 'the same wake-ups (east still due at once)');
    assert.equal(await webhooks(env.id), 0);
    clock.set(NOW);
  });
});
