import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { BOOST_LIFECYCLE, boostLifecycleHandler } from '../../src/points/boost-lifecycle.js';
import { defineJob, JobRegistry } from '../../src/schedule/job-registry.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import { forEachBackend } from '../support/backends.js';
import { dueAt as scheduledDueAt } from '../support/scheduled-jobs.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { emittedCount, startWebhookSink, type WebhookSink } from '../support/webhook-sink.js';
import { POINTS, fixturesFor, unique, type Fixtures } from '../support/fixtures.js';

const utc = (iso: string) => Date.parse(iso);
const TYPES = ['points.boost_started', 'points.boost_finished'];

/**
 * points.boost_started and points.boost_finished end to end: boosts made through the Admin API,
 * the clock moved to each due instant, the scheduler run, and the bodies a real receiver is sent.
 * Each test has its own environment and webhook; the clock only moves forward across the file.
 */
forEachBackend('points boost webhooks', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(utc('2026-05-01T12:00:00Z'));
  const sinks: WebhookSink[] = [];

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(async () => {
    await laurel.close();
    for (const sink of sinks) await sink.close();
  });

  async function setUp(): Promise<{ env: Fixtures; sink: WebhookSink; system: any }> {
    const env = await fixturesFor(laurel);
    const sink = await startWebhookSink(laurel, env, TYPES);
    sinks.push(sink);
    return { env, sink, system: await env.pointsSystem({ name: 'XP', key: 'xp' }) };
  }

  const dueAt = (env: Fixtures, boostId: string) => scheduledDueAt(laurel, env.id, BOOST_LIFECYCLE.name, boostId);

  async function runAt(iso: string): Promise<void> {
    clock.set(utc(iso));
    await laurel.scheduler!.runDue();
  }

  const of = (boostId: string) => (body: any) => body.boost.id === boostId;

  test('a boost for everyone and one for an attribute: started at 10:00 UTC the day before the start, finished at 13:00 UTC the day after the end', async () => {
    const { env, sink } = await setUp();
    const plan = await env.attribute(unique('plan'));
    // Made together with their system, as POST /points allows.
    const made = await env.pointsSystem({
      name: 'Energy',
      key: 'energy',
      boosts: [
        { name: 'Double weekend', start: '2026-05-10', end: '2026-05-12', multiplier: 2 },
        { name: 'Pro bonus', start: '2026-05-10', end: '2026-05-12', multiplier: 1.5, rounding: 'up', userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }] },
      ],
    });
    const [everyone, pro] = made.boosts;
    for (const boost of [everyone, pro]) assert.equal(await dueAt(env, boost.id), utc('2026-05-09T10:00:00Z'), 'when UTC+14 enters 05-10');

    await runAt('2026-05-09T09:59:59.999Z');
    assert.equal(await emittedCount(laurel, env, 'points.boost_started'), 0);
    await runAt('2026-05-09T10:00:00Z');
    const started = await sink.waitFor('points.boost_started', 2);
    assert.deepEqual(started.find(of(everyone.id)), {
      type: 'points.boost_started',
      timestamp: '2026-05-09T10:00:00.000Z',
      boost: {
        id: everyone.id,
        name: 'Double weekend',
        status: 'active',
        userId: null,
        pointsSystemId: made.id,
        pointsSystemKey: 'energy',
        pointsSystemName: 'Energy',
        start: '2026-05-10',
        end: '2026-05-12',
        multiplier: 2,
        rounding: 'down',
      },
    });
    assert.deepEqual([started.find(of(pro.id)).boost.multiplier, started.find(of(pro.id)).boost.rounding], [1.5, 'up']);

    for (const boost of [everyone, pro]) assert.equal(await dueAt(env, boost.id), utc('2026-05-13T13:00:00Z'), 'the hour after UTC-12 has left 05-12');
    await runAt('2026-05-13T12:59:59Z');
    assert.equal(await emittedCount(laurel, env, 'points.boost_finished'), 0);
    await runAt('2026-05-13T13:00:00Z');
    const finished = await sink.waitFor('points.boost_finished', 2);
    assert.equal(finished.find(of(everyone.id)).timestamp, '2026-05-13T13:00:00.000Z');
    assert.equal(finished.find(of(everyone.id)).boost.status, 'finished');
    for (const boost of [everyone, pro]) assert.equal(await dueAt(env, boost.id), undefined, 'nothing is left to send');
  });

  test("a user's boost: at the exact start and end of its dates in that user's zone, whichever zone", async () => {
    const { env, sink, system } = await setUp();
    const auckland = (await env.user({ tz: 'Pacific/Auckland' })).id; // UTC+12 in May
    const losAngeles = (await env.user({ tz: 'America/Los_Angeles' })).id; // UTC-7 in May
    const noZone = (await env.user({ tz: null })).id; // UTC
    const boosts = await env.pointsItems(
      system.id,
      'boosts',
      [auckland, losAngeles, noZone].map((userId) => ({ name: `Comeback ${userId}`, start: '2026-05-20', end: '2026-05-21', multiplier: 3, userId })),
    );
    const expected = [
      { started: '2026-05-19T12:00:00.000Z', finished: '2026-05-21T12:00:00.000Z' },
      { started: '2026-05-20T07:00:00.000Z', finished: '2026-05-22T07:00:00.000Z' },
      { started: '2026-05-20T00:00:00.000Z', finished: '2026-05-22T00:00:00.000Z' },
    ];
    for (const [i, boost] of boosts.entries()) assert.equal(await dueAt(env, boost.id), utc(expected[i]!.started));

    // Walk the instants in order; at each, exactly the boost due then is sent.
    const instants = expected.flatMap((times, i) => [
      { at: times.started, type: 'points.boost_started', boost: boosts[i] },
      { at: times.finished, type: 'points.boost_finished', boost: boosts[i] },
    ]);
    instants.sort((a, b) => utc(a.at) - utc(b.at));
    for (const [n, step] of instants.entries()) {
      await runAt(new Date(utc(step.at) - 1).toISOString());
      assert.equal(sink.bodies(step.type, of(step.boost.id)).length, 0, `${step.type} for ${step.boost.userId} not before ${step.at}`);
      await runAt(step.at);
      const [body] = await sink.waitFor(step.type, 1, of(step.boost.id));
      assert.equal(body.timestamp, step.at);
      assert.equal(body.boost.userId, step.boost.userId);
      assert.equal(sink.bodies('points.boost_started').length + sink.bodies('points.boost_finished').length, n + 1, 'nothing else went out');
    }
    for (const boost of boosts) assert.equal(await dueAt(env, boost.id), undefined);
  });

  test('a boost created after its start is announced at once (stamped with its creation); one created already over sends nothing', async () => {
    const { env, sink, system } = await setUp();
    clock.set(utc('2026-05-25T08:30:00Z'));
    const [running, over] = await env.pointsItems(system.id, 'boosts', [
      { name: 'Running', start: '2026-05-24', end: '2026-05-26', multiplier: 2 },
      { name: 'Over', start: '2026-05-20', end: '2026-05-23', multiplier: 2 },
    ]);
    assert.equal(await dueAt(env, running.id), clock.now());
    assert.equal(await dueAt(env, over.id), undefined);
    await laurel.scheduler!.runDue();
    const [started] = await sink.waitFor('points.boost_started', 1, of(running.id));
    assert.equal(started.timestamp, '2026-05-25T08:30:00.000Z');
    assert.equal(await dueAt(env, running.id), utc('2026-05-27T13:00:00Z'));
    assert.equal(await emittedCount(laurel, env, 'points.boost_started'), 1);
  });

  test('edits move the due times from what was already sent: later dates, an open end set, an end moved into the past', async () => {
    const { env, sink, system } = await setUp();
    clock.set(utc('2026-06-01T12:00:00Z'));
    const path = `${POINTS}/${system.id}/boosts`;
    const [moved, openEnded, cut] = await env.pointsItems(system.id, 'boosts', [
      { name: 'Moved', start: '2026-06-10', end: '2026-06-11', multiplier: 2 },
      { name: 'Open', start: '2026-06-02', multiplier: 2 },
      { name: 'Cut', start: '2026-06-02', end: '2026-06-30', multiplier: 2 },
    ]);
    await env.update(path, { id: moved.id, start: '2026-06-20', end: '2026-06-21' });
    assert.equal(await dueAt(env, moved.id), utc('2026-06-19T10:00:00Z'), 'a boost not yet announced is announced at its new start');

    // Both others began in UTC+14 at 10:00 today: announced at once.
    await laurel.scheduler!.runDue();
    await sink.waitFor('points.boost_started', 2);
    assert.equal(await dueAt(env, openEnded.id), undefined, 'an open-ended boost has nothing more to send once announced');

    clock.set(utc('2026-06-03T14:00:00Z'));
    await env.update(path, { id: openEnded.id, end: '2026-06-05' });
    assert.equal(await dueAt(env, openEnded.id), utc('2026-06-06T13:00:00Z'), 'given an end, it finishes then, and is not announced again');
    await env.update(path, { id: cut.id, end: '2026-06-02' });
    assert.equal(await dueAt(env, cut.id), utc('2026-06-03T13:00:00Z'), 'an announced boost whose new end has passed is due already');
    await laurel.scheduler!.runDue();
    const [finished] = await sink.waitFor('points.boost_finished', 1, of(cut.id));
    assert.equal(finished.boost.end, '2026-06-02');
    assert.equal(finished.timestamp, '2026-06-03T13:00:00.000Z');

    await runAt('2026-06-06T13:00:00Z');
    await sink.waitFor('points.boost_finished', 1, of(openEnded.id));
    assert.equal(await emittedCount(laurel, env, 'points.boost_started', of(openEnded.id)), 1);
    await env.update(path, { id: openEnded.id, end: '2026-06-30' });
    assert.equal(await dueAt(env, openEnded.id), undefined, 'a boost that has finished is never announced again');
  });

  test('deleting a boost, or its system, removes its job', async () => {
    const { env, system } = await setUp();
    clock.set(utc('2026-06-10T12:00:00Z'));
    const [one, two] = await env.pointsItems(system.id, 'boosts', [
      { name: 'One', start: '2026-07-01', multiplier: 2 },
      { name: 'Two', start: '2026-07-01', multiplier: 2 },
    ]);
    assert.ok(await dueAt(env, one.id));
    assert.equal((await laurel.api('DELETE', `${POINTS}/${system.id}/boosts?ids=${one.id}`, { key: env.key })).status, 200);
    assert.equal(await dueAt(env, one.id), undefined);
    assert.ok(await dueAt(env, two.id));
    assert.equal((await laurel.api('DELETE', `${POINTS}?ids=${system.id}`, { key: env.key })).status, 200);
    assert.equal(await dueAt(env, two.id), undefined);
  });

  test('a due boost webhook is emitted once: two schedulers at once, the job run again, an edit at the due time', async () => {
    const { env, sink, system } = await setUp();
    clock.set(utc('2026-06-11T12:00:00Z'));
    const [boost] = await env.pointsItems(system.id, 'boosts', [{ name: 'Once', start: '2026-06-15', end: '2026-06-16', multiplier: 2 }]);
    clock.set(utc('2026-06-14T10:30:00Z'));
    await env.update(`${POINTS}/${system.id}/boosts`, { id: boost.id, name: 'Once, renamed' });
    assert.equal(await dueAt(env, boost.id), utc('2026-06-14T10:00:00Z'), 'still due at its time: nothing was sent yet');
    const other = new Scheduler(laurel.backend, clock, new JobRegistry([defineJob(BOOST_LIFECYCLE, boostLifecycleHandler({ outbox: laurel.outbox }))]), {
      pollIntervalMs: 60_000,
      leaseMs: 60_000,
      concurrency: 2,
    });
    await Promise.all([laurel.scheduler!.runDue(), other.runDue()]);
    await laurel.scheduler!.runDue();
    await other.runDue();
    await other.stop();
    const [started] = await sink.waitFor('points.boost_started', 1, of(boost.id));
    assert.equal(started.boost.name, 'Once, renamed');
    assert.equal(started.timestamp, '2026-06-14T10:00:00.000Z');
    await env.update(`${POINTS}/${system.id}/boosts`, { id: boost.id, name: 'Renamed again' });
    await laurel.scheduler!.runDue();
    assert.equal(await emittedCount(laurel, env, 'points.boost_started'), 1);
    assert.equal(await dueAt(env, boost.id), utc('2026-06-17T13:00:00Z'));
  });
});
