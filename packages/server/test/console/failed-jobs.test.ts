import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { newId } from '../../src/store/ids.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { request, setUpOwner, type Browser } from './console.js';

const NOW = Date.UTC(2026, 2, 11, 12);
const UNKNOWN_ID = '3b241101-e2bb-4255-8caf-4136c566a962';

/**
 * The console's read of failed_jobs, and its retry, against a real scheduler: a job whose stored
 * payload its kind refuses is given up by the scheduler, listed with kind, error and when; retried
 * as it is it fails again, retried after its row is repaired it runs; a job scheduled again since
 * is not doubled.
 */
forEachBackend('console: failed jobs', (database) => {
  let laurel: TestLaurel;
  let browser: Browser;
  let environmentId: string;
  const clock = new ManualClock(NOW);

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api', 'worker'], clock });
    browser = await setUpOwner(laurel);
    environmentId = (await findEnvironmentByName(laurel.backend.db, 'development'))!.id;
  });
  after(() => laurel.close());

  const base = () => `/console/v1/environments/${environmentId}/failed-jobs`;
  const list = async () => {
    const answer = await request(laurel, 'GET', base(), { as: browser });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as any[];
  };
  const scheduleBroken = async (payload: string) => {
    const subject = newId();
    await laurel.backend.db
      .insertInto('scheduled_jobs')
      .values({ id: newId(), environment_id: environmentId, kind: 'metric-events', subject, payload, due_at: clock.now(), lease_owner: null, lease_expires_at: null, attempts: 0, last_error: null, created_at: NOW, updated_at: NOW })
      .execute();
    return subject;
  };
  const scheduled = (subject: string) => laurel.backend.db.selectFrom('scheduled_jobs').select(['payload', 'due_at']).where('subject', '=', subject).execute();

  test('a given-up job is listed with its kind, subject, payload, error and when', async () => {
    const subject = await scheduleBroken('[{"value": "lots"}]');
    clock.advance(60_000);
    await laurel.scheduler!.runDue();
    const [failed, ...rest] = await list();
    assert.deepEqual(rest, []);
    assert.deepEqual({ ...failed, error: undefined }, {
      id: failed.id,
      kind: 'metric-events',
      subject,
      payload: '[{"value": "lots"}]',
      error: undefined,
      attempts: 1,
      created: new Date(NOW).toISOString(),
      failed: new Date(NOW + 60_000).toISOString(),
    });
    assert.match(failed.error, /payload does not match job kind "metric-events"/);
  });

  test('a retry as it stands fails again; one after the row is repaired runs and leaves nothing failed', async () => {
    const [failed] = await list();
    const again = await request(laurel, 'POST', `${base()}/${failed.id}/retry`, { as: browser });
    assert.deepEqual([again.status, again.body], [200, { requeued: true }]);
    assert.deepEqual(await list(), [], 'moved back to the schedule');
    assert.deepEqual(await scheduled(failed.subject), [{ payload: failed.payload, due_at: clock.now() }], 'due at once, with its payload');
    await laurel.scheduler!.runDue();
    const [refailed] = await list();
    assert.equal(refailed.subject, failed.subject, 'the same payload was given up again');

    await laurel.backend.db.updateTable('failed_jobs').set({ payload: '[]' }).where('id', '=', refailed.id).execute();
    const repaired = await request(laurel, 'POST', `${base()}/${refailed.id}/retry`, { as: browser });
    assert.deepEqual(repaired.body, { requeued: true });
    assert.equal(await laurel.scheduler!.runDue(), 1);
    assert.deepEqual(await list(), []);
    assert.deepEqual(await scheduled(failed.subject), [], 'it ran to its end');
  });

  test('a job scheduled again since it failed keeps its newer schedule: requeued false, the failed row gone', async () => {
    const subject = await scheduleBroken('{"not": "a batch"}');
    await laurel.scheduler!.runDue();
    const [failed] = await list();
    await laurel.backend.db
      .insertInto('scheduled_jobs')
      .values({ id: newId(), environment_id: environmentId, kind: 'metric-events', subject, payload: '[]', due_at: clock.now() + 3_600_000, lease_owner: null, lease_expires_at: null, attempts: 0, last_error: null, created_at: NOW, updated_at: NOW })
      .execute();
    const answer = await request(laurel, 'POST', `${base()}/${failed.id}/retry`, { as: browser });
    assert.deepEqual([answer.status, answer.body], [200, { requeued: false }]);
    assert.deepEqual(await scheduled(subject), [{ payload: '[]', due_at: clock.now() + 3_600_000 }]);
    assert.deepEqual(await list(), []);
  });

  test('unknown failed jobs and environments are 404; without a session 401', async () => {
    assertError(await request(laurel, 'POST', `${base()}/${UNKNOWN_ID}/retry`, { as: browser }), 404, /^Failed job not found/);
    assertError(await request(laurel, 'GET', `/console/v1/environments/${UNKNOWN_ID}/failed-jobs`, { as: browser }), 404, /^Environment not found/);
    assert.equal((await request(laurel, 'GET', base())).status, 401);
  });
});
