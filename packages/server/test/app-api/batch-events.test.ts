import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { count } from './setup.js';
import { developmentFixtures, type Fixtures } from '../support/fixtures.js';

forEachBackend('admin batch of metric events', (database) => {
  let laurel: TestLaurel;
  let dev: Fixtures;
  const queued = async () => Number((await laurel.backend.db.selectFrom('scheduled_jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'metric-events').executeTakeFirstOrThrow()).n);

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url });
    dev = await developmentFixtures(laurel);
    await dev.metric({ key: 'reps' });
    await dev.metric({ key: 'sets' });
    await dev.attribute('gym', 'event');
  });
  after(() => laurel.close());

  test('202 {accepted}, then processed in order with the single-event semantics', async () => {
    const events = [
      { key: 'reps', user: { id: 'batch-1', name: 'Lifter' }, value: 5, attributes: { gym: 'north' } },
      { key: 'reps', user: { id: 'batch-1' }, value: -2 },
      { key: 'sets', user: { id: 'batch-2' }, value: 1.5, idempotencyKey: 'once' },
      { key: 'sets', user: { id: 'batch-2' }, value: 1.5, idempotencyKey: 'once' },
    ];
    const response = await laurel.api('POST', '/admin/v1/metrics/events', { body: events });
    assert.equal(response.status, 202);
    assert.deepEqual(response.body, { accepted: 4 });
    assert.equal(await laurel.scheduler!.runDue(), 1);
    assert.equal((await laurel.api('GET', '/v1/users/batch-1/metrics/reps')).body.current, 3);
    assert.equal((await laurel.api('GET', '/v1/users/batch-1')).body.name, 'Lifter');
    assert.equal((await laurel.api('GET', '/v1/users/batch-2/metrics/sets')).body.current, 1.5, 'a repeated key counts once');
    assert.equal(await queued(), 0);
  });

  test('a job that runs twice records each event once', async () => {
    await laurel.api('POST', '/admin/v1/metrics/events', { body: [{ key: 'reps', user: { id: 'twice' }, value: 1 }] });
    const job = await laurel.backend.db.selectFrom('scheduled_jobs').selectAll().where('kind', '=', 'metric-events').executeTakeFirstOrThrow();
    await laurel.scheduler!.runDue();
    // Put the same job back, as if its first run had committed but the process died before settling it.
    await laurel.backend.db.insertInto('scheduled_jobs').values(job).execute();
    await laurel.scheduler!.runDue();
    assert.equal((await laurel.api('GET', '/v1/users/twice/metrics/reps')).body.current, 1);
  });

  test('every event is checked first: one bad event refuses the batch and queues nothing', async () => {
    const before = await count(laurel, 'metric_events');
    const cases: [unknown[], number, RegExp][] = [
      [[{ key: 'reps', user: { id: 'b' }, value: 1 }, { key: 'nope', user: { id: 'b' }, value: 1 }], 404, /nope/],
      [[{ key: 'reps', user: { id: 'b' }, value: 1, attributes: { colour: 'red' } }], 400, /colour/],
      [[{ key: 'reps', user: { id: 'b', attributes: { plan: 'x' } }, value: 1 }], 400, /plan/],
      [[{ key: 'reps', user: { id: 'new-user', subscribeToEmails: true }, value: 1 }], 400, /body\[0\]\.user\.subscribeToEmails/],
      [[{ key: 'reps', user: { id: 'b' } }], 422, /value/],
      [[], 422, /at least one/],
      [Array.from({ length: 1001 }, () => ({ key: 'reps', user: { id: 'b' }, value: 1 })), 422, /1000/],
    ];
    for (const [body, status, message] of cases) {
      const response = await laurel.api('POST', '/admin/v1/metrics/events', { body });
      assert.equal(response.status, status, JSON.stringify(response.body));
      assert.match(response.body.error, message);
    }
    assert.equal(await queued(), 0);
    await laurel.scheduler!.runDue();
    assert.equal(await count(laurel, 'metric_events'), before);
  });

  test('1,000 events are accepted and all recorded', async () => {
    const body = Array.from({ length: 1000 }, (_, i) => ({ key: 'reps', user: { id: `bulk-${i % 10}` }, value: 1 }));
    assert.equal((await laurel.api('POST', '/admin/v1/metrics/events', { body })).status, 202);
    await laurel.scheduler!.runDue();
    for (let i = 0; i < 10; i++) assert.equal((await laurel.api('GET', `/v1/users/bulk-${i}/metrics/reps`)).body.current, 100);
  });
});
