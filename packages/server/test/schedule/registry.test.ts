import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { z } from 'zod';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { createLaurel, type Laurel } from '../../src/laurel.js';
import { jobKind, type JobHandler } from '../../src/schedule/job-kind.js';
import { defineJob, JobRefusedError, JobRegistry } from '../../src/schedule/job-registry.js';
import type { ClaimedJob } from '../../src/schedule/jobs.js';
import { newId } from '../../src/store/ids.js';
import { forEachBackend } from '../support/backends.js';

const NOW = Date.UTC(2026, 2, 11, 12);
const COUNTED = jobKind('test-counted', z.object({ count: z.number().int() }));
const done: JobHandler<{ count: number }> = async () => null;

const claimed = (kind: string, payload: string | null): ClaimedJob => ({ id: 'job', kind, environmentId: 'env', subject: 's', payload, dueAt: NOW, attempts: 1, lease: 'lease' });

describe('job registry', () => {
  test('a kind is declared once', () => {
    assert.throws(() => new JobRegistry([defineJob(COUNTED, done), defineJob(COUNTED, done)]), /job kind "test-counted" is declared twice/);
  });

  test('it refuses an unknown kind, a payload that is not JSON and one its schema rejects, naming the problem', () => {
    const registry = new JobRegistry([defineJob(COUNTED, done)]);
    assert.deepEqual(registry.kinds, ['test-counted']);
    const refusal = (job: ClaimedJob): [string, string] => {
      try {
        registry.prepare(job);
      } catch (error) {
        assert.ok(error instanceof JobRefusedError);
        return [error.problem, error.message];
      }
      assert.fail('prepared');
    };
    assert.deepEqual(refusal(claimed('test-elsewhere', null)), ['unknown-kind', 'no job kind "test-elsewhere" is declared in this process']);
    const [problem, message] = refusal(claimed('test-counted', '{"count": 1'));
    assert.equal(problem, 'payload');
    assert.match(message, /payload of job kind "test-counted" is not JSON/);
    const [problem2, message2] = refusal(claimed('test-counted', '{"count": "one"}'));
    assert.equal(problem2, 'payload');
    assert.match(message2, /payload does not match job kind "test-counted".*count/s);
  });

  test('a handler sees the typed payload, and its next run keeps it unless it gives a new one', async () => {
    const seen: number[] = [];
    const registry = new JobRegistry([
      defineJob(COUNTED, async (_trx, job, now) => {
        seen.push(job.payload.count);
        return job.payload.count === 0 ? { at: now + 1 } : { at: now + 2, payload: { count: job.payload.count - 1 } };
      }),
    ]);
    const trx = undefined as never; // the handler writes nothing
    assert.deepEqual(await registry.prepare(claimed('test-counted', '{"count":2}')).run(trx, NOW), { at: NOW + 2, payload: '{"count":1}' });
    assert.deepEqual(await registry.prepare(claimed('test-counted', '{"count":0}')).run(trx, NOW), { at: NOW + 1, payload: '{"count":0}' });
    assert.deepEqual(seen, [2, 0]);
  });
});

forEachBackend('scheduler and the registry', (database) => {
  let laurel: Laurel;
  let environmentId: string;
  const clock = new ManualClock(NOW);
  const logs: Record<string, any>[] = [];

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        callback();
      },
    });
    const config = loadConfig({ DATABASE_URL: database().url, LOG_LEVEL: 'debug' });
    laurel = await createLaurel({ config, clock, roles: ['worker'], logger: pino({ level: 'debug' }, sink) });
    environmentId = (await findEnvironmentByName(laurel.backend.db, 'development'))!.id;
  });
  after(() => laurel.close());

  const insertJob = async (kind: string, payload: string | null) => {
    const id = newId();
    await laurel.backend.db
      .insertInto('scheduled_jobs')
      .values({ id, environment_id: environmentId, kind, subject: newId(), payload, due_at: NOW, lease_owner: null, lease_expires_at: null, attempts: 0, last_error: null, created_at: NOW, updated_at: NOW })
      .execute();
    return id;
  };

  test('a stored payload that is not JSON or does not fit its kind is given up with a logged reason, never retried; the other jobs run', async () => {
    const secret = 'do-not-log-this-user-data';
    const broken = await insertJob('metric-events', `[{"key": "${secret}"`);
    const misshapen = await insertJob('metric-events', JSON.stringify([{ key: secret, user: { id: 'u' }, value: 'lots' }]));
    const fine = await insertJob('metric-events', '[]');
    const discarded: string[] = [];
    laurel.scheduler!.on('job:discarded', ({ job }) => discarded.push(job.id));

    assert.equal(await laurel.scheduler!.runDue(), 3);
    assert.deepEqual(discarded.sort(), [broken, misshapen].sort());
    assert.deepEqual(await laurel.backend.db.selectFrom('scheduled_jobs').select('id').where('id', 'in', [broken, misshapen, fine]).execute(), [], 'none left to retry');

    const failed = await laurel.backend.db.selectFrom('failed_jobs').selectAll().where('environment_id', '=', environmentId).orderBy('reason').execute();
    assert.deepEqual(
      failed.map((row) => [row.kind, row.attempts, row.failed_at]),
      [
        ['metric-events', 1, NOW],
        ['metric-events', 1, NOW],
      ],
    );
    assert.match(failed[0]!.reason, /payload does not match job kind "metric-events".*value/s);
    assert.match(failed[1]!.reason, /payload of job kind "metric-events" is not JSON/);
    assert.ok(failed.some((row) => row.payload?.includes('"lots"')), 'the payload is kept for operators');

    const lines = logs.filter((line) => line.msg === 'scheduled job given up (moved to failed_jobs)');
    assert.equal(lines.length, 2);
    assert.deepEqual(lines.map((line) => line.job.kind), ['metric-events', 'metric-events']);
    assert.ok(lines.every((line) => /payload/.test(line.reason)));
    assert.ok(!JSON.stringify(logs).includes(secret), 'payloads are not logged');

    clock.advance(3_600_000);
    try {
      assert.equal(await laurel.scheduler!.runDue(), 0, 'given up means not retried');
    } finally {
      clock.set(NOW);
    }
  });

  test('a job of a kind this process does not declare is left for a process that does', async () => {
    const foreign = await insertJob('from-a-newer-laurel', '{"anything": true}');
    assert.equal(await laurel.scheduler!.runDue(), 0);
    const row = await laurel.backend.db.selectFrom('scheduled_jobs').select(['lease_owner', 'attempts', 'last_error']).where('id', '=', foreign).executeTakeFirstOrThrow();
    assert.deepEqual(row, { lease_owner: null, attempts: 0, last_error: null });
    assert.deepEqual(await laurel.backend.db.selectFrom('failed_jobs').select('id').where('kind', '=', 'from-a-newer-laurel').execute(), []);
  });
});
