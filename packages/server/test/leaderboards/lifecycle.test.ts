import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { LEADERBOARD_LIFECYCLE, leaderboardLifecycleHandler } from '../../src/leaderboards/leaderboard-lifecycle.js';
import { defineJob, JobRegistry } from '../../src/schedule/job-registry.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import { forEachBackend } from '../support/backends.js';
import { dueAt as scheduledDueAt } from '../support/scheduled-jobs.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { LEADERBOARDS, fixturesFor, unique, type Fixtures } from '../support/fixtures.js';
import { emittedCount, startWebhookSink, type WebhookSink } from '../support/webhook-sink.js';

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(iso);
const TYPES = ['leaderboard.started', 'leaderboard.finished'];

/**
 * leaderboard.started and leaderboard.finished end to end: boards made through the Admin API, the
 * clock moved to each due instant, the scheduler run, and the bodies a real receiver is sent.
 * Each test has its own environment and webhook; the clock only moves forward across the file.
 */
forEachBackend('leaderboard run webhooks', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(utc('2026-02-20T12:00:00Z'));
  const sinks: WebhookSink[] = [];

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(async () => {
    await laurel.close();
    for (const sink of sinks) await sink.close();
  });

  async function setUp(): Promise<{ env: Fixtures; sink: WebhookSink; metric: { id: string; key: string } }> {
    const env = await fixturesFor(laurel);
    const sink = await startWebhookSink(laurel, env, TYPES);
    sinks.push(sink);
    return { env, sink, metric: await env.metric({ key: 'lessons' }) };
  }

  const weekly = (metricId: string, overrides: Record<string, unknown> = {}) => ({
    name: 'Weekly lessons',
    key: unique('weekly'),
    rankBy: 'metric',
    metricId,
    start: '2026-03-01',
    runUnit: 'day',
    runInterval: 7,
    status: 'scheduled',
    ...overrides,
  });

  const dueAt = (env: Fixtures, boardId: string) => scheduledDueAt(laurel, env.id, LEADERBOARD_LIFECYCLE.name, boardId);

  /** Users with names, scoring in the run the clock is in through the write path (one metric event each). */
  async function score(env: Fixtures, metricKey: string, places: { user: string; value: number; attributes?: Record<string, string> }[]): Promise<void> {
    for (const place of places) {
      await env.user({ id: place.user, name: `Name of ${place.user}`, ...(place.attributes ? { attributes: place.attributes } : {}) });
      await env.event(metricKey, place.user, place.value);
    }
  }

  async function runAt(iso: string): Promise<void> {
    clock.set(utc(iso));
    await laurel.scheduler!.runDue();
  }

  const of = (boardId: string) => (body: any) => body.leaderboard.id === boardId;

  test('a weekly board: started at 10:00 UTC the day before each run, finished at 13:00 UTC the day after, with the run dates and top 10', async () => {
    const { env, sink, metric } = await setUp();
    const board = await env.leaderboardAsGiven(weekly(metric.id));
    assert.equal(await dueAt(env, board.id), utc('2026-02-28T10:00:00Z'), 'run 1 (03-01..03-07) starts when UTC+14 enters 03-01');

    await runAt('2026-02-28T09:59:59.999Z');
    assert.equal(await emittedCount(laurel, env, 'leaderboard.started'), 0, 'not a millisecond early');
    await runAt('2026-02-28T10:00:00Z');
    const [first] = await sink.waitFor('leaderboard.started', 1, of(board.id));
    assert.equal(first.leaderboard.key, board.key);
    assert.equal(first.leaderboard.status, 'active');
    assert.deepEqual([first.leaderboard.start, first.leaderboard.end], ['2026-03-01', '2026-03-07'], "the run's dates, not the board's");
    assert.deepEqual([first.leaderboard.runUnit, first.leaderboard.runInterval, first.leaderboard.metricKey], ['day', 7, 'lessons']);
    assert.deepEqual(first.leaderboard.rankings, [], 'nobody has scored yet');

    // The next run's started comes before this run's finished.
    assert.equal(await dueAt(env, board.id), utc('2026-03-07T10:00:00Z'));
    const places = Array.from({ length: 12 }, (_, i) => ({ user: `${board.key}-u${i}`, value: 100 - i }));
    clock.set(utc('2026-03-02T12:00:00Z'));
    await score(env, metric.key, places);
    await runAt('2026-03-07T10:00:00Z');
    const started = await sink.waitFor('leaderboard.started', 2, of(board.id));
    assert.deepEqual([started[1].leaderboard.start, started[1].leaderboard.end], ['2026-03-08', '2026-03-14']);
    assert.deepEqual(started[1].leaderboard.rankings, [], "run 2's own rankings, not run 1's");

    assert.equal(await dueAt(env, board.id), utc('2026-03-08T13:00:00Z'), 'run 1 has ended in UTC-12 at 12:00 UTC on 03-08; finished an hour later');
    await runAt('2026-03-08T12:59:59Z');
    assert.equal(await emittedCount(laurel, env, 'leaderboard.finished'), 0);
    await runAt('2026-03-08T13:00:00Z');
    const [finished] = await sink.waitFor('leaderboard.finished', 1, of(board.id));
    assert.deepEqual([finished.leaderboard.start, finished.leaderboard.end], ['2026-03-01', '2026-03-07']);
    assert.equal(finished.leaderboard.status, 'active', 'a repeating board stays active between runs');
    assert.deepEqual(
      finished.leaderboard.rankings,
      places.slice(0, 10).map((place, i) => ({ userId: place.user, userName: `Name of ${place.user}`, rank: i + 1, value: place.value })),
      'the final top 10 only',
    );

    assert.equal(await dueAt(env, board.id), utc('2026-03-14T10:00:00Z'));
    await runAt('2026-03-14T10:00:00Z');
    assert.equal(await dueAt(env, board.id), utc('2026-03-15T13:00:00Z'));
    await runAt('2026-03-15T13:00:00Z');
    const finishedBoth = await sink.waitFor('leaderboard.finished', 2, of(board.id));
    assert.deepEqual([finishedBoth[1].leaderboard.start, finishedBoth[1].leaderboard.end], ['2026-03-08', '2026-03-14']);
    assert.deepEqual(
      sink.bodies('leaderboard.started', of(board.id)).map((body) => body.leaderboard.start),
      ['2026-03-01', '2026-03-08', '2026-03-15'],
      'one started per run, in order',
    );
    assert.equal(await emittedCount(laurel, env, 'leaderboard.started'), 3);
    assert.equal(await emittedCount(laurel, env, 'leaderboard.finished'), 2);
  });

  test('the last run of a board with an end: finished with status finished, then no job is left', async () => {
    const { env, sink, metric } = await setUp();
    clock.set(utc('2026-03-16T12:00:00Z'));
    const board = await env.leaderboardAsGiven(weekly(metric.id, { start: '2026-03-22', end: '2026-03-24', runInterval: 7 }));
    await runAt('2026-03-21T10:00:00Z');
    const [started] = await sink.waitFor('leaderboard.started', 1, of(board.id));
    assert.deepEqual([started.leaderboard.start, started.leaderboard.end], ['2026-03-22', '2026-03-24'], 'the run is cut at the board end');
    assert.equal(await dueAt(env, board.id), utc('2026-03-25T13:00:00Z'));
    await runAt('2026-03-25T13:00:00Z');
    const [finished] = await sink.waitFor('leaderboard.finished', 1, of(board.id));
    assert.equal(finished.leaderboard.status, 'finished');
    assert.equal(await dueAt(env, board.id), undefined);
  });

  test('a board created active after its run started announces the runs under way at once, then keeps to the schedule', async () => {
    const { env, sink, metric } = await setUp();
    // 03-29 11:00 UTC: the run 03-22..03-28 has not finished everywhere (13:00), and 03-29..04-04 has begun in UTC+14.
    clock.set(utc('2026-03-29T11:00:00Z'));
    const board = await env.leaderboardAsGiven(weekly(metric.id, { start: '2026-03-01', status: 'active' }));
    assert.equal(await dueAt(env, board.id), clock.now(), 'due at once');
    await laurel.scheduler!.runDue();
    const started = await sink.waitFor('leaderboard.started', 2, of(board.id));
    // Deliveries are not ordered (Trophy promises no order either); the outbox holds them oldest run first.
    assert.deepEqual(
      started.map((body) => [body.leaderboard.start, body.leaderboard.end]).sort(),
      [
        ['2026-03-22', '2026-03-28'],
        ['2026-03-29', '2026-04-04'],
      ],
    );
    const emitted = await laurel.backend.db.selectFrom('events').select('payload').where('environment_id', '=', env.id).where('type', '=', 'leaderboard.started').orderBy('id').execute();
    assert.deepEqual(
      emitted.map((row) => JSON.parse(row.payload).leaderboard.start),
      ['2026-03-22', '2026-03-29'],
    );
    assert.equal(await emittedCount(laurel, env, 'leaderboard.started'), 2, 'earlier runs, over before the board existed, are not announced');
    assert.equal(await dueAt(env, board.id), utc('2026-03-29T13:00:00Z'));
    await runAt('2026-03-29T13:00:00Z');
    const [finished] = await sink.waitFor('leaderboard.finished', 1, of(board.id));
    assert.deepEqual([finished.leaderboard.start, finished.leaderboard.end], ['2026-03-22', '2026-03-28']);
    assert.equal(await dueAt(env, board.id), utc('2026-04-04T10:00:00Z'));
  });

  test('a board scheduled (inactive first) and switched on later is activated then: one run under way, nothing from before', async () => {
    const { env, sink, metric } = await setUp();
    const board = await env.leaderboardAsGiven(weekly(metric.id, { status: 'inactive' }));
    assert.equal(await dueAt(env, board.id), undefined, 'an inactive board has no job');
    clock.set(utc('2026-04-02T08:00:00Z'));
    await env.update(LEADERBOARDS, { id: board.id, status: 'active' });
    await laurel.scheduler!.runDue();
    const [started] = await sink.waitFor('leaderboard.started', 1, of(board.id));
    assert.deepEqual([started.leaderboard.start, started.leaderboard.end], ['2026-03-29', '2026-04-04']);
    assert.equal(await dueAt(env, board.id), utc('2026-04-04T10:00:00Z'));

    await env.update(LEADERBOARDS, { id: board.id, status: 'inactive' });
    assert.equal(await dueAt(env, board.id), undefined, 'setting it inactive removes the job and sends nothing');
    await runAt('2026-04-04T10:00:00Z');
    assert.equal(await emittedCount(laurel, env, 'leaderboard.started'), 1);
    assert.equal(await emittedCount(laurel, env, 'leaderboard.finished'), 0);
  });

  test('the finish action sends finished at once for the announced run, with status finished and the top 10 over every breakdown group', async () => {
    const { env, sink, metric } = await setUp();
    const city = await env.attribute(unique('city'));
    clock.set(utc('2026-04-06T09:00:00Z'));
    const board = await env.leaderboardAsGiven(weekly(metric.id, { start: '2026-04-05', status: 'active', breakdownAttributes: [city.id] }));
    await laurel.scheduler!.runDue();
    await sink.waitFor('leaderboard.started', 1, of(board.id));
    await score(env, metric.key, [
      { user: `${board.key}-paris-1`, value: 50, attributes: { [city.key]: 'Paris' } },
      { user: `${board.key}-rome-1`, value: 70, attributes: { [city.key]: 'Rome' } },
      { user: `${board.key}-paris-2`, value: 40, attributes: { [city.key]: 'Paris' } },
    ]);
    clock.set(utc('2026-04-07T09:00:00Z'));
    await env.update(LEADERBOARDS, { id: board.id, status: 'finished' });
    await laurel.scheduler!.runDue();
    const [finished] = await sink.waitFor('leaderboard.finished', 1, of(board.id));
    assert.equal(finished.leaderboard.status, 'finished');
    assert.deepEqual([finished.leaderboard.start, finished.leaderboard.end], ['2026-04-05', '2026-04-11']);
    assert.deepEqual(finished.leaderboard.breakdownAttributes, [city.key]);
    assert.deepEqual(
      finished.leaderboard.rankings.map((r: any) => [r.userId, r.rank, r.value]),
      [
        [`${board.key}-rome-1`, 1, 70],
        [`${board.key}-paris-1`, 2, 50],
        [`${board.key}-paris-2`, 3, 40],
      ],
    );
    assert.equal(await dueAt(env, board.id), undefined, 'nothing follows the finish action');
    await runAt('2026-04-12T13:00:00Z');
    assert.equal(await emittedCount(laurel, env, 'leaderboard.finished'), 1);
  });

  test('deleting a board removes its job', async () => {
    const { env, metric } = await setUp();
    clock.set(utc('2026-04-13T09:00:00Z'));
    const board = await env.leaderboardAsGiven(weekly(metric.id, { start: '2026-05-03' }));
    assert.equal(await dueAt(env, board.id), utc('2026-05-02T10:00:00Z'));
    const response = await laurel.api('DELETE', `${LEADERBOARDS}?ids=${board.id}`, { key: env.key });
    assert.equal(response.status, 200);
    assert.equal(await dueAt(env, board.id), undefined);
  });

  test('a due webhook is emitted once: the job run twice, two schedulers at once, an edit at the due time', async () => {
    const { env, sink, metric } = await setUp();
    clock.set(utc('2026-04-14T09:00:00Z'));
    const board = await env.leaderboardAsGiven(weekly(metric.id, { start: '2026-04-19' }));
    const due = utc('2026-04-18T10:00:00Z');
    assert.equal(await dueAt(env, board.id), due);

    // An edit once the webhook is due but before the job ran keeps what the job has done (nothing yet): still due, once.
    clock.set(due + HOUR);
    await env.update(LEADERBOARDS, { id: board.id, name: 'Renamed before the job ran' });
    assert.equal(await dueAt(env, board.id), due);

    // Two schedulers (as two worker processes would) race for it.
    const other = new Scheduler(laurel.backend, clock, new JobRegistry([defineJob(LEADERBOARD_LIFECYCLE, leaderboardLifecycleHandler({ outbox: laurel.outbox }))]), {
      pollIntervalMs: 60_000,
      leaseMs: 60_000,
      concurrency: 2,
    });
    await Promise.all([laurel.scheduler!.runDue(), other.runDue()]);
    await laurel.scheduler!.runDue();
    await other.runDue();
    await other.stop();
    const [started] = await sink.waitFor('leaderboard.started', 1, of(board.id));
    assert.equal(started.leaderboard.name, 'Renamed before the job ran');
    assert.equal(await emittedCount(laurel, env, 'leaderboard.started'), 1);

    // An edit after it was sent does not send it again.
    await env.update(LEADERBOARDS, { id: board.id, name: 'Renamed after' });
    await laurel.scheduler!.runDue();
    assert.equal(await emittedCount(laurel, env, 'leaderboard.started'), 1);
    assert.equal(await dueAt(env, board.id), utc('2026-04-25T10:00:00Z'));
  });
});
