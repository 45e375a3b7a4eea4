import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { TIME_TICK_JOB } from '../../src/points/time-schedule.js';
import { forEachBackend } from '../support/backends.js';
import { dueAt as scheduledDueAt } from '../support/scheduled-jobs.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { POINTS, fixturesFor, unique, type Fixtures } from '../support/fixtures.js';

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(iso);

/**
 * Points time triggers: schedules made for every user by the walk a trigger activation starts,
 * each user's job paying what fell due through the pipeline, capped at maxPoints, with the
 * manual clock moved to each due time. The clock only moves forward across the file.
 */
forEachBackend('points time triggers', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(utc('2026-07-01T00:00:00Z'));

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(() => laurel.close());

  async function points(env: Fixtures, userId: string, key: string): Promise<{ total: number; awards: number[] }> {
    const response = await laurel.api('GET', `/v1/users/${userId}/points/${key}?awards=100`, { key: env.key });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return { total: response.body.total, awards: response.body.awards.map((award: any) => award.awarded).reverse() };
  }

  const dueAt = (env: Fixtures, userId: string) => scheduledDueAt(laurel, env.id, TIME_TICK_JOB.name, userId);

  async function runAt(at: number): Promise<void> {
    clock.set(at);
    await laurel.scheduler!.runDue();
  }

  test('energy: +1 every 4 hours from the activation, up to maxPoints 5, refilling after a lesson spends 2', async () => {
    const env = await fixturesFor(laurel);
    const [first, second] = [(await env.user()).id, (await env.user({ tz: 'Asia/Tokyo' })).id];
    const metric = await env.metric({ key: 'lessons' });
    clock.set(utc('2026-07-01T01:00:00Z'));
    const activation = clock.now();
    await env.pointsSystem({
      name: 'Energy',
      key: 'energy',
      maxPoints: 5,
      triggers: [
        { type: 'time', points: 1, timeUnit: 'hours', timeInterval: 4, status: 'active' },
        { type: 'metric', points: -2, metricId: metric.id, metricThreshold: 1, status: 'active' },
      ],
    });
    // The activation's walk gives every user a schedule counted from it (both were created before).
    await laurel.scheduler!.runDue();
    for (const user of [first, second]) assert.equal(await dueAt(env, user), activation + 4 * HOUR, 'hours are elapsed time, whatever the zone');

    await runAt(activation + 4 * HOUR - 1);
    assert.deepEqual(await points(env, first, 'energy'), { total: 0, awards: [] });
    await runAt(activation + 4 * HOUR);
    for (const user of [first, second]) assert.deepEqual(await points(env, user, 'energy'), { total: 1, awards: [1] });
    assert.equal(await dueAt(env, first), activation + 8 * HOUR);

    // A day later, six more were due: one award, cut to what fits under the cap.
    await runAt(activation + 28 * HOUR);
    assert.deepEqual(await points(env, first, 'energy'), { total: 5, awards: [1, 4] });
    assert.equal(await dueAt(env, first), activation + 32 * HOUR);
    await laurel.scheduler!.runDue();
    assert.deepEqual(await points(env, first, 'energy'), { total: 5, awards: [1, 4] }, 'running again at the same instant pays nothing');

    // A full tank stays full; a lesson spends 2 and the ticks refill it.
    await runAt(activation + 32 * HOUR);
    assert.deepEqual(await points(env, first, 'energy'), { total: 5, awards: [1, 4] }, 'an award that comes to 0 is not recorded');
    const event = await laurel.api('POST', '/v1/metrics/lessons/event', { key: env.key, body: { user: { id: first }, value: 1 }, headers: { 'idempotency-key': unique('lesson') } });
    assert.equal(event.status, 201, JSON.stringify(event.body));
    assert.equal((await points(env, first, 'energy')).total, 3);
    await runAt(activation + 36 * HOUR);
    assert.equal((await points(env, first, 'energy')).total, 4);
    await runAt(activation + 40 * HOUR);
    await runAt(activation + 44 * HOUR);
    assert.deepEqual(await points(env, first, 'energy'), { total: 5, awards: [1, 4, -2, 1, 1] });
    assert.deepEqual(await points(env, second, 'energy'), { total: 5, awards: [1, 4] });
  });

  test("day units fall at the user's local midnight, counted from the later of their creation and the activation", async () => {
    clock.set(utc('2026-07-05T06:00:00Z')); // 15:00 in Tokyo (UTC+9), 02:00 in New York (UTC-4)
    const env = await fixturesFor(laurel);
    const tokyo = (await env.user({ tz: 'Asia/Tokyo' })).id;
    const newYork = (await env.user({ tz: 'America/New_York' })).id;
    const system = await env.pointsSystem({ name: 'Coins', key: 'coins', triggers: [{ type: 'time', points: 10, timeUnit: 'days', timeInterval: 1, status: 'active' }] });
    await laurel.scheduler!.runDue();
    assert.equal(await dueAt(env, tokyo), utc('2026-07-05T15:00:00Z'), 'midnight starting 07-06 in Tokyo');
    assert.equal(await dueAt(env, newYork), utc('2026-07-06T04:00:00Z'), 'midnight starting 07-06 in New York');

    await runAt(utc('2026-07-05T15:00:00Z'));
    assert.deepEqual(await points(env, tokyo, 'coins'), { total: 10, awards: [10] });
    assert.deepEqual(await points(env, newYork, 'coins'), { total: 0, awards: [] });
    await runAt(utc('2026-07-06T04:00:00Z'));
    assert.deepEqual(await points(env, newYork, 'coins'), { total: 10, awards: [10] });
    assert.equal(await dueAt(env, tokyo), utc('2026-07-06T15:00:00Z'));

    // Every 2 days instead: the schedules are made again from the same anchor, nothing is paid twice.
    await env.update(`${POINTS}/${system.id}/triggers`, { id: system.triggers[0].id, timeInterval: 2 });
    await laurel.scheduler!.runDue();
    assert.equal(await dueAt(env, tokyo), utc('2026-07-06T15:00:00Z'), 'the anchor date 07-05 plus 2 days: midnight starting 07-07');
    await runAt(utc('2026-07-06T15:00:00Z'));
    assert.deepEqual(await points(env, tokyo, 'coins'), { total: 20, awards: [10, 10] });
    assert.equal(await dueAt(env, tokyo), utc('2026-07-08T15:00:00Z'));
  });

  test('a deactivated trigger pays nothing more: the next run drops its schedule and the job ends', async () => {
    clock.set(utc('2026-07-10T00:00:00Z'));
    const env = await fixturesFor(laurel);
    const user = (await env.user()).id;
    const system = await env.pointsSystem({ name: 'Gems', key: 'gems', triggers: [{ type: 'time', points: 1, timeUnit: 'hours', timeInterval: 1, status: 'active' }] });
    await laurel.scheduler!.runDue();
    await runAt(utc('2026-07-10T02:00:00Z'));
    assert.deepEqual(await points(env, user, 'gems'), { total: 2, awards: [2] });
    await env.update(`${POINTS}/${system.id}/triggers`, { id: system.triggers[0].id, status: 'inactive' });
    await runAt(utc('2026-07-10T05:00:00Z'));
    assert.deepEqual(await points(env, user, 'gems'), { total: 2, awards: [2] });
    assert.equal(await dueAt(env, user), undefined);
    const rows = await laurel.backend.db.selectFrom('user_points_triggers').select('trigger_id').where('environment_id', '=', env.id).execute();
    assert.deepEqual(rows, []);

    // Active again: it counts afresh from the new activation.
    await env.update(`${POINTS}/${system.id}/triggers`, { id: system.triggers[0].id, status: 'active' });
    await laurel.scheduler!.runDue();
    assert.equal(await dueAt(env, user), utc('2026-07-10T06:00:00Z'));
    await runAt(utc('2026-07-10T06:00:00Z'));
    assert.deepEqual(await points(env, user, 'gems'), { total: 3, awards: [2, 1] });
  });

  test('a user created after the activation is scheduled from their creation (by the pipeline, when the users API creates them)', async () => {
    clock.set(utc('2026-07-11T00:00:00Z'));
    const env = await fixturesFor(laurel);
    await env.pointsSystem({ name: 'Stars', key: 'stars', triggers: [{ type: 'time', points: 3, timeUnit: 'hours', timeInterval: 6, status: 'active' }] });
    await laurel.scheduler!.runDue();
    clock.set(utc('2026-07-11T10:30:00Z'));
    const userId = unique('user');
    const created = await laurel.api('POST', '/v1/users', { key: env.key, body: { id: userId } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(await dueAt(env, userId), utc('2026-07-11T16:30:00Z'), 'six hours after they were created, not after the activation');
    await runAt(utc('2026-07-11T16:30:00Z'));
    assert.deepEqual(await points(env, userId, 'stars'), { total: 3, awards: [3] });
  });

  test('a user who moves to another time zone has their day triggers moved to their new midnight', async () => {
    clock.set(utc('2026-07-12T00:00:00Z'));
    const env = await fixturesFor(laurel);
    await env.pointsSystem({ name: 'Coins', key: 'daily-coins', triggers: [{ type: 'time', points: 10, timeUnit: 'days', timeInterval: 1, status: 'active' }] });
    await laurel.scheduler!.runDue();
    clock.set(utc('2026-07-12T12:00:00Z'));
    const userId = unique('user');
    assert.equal((await laurel.api('POST', '/v1/users', { key: env.key, body: { id: userId, tz: 'UTC' } })).status, 201);
    assert.equal(await dueAt(env, userId), utc('2026-07-13T00:00:00Z'), 'midnight in UTC');
    const moved = await laurel.api('PATCH', `/v1/users/${userId}`, { key: env.key, body: { tz: 'Asia/Tokyo' } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(await dueAt(env, userId), utc('2026-07-12T15:00:00Z'), 'midnight in Tokyo (UTC+9)');
  });
});
