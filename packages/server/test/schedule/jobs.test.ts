import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { jobKind } from '../../src/schedule/job-kind.js';
import { claimJobs, failJob, LeaseLostError, scheduleJob, settleJob, type ClaimedJob } from '../../src/schedule/jobs.js';
import type { Backend } from '../../src/store/backends/backend.js';
import { forEachBackend } from '../support/backends.js';
import { openTestStore } from '../support/store.js';

const NOW = Date.UTC(2026, 2, 11, 12);
const LEASE = 60_000;
const FLUSH = jobKind('test-flush', z.object({ pending: z.number() }));

/** The job table's operations: coalescing by (kind, environment, subject), and the lease fence on every write after a claim. */
forEachBackend('scheduled jobs: coalescing and fencing', (database) => {
  let backend: Backend;
  let environmentId: string;
  let subjects = 0;

  before(async () => {
    ({ backend, environmentId } = await openTestStore(database().url, NOW));
  });
  after(() => backend.close());

  const key = () => ({ environmentId, subject: `subject-${++subjects}` });
  const claim = (owner: string, now = NOW) => claimJobs(backend, { owner, kinds: [FLUSH.name], now, leaseMs: LEASE, limit: 10 });
  const row = (subject: string) => backend.db.selectFrom('scheduled_jobs').selectAll().where('kind', '=', FLUSH.name).where('subject', '=', subject).executeTakeFirst();
  const settle = (job: ClaimedJob, next: { at: number; payload: string | null } | null, now = NOW) =>
    backend.db.transaction().execute((trx) => settleJob(trx, job, next, now));

  test('scheduling the same (kind, subject) again coalesces into one job with the newest time and payload', async () => {
    const k = key();
    await scheduleJob(backend.db, FLUSH, k, { at: NOW + 5_000, payload: { pending: 1 } }, NOW);
    await scheduleJob(backend.db, FLUSH, k, { at: NOW + 9_000, payload: { pending: 3 } }, NOW + 1);
    const rows = await backend.db.selectFrom('scheduled_jobs').select(['payload', 'due_at']).where('subject', '=', k.subject).execute();
    assert.deepEqual(rows, [{ payload: '{"pending":3}', due_at: NOW + 9_000 }]);
    assert.deepEqual(await claim('early', NOW + 8_999), [], 'not due before its time');
  });

  test('a settle by the claim that holds the job reschedules it, with the payload it gives', async () => {
    const k = key();
    await scheduleJob(backend.db, FLUSH, k, { at: NOW, payload: { pending: 1 } }, NOW);
    const [job] = await claim('runner');
    assert.ok(job);
    await settle(job, { at: NOW + 1_000, payload: '{"pending":0}' });
    const stored = await row(k.subject);
    assert.deepEqual(
      [stored?.due_at, stored?.payload, stored?.lease_owner, stored?.lease_expires_at, stored?.attempts],
      [NOW + 1_000, '{"pending":0}', null, null, 0],
    );
  });

  test('rescheduled while it ran: the run loses its lease, its settle is refused (rolling its writes back), the new schedule stands', async () => {
    const k = key();
    await scheduleJob(backend.db, FLUSH, k, { at: NOW, payload: { pending: 1 } }, NOW);
    const [job] = await claim('runner');
    assert.ok(job);
    await scheduleJob(backend.db, FLUSH, k, { at: NOW + 60_000, payload: { pending: 2 } }, NOW);

    await assert.rejects(
      backend.db.transaction().execute(async (trx) => {
        await trx.insertInto('failed_jobs').values({ id: 'written-by-the-stale-run', environment_id: environmentId, kind: 'x', subject: 'x', payload: null, reason: 'x', attempts: 0, created_at: NOW, failed_at: NOW }).execute();
        await settleJob(trx, job, null, NOW);
      }),
      LeaseLostError,
    );
    assert.equal(await backend.db.selectFrom('failed_jobs').select('id').where('id', '=', 'written-by-the-stale-run').executeTakeFirst(), undefined, 'the run rolled back');
    const stored = await row(k.subject);
    assert.deepEqual([stored?.due_at, stored?.payload, stored?.lease_owner], [NOW + 60_000, '{"pending":2}', null]);
    await failJob(backend.db, job, 'too late', NOW);
    assert.equal((await row(k.subject))?.last_error, null, 'a stale failure changes nothing either');
  });

  test('a lease that expired and was claimed again belongs to the new claim, even when the same scheduler made both', async () => {
    const k = key();
    await scheduleJob(backend.db, FLUSH, k, { at: NOW, payload: { pending: 1 } }, NOW);
    const [first] = await claim('same-owner');
    assert.ok(first);
    assert.deepEqual(await claim('same-owner', NOW + 1), [], 'leased');
    const [second] = await claim('same-owner', NOW + LEASE + 1);
    assert.ok(second);
    assert.notEqual(second.lease, first.lease);
    assert.equal(second.attempts, 2);
    await assert.rejects(settle(first, null), LeaseLostError);
    await settle(second, null);
    assert.equal(await row(k.subject), undefined);
  });

  test('claims take only the kinds asked for, earliest first', async () => {
    const other = jobKind('test-other', z.null());
    const [a, b] = [key(), key()];
    await scheduleJob(backend.db, other, a, { at: NOW - 10, payload: null }, NOW);
    await scheduleJob(backend.db, FLUSH, b, { at: NOW - 5, payload: { pending: 1 } }, NOW);
    await scheduleJob(backend.db, FLUSH, key(), { at: NOW - 20, payload: { pending: 1 } }, NOW);
    const claimed = await claim('picky');
    assert.ok(claimed.every((job) => job.kind === FLUSH.name));
    assert.deepEqual(claimed.map((job) => job.dueAt), [...claimed.map((job) => job.dueAt)].sort((x, y) => x - y));
    assert.ok(claimed.some((job) => job.subject === b.subject));
    const untouched = await backend.db.selectFrom('scheduled_jobs').select(['lease_owner', 'attempts']).where('subject', '=', a.subject).executeTakeFirstOrThrow();
    assert.deepEqual(untouched, { lease_owner: null, attempts: 0 });
  });
});
