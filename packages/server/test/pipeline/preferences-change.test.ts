import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { fixturesFor, type Fixtures } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { dueAt } from '../support/scheduled-jobs.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11, 12:00 UTC
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A user switching their streak off or on (PATCH /v1/users/{id}/preferences) is a change through
 * the pipeline: the streak stage decides the length anything reads (0 while off; back on, a fresh
 * start at 0 with the freezes kept) and the schedule, and a streak leaderboard ranks that length.
 * Nothing streak-related is sent for it (Trophy: with streak.enabled false no streak webhooks).
 */
forEachBackend('pipeline: streak preferences', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(NOW);

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(() => laurel.close());

  async function rankings(f: Fixtures, board: string): Promise<[string, number, number][]> {
    const response = await f.request('GET', `/v1/leaderboards/${board}?limit=10`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.rankings.map((r: any) => [r.userId, r.rank, r.value]);
  }
  async function setEnabled(f: Fixtures, userId: string, enabled: boolean): Promise<void> {
    const response = await f.request('PATCH', `/v1/users/${userId}/preferences`, { streak: { enabled } });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.streak.enabled, enabled);
  }
  const streakLength = async (f: Fixtures, userId: string): Promise<number> => (await f.request('GET', `/v1/users/${userId}/streak`)).body.length;
  const storedStreak = (f: Fixtures, userId: string) =>
    laurel.backend.db.selectFrom('user_streaks').select(['length', 'freezes', 'started']).where('environment_id', '=', f.id).where('user_id', '=', userId).executeTakeFirstOrThrow();
  const streakWebhooks = async (f: Fixtures, userId: string): Promise<string[]> =>
    (await laurel.backend.db.selectFrom('events').select(['type', 'payload']).where('environment_id', '=', f.id).where('type', 'like', 'streak.%').orderBy('created_at').orderBy('id').execute())
      .filter((row) => JSON.parse(row.payload).user?.id === userId)
      .map((row) => row.type);

  test('turned off, the user leaves the streak board and the others move up; back on, the streak starts afresh and ranks again', async () => {
    const f = await fixturesFor(laurel);
    await f.metric({ key: 'runs' });
    const settings = await f.request('PUT', '/admin/v1/streaks/settings', {
      enabled: true,
      frequency: 'daily',
      conditions: [{ metricKey: 'runs', threshold: 1 }],
      freezes: { enabled: true, initial: 1, max: 3 },
    });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    await f.leaderboard({ key: 'streaks', rankBy: 'streak' });

    // Ada runs two days, Bob one, Cy the second day: Ada 2, then Bob and Cy at 1 (Bob reached it first).
    await f.event('runs', 'ada', 1);
    await f.event('runs', 'bob', 1);
    clock.advance(DAY);
    await f.event('runs', 'ada', 1);
    await f.event('runs', 'cy', 1);
    assert.deepEqual(await rankings(f, 'streaks'), [['ada', 1, 2], ['bob', 2, 1], ['cy', 3, 1]]);
    const adaWake = await dueAt(laurel, f.id, 'streak', 'ada');
    assert.ok(adaWake !== undefined, 'a running streak has its next rollover on the schedule');
    const sentBefore = await streakWebhooks(f, 'ada');

    clock.advance(HOUR);
    await setEnabled(f, 'ada', false);
    assert.deepEqual(await rankings(f, 'streaks'), [['bob', 1, 1], ['cy', 2, 1]], 'a streak that is off is 0: off the board, the others up one');
    assert.equal(await streakLength(f, 'ada'), 0, 'reads show 0 while off');
    assert.deepEqual(await storedStreak(f, 'ada'), { length: 2, freezes: 1, started: '2026-03-11' }, 'the stored streak is kept as it was');
    assert.equal(await dueAt(laurel, f.id, 'streak', 'ada'), undefined, 'nothing left to wake up for');
    assert.deepEqual(await streakWebhooks(f, 'ada'), sentBefore, 'no streak webhook for turning it off');
    const changed = await laurel.backend.db.selectFrom('events').select(['payload', 'created_at']).where('environment_id', '=', f.id).where('type', '=', 'leaderboard.changed').orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(Number(changed.created_at), clock.now(), 'the rankings changed: leaderboard.changed, the last one sent an hour before');
    assert.deepEqual(JSON.parse(changed.payload).leaderboard.rankings.map((r: any) => [r.userId, r.rank, r.value]), [['bob', 1, 1], ['cy', 2, 1]]);
    const history = await f.request('GET', '/v1/users/ada/leaderboards/streaks');
    assert.equal(history.status, 200, JSON.stringify(history.body));
    assert.equal(history.body.rank, null);
    assert.deepEqual(history.body.history.map((h: any) => [h.date, h.rank]).at(-1), ['2026-03-12', null], "the day's history row shows her leaving");

    // While off an event counts no period and the board does not take her.
    const offEvent = await f.event('runs', 'ada', 1);
    assert.equal(offEvent.body.leaderboards.streaks, undefined);
    assert.equal(await streakLength(f, 'ada'), 0);
    // Turning it off again changes nothing.
    await setEnabled(f, 'ada', false);
    assert.deepEqual(await rankings(f, 'streaks'), [['bob', 1, 1], ['cy', 2, 1]]);

    // Back on (two days later, nothing settled as a loss): a fresh start at 0, freezes kept, still off the board.
    clock.advance(2 * DAY);
    while ((await laurel.scheduler!.runDue()) > 0);
    await setEnabled(f, 'ada', true);
    assert.deepEqual(await storedStreak(f, 'ada'), { length: 0, freezes: 1, started: null });
    assert.equal(await streakLength(f, 'ada'), 0);
    assert.deepEqual(await streakWebhooks(f, 'ada'), sentBefore, 'no streak.lost, no freeze spent for the days it was off');
    assert.deepEqual(await rankings(f, 'streaks'), [['cy', 1, 1]], "meanwhile Bob's streak was lost at a rollover; Cy's holds on her freeze");

    // Her next run starts a streak of 1 and the board ranks it.
    const run = await f.event('runs', 'ada', 1);
    assert.equal(run.body.leaderboards.streaks.rank, 2);
    assert.deepEqual(await rankings(f, 'streaks'), [['cy', 1, 1], ['ada', 2, 1]], 'Cy reached 1 first');
    assert.deepEqual((await streakWebhooks(f, 'ada')).slice(sentBefore.length), ['streak.started']);
    clock.set(NOW);
  });

  test('preferences without streak.enabled or days off leave the streak and the board alone', async () => {
    const f = await fixturesFor(laurel);
    await f.metric({ key: 'steps' });
    const settings = await f.request('PUT', '/admin/v1/streaks/settings', { enabled: true, frequency: 'daily', conditions: [{ metricKey: 'steps', threshold: 1 }] });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    await f.leaderboard({ key: 'steady', rankBy: 'streak' });
    await f.event('steps', 'dee', 1);
    const wake = await dueAt(laurel, f.id, 'streak', 'dee');
    const response = await f.request('PATCH', '/v1/users/dee/preferences', { notifications: { streak_reminder: ['email'] } });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(await rankings(f, 'steady'), [['dee', 1, 1]]);
    assert.equal(await dueAt(laurel, f.id, 'streak', 'dee'), wake);
    // Turning it off on another environment's user of the same id is a 404 here.
    const other = await fixturesFor(laurel);
    const missing = await other.request('PATCH', '/v1/users/dee/preferences', { streak: { enabled: false } });
    assert.equal(missing.status, 404, JSON.stringify(missing.body));
    assert.deepEqual(await rankings(f, 'steady'), [['dee', 1, 1]]);
  });
});
