import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { ManualClock } from '../../src/clock.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { jobKind } from '../../src/schedule/job-kind.js';
import { defineJob, JobRegistry } from '../../src/schedule/job-registry.js';
import { scheduleJob } from '../../src/schedule/jobs.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import type { Backend } from '../../src/store/backends/backend.js';
import { forEachBackend } from '../support/backends.js';
import { openTestStore } from '../support/store.js';

const NOW = Date.UTC(2026, 2, 11, 12);
const BLOCKING = jobKind('test-blocking', z.object({ n: z.number() }));
const JOBS = 7;
const CONCURRENCY = 3;

test('LAUREL_SCHEDULER_CONCURRENCY defaults to 4 and must leave API requests some of the database pool', () => {
  assert.equal(loadConfig({}).schedulerConcurrency, 4);
  assert.equal(loadConfig({ LAUREL_SCHEDULER_CONCURRENCY: '8' }).schedulerConcurrency, 8);
  assert.throws(() => loadConfig({ LAUREL_SCHEDULER_CONCURRENCY: '20' }), (error: unknown) => error instanceof ConfigError && /below LAUREL_DATABASE_POOL \(20\)/.test(error.message));
  assert.throws(() => loadConfig({ LAUREL_SCHEDULER_CONCURRENCY: '0' }), ConfigError);
});

forEachBackend('scheduler: bounded concurrency', (database) => {
  let backend: Backend;
  let environmentId: string;

  before(async () => {
    ({ backend, environmentId } = await openTestStore(database().url, NOW));
  });
  after(() => backend.close());

  test(`due jobs run at most ${CONCURRENCY} at a time (one at a time where transactions queue: SQLite), the rest left unclaimed`, async () => {
    const bound = backend.parallelTransactions ? CONCURRENCY : 1;
    const started = new EventEmitter();
    const order: number[] = [];
    const gates = new Map<number, () => void>();
    let inFlight = 0;
    let most = 0;
    let released = 0;
    const overruns: string[] = [];

    // Each job blocks inside its transaction until the test releases it.
    const registry = new JobRegistry([
      defineJob(BLOCKING, async (trx, job) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        if (order.length >= released + bound) overruns.push(`job ${job.payload.n} started with ${inFlight} in flight after ${released} released`);
        await trx.selectFrom('scheduled_jobs').select('id').where('id', '=', job.id).execute();
        const gate = new Promise<void>((resolve) => gates.set(job.payload.n, resolve));
        order.push(job.payload.n);
        started.emit('job');
        await gate;
        inFlight -= 1;
        return null;
      }),
    ]);
    const scheduler = new Scheduler(backend, new ManualClock(NOW), registry, { pollIntervalMs: 60_000, leaseMs: 60_000, concurrency: CONCURRENCY });
    for (let n = 0; n < JOBS; n += 1) {
      await scheduleJob(backend.db, BLOCKING, { environmentId, subject: `blocking-${n}` }, { at: NOW - JOBS + n, payload: { n } }, NOW);
    }
    const startedAtLeast = async (count: number) => {
      while (order.length < count) await once(started, 'job');
    };

    const drained = scheduler.runDue();
    await startedAtLeast(bound);
    assert.equal(inFlight, bound);
    if (backend.parallelTransactions) {
      // The claims took one job per lane: the rest wait unleased, free for another process.
      const leased = await backend.db.selectFrom('scheduled_jobs').select('id').where('lease_owner', 'is not', null).execute();
      assert.equal(leased.length, bound);
    }
    while (released < JOBS) {
      gates.get(order[released]!)!();
      released += 1;
      await startedAtLeast(Math.min(JOBS, released + bound));
    }
    assert.equal(await drained, JOBS);
    assert.deepEqual(overruns, []);
    assert.equal(most, bound);
    assert.deepEqual(order.slice(0, bound).sort(), [0, 1, 2].slice(0, bound), 'the earliest due start first');
    assert.deepEqual([...order].sort(), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(await backend.db.selectFrom('scheduled_jobs').select('id').where('kind', '=', BLOCKING.name).execute(), []);
  });
});
