import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BACKDATE_WALK } from '../../src/achievements/backdate.js';
import { localDate } from '../../src/engine/streaks/index.js';
import { STREAK_RESCHEDULE } from '../../src/streaks/streak-admin.js';
import { setStreakState, setTotal } from '../support/rows.js';
import { createAchievement, createMetric, holders, insertUser, newEnv } from '../achievements/helpers.js';
import { putSettings, settingsBody } from '../streaks/helpers.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';

/**
 * A running scheduler (started, as `laurel start` starts it) is woken by the admin requests that
 * start walks, so their work is done moments after the response rather than at the next poll,
 * which here is a minute away.
 */
forEachBackend('a running scheduler picks up the walks that requests start', (database) => {
  let laurel: TestLaurel;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, pollIntervalMs: 60_000 });
    laurel.scheduler!.start();
  });
  after(() => laurel.close());

  const walkDone = (kind: string) =>
    new Promise<void>((resolve) => {
      const listener = ({ job, next }: { job: { kind: string }; next: number | null }) => {
        if (job.kind !== kind || next !== null) return;
        laurel.scheduler!.off('job:succeeded', listener);
        resolve();
      };
      laurel.scheduler!.on('job:succeeded', listener);
    });

  test('creating an active achievement: the completions follow the response', async () => {
    const env = await newEnv(laurel);
    const metric = await createMetric(laurel, env, 'words');
    const user = await insertUser(laurel, env);
    await setTotal(laurel, env, user, metric.id, 5);
    const done = walkDone(BACKDATE_WALK.name);
    const achievement = await createAchievement(laurel, env, { name: 'Five', key: 'five', trigger: 'metric', metricKey: 'words', metricValue: 5, status: 'active' });
    await done;
    assert.deepEqual(await holders(laurel, env, achievement.id), [user]);
  });

  test('saving streak settings: the rollovers are rescheduled after the response', async () => {
    const env = await newEnv(laurel);
    const metric = await createMetric(laurel, env);
    const user = await insertUser(laurel, env);
    // Counted today, so the next rollover is at the midnight that ends tomorrow.
    const today = localDate(laurel.clock.now(), null);
    await setStreakState(laurel, env.id, user, { length: 1, started: today, lastPeriodStart: today, lastExtendedAt: laurel.clock.now() });
    const done = walkDone(STREAK_RESCHEDULE.name);
    await putSettings(laurel, settingsBody(metric.key), env.key);
    await done;
    const job = await laurel.backend.db.selectFrom('scheduled_jobs').select('kind').where('environment_id', '=', env.id).where('subject', '=', user).executeTakeFirst();
    assert.ok(job, 'the user has a rollover on the schedule');
  });
});
