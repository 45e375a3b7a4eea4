import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { LEADERBOARDS, developmentFixtures, fixturesFor, unique, type Fixtures } from '../support/fixtures.js';
import { assertError } from '../support/assert-error.js';
import { LEADERBOARD_TABLES, assertNothingWritten } from '../support/stored-state.js';
import { DAY_MS } from '../support/time.js';

const NOW = Date.UTC(2026, 2, 11, 12); // 2026-03-11T12:00Z
const FUTURE = '2026-03-20'; // no time zone has reached it
const PAST = '2026-03-09'; // every time zone has left it

/**
 * The rules of engine/leaderboards/validate.ts over HTTP: each broken rule refuses the whole
 * request with 422 naming the item and the field, and nothing is written.
 */
forEachBackend('leaderboard rules over the Admin API', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;
  let env: Fixtures;
  let metric: { id: string };
  let other: { id: string };
  let city: { id: string };
  let plan: { id: string };
  let source: { id: string };

  before(async () => {
    clock = new ManualClock(NOW);
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock });
    env = await developmentFixtures(laurel);
    metric = await env.metric({ key: 'lessons' });
    other = await env.metric({ key: 'minutes' });
    city = await env.attribute('city');
    plan = await env.attribute('plan');
    source = await env.attribute('source', 'event');
  });
  after(() => laurel.close());

  const metricBoard = (overrides: Record<string, unknown> = {}) => ({ name: 'Lessons', key: unique('lessons'), rankBy: 'metric', metricId: metric.id, ...overrides });

  /** POSTs, expecting a 422 whose message matches every pattern, with nothing written. */
  async function refusedCreate(body: unknown, ...patterns: RegExp[]): Promise<void> {
    await assertNothingWritten(laurel, LEADERBOARD_TABLES, async () => assertError(await laurel.api('POST', LEADERBOARDS, { body }), 422, ...patterns));
  }

  async function refusedUpdate(body: unknown, ...patterns: RegExp[]): Promise<void> {
    await assertNothingWritten(laurel, LEADERBOARD_TABLES, async () => assertError(await laurel.api('PATCH', LEADERBOARDS, { body }), 422, ...patterns));
  }

  describe('the body must fit the schema', () => {
    test('not a list, an empty list, more than 100 items', async () => {
      await refusedCreate(metricBoard(), /body: /);
      await refusedCreate([], /at least one leaderboard/);
      await refusedCreate(Array.from({ length: 101 }, () => metricBoard()), /at most 100 leaderboards/);
      await refusedUpdate([], /at least one change/);
    });

    test('missing name, key or rankBy; unknown fields; wrong types and values', async () => {
      await refusedCreate([{ key: unique('k'), rankBy: 'streak' }], /body\[0\]\.name: is required|body\[0\]\.name/);
      await refusedCreate([{ name: 'No key', rankBy: 'streak' }], /body\[0\]\.key/);
      await refusedCreate([{ name: 'No rank', key: unique('k') }], /body\[0\]\.rankBy: is required: one of metric, points, streak/);
      await refusedCreate([metricBoard({ rankBy: 'xp' })], /body\[0\]\.rankBy: must be one of metric, points, streak/);
      await refusedCreate([metricBoard({ colour: 'red' })], /unknown field "colour"/);
      await refusedCreate([metricBoard({ key: 'has space' })], /body\[0\]\.key: must contain only letters, digits, hyphens and underscores/);
      await refusedCreate([metricBoard({ status: 'paused' })], /body\[0\]\.status: must be one of inactive, scheduled, active, finished/);
      await refusedCreate([metricBoard({ runUnit: 'week', runInterval: 1 })], /body\[0\]\.runUnit: must be one of day, month, year/);
      await refusedUpdate([{ name: 'No id' }], /body\[0\]\.id/);
    });

    test('maxParticipants 1-1000 whole; dates that exist; times HH:mm[:ss]; runInterval 1-10000', async () => {
      for (const maxParticipants of [0, 1001, 2.5, '10']) await refusedCreate([metricBoard({ maxParticipants })], /body\[0\]\.maxParticipants/);
      await refusedCreate([metricBoard({ start: '2026-02-30' })], /body\[0\]\.start: must be a date written YYYY-MM-DD/);
      await refusedCreate([metricBoard({ end: '11/03/2026' })], /body\[0\]\.end: must be a date/);
      await refusedCreate([metricBoard({ startTime: '24:00' })], /body\[0\]\.startTime: must be a time of day written HH:mm or HH:mm:ss/);
      await refusedCreate([metricBoard({ endTime: '9:00' })], /body\[0\]\.endTime/);
      await refusedCreate([metricBoard({ runUnit: 'day', runInterval: 0 })], /body\[0\]\.runInterval: must be at least 1/);
      await refusedCreate([metricBoard({ runUnit: 'day', runInterval: 10_001 })], /body\[0\]\.runInterval: must be at most 10000/);
      await refusedCreate([metricBoard({ breakdownAttributes: city.id })], /body\[0\]\.breakdownAttributes/);
    });
  });

  describe('combinations of fields', () => {
    test('rankBy metric needs metricId; points needs pointsSystemId; neither goes with another rankBy', async () => {
      await refusedCreate([metricBoard({ metricId: undefined })], /body\[0\]\.metricId: metricId is required when rankBy is metric/);
      await refusedCreate([{ name: 'P', key: unique('p'), rankBy: 'points' }], /body\[0\]\.pointsSystemId: pointsSystemId is required when rankBy is points/);
      await refusedCreate([{ name: 'S', key: unique('s'), rankBy: 'streak', metricId: metric.id }], /body\[0\]\.metricId: metricId is only allowed when rankBy is metric/);
      await refusedCreate([metricBoard({ pointsSystemId: metric.id })], /body\[0\]\.pointsSystemId: pointsSystemId is only allowed when rankBy is points/);
    });

    test('run settings: streak boards cannot repeat; runUnit and runInterval come together', async () => {
      await refusedCreate([{ name: 'S', key: unique('s'), rankBy: 'streak', runUnit: 'day', runInterval: 7 }], /body\[0\]\.runUnit: streak leaderboards cannot repeat: leave runUnit unset/);
      await refusedCreate([metricBoard({ runUnit: 'month' })], /body\[0\]\.runInterval: runInterval is required when runUnit is set/);
      await refusedCreate([metricBoard({ runInterval: 2 })], /body\[0\]\.runInterval: runInterval is only allowed with runUnit/);
      const streak = await env.leaderboardAsGiven({ name: 'Streaky', key: unique('streaky'), rankBy: 'streak' });
      await refusedUpdate([{ id: streak.id, runUnit: 'day', runInterval: 1 }], /body\[0\]\.runUnit: streak leaderboards cannot repeat/);
      const repeating = await env.leaderboardAsGiven(metricBoard({ runUnit: 'day', runInterval: 7 }));
      await refusedUpdate([{ id: repeating.id, rankBy: 'streak' }], /body\[0\]\.runUnit: streak leaderboards cannot repeat/);
      // Together with runUnit: null it is fine, and clearing runUnit clears runInterval.
      const perpetual = await env.update(LEADERBOARDS, { id: repeating.id, rankBy: 'streak', runUnit: null });
      assert.equal('runUnit' in perpetual || 'runInterval' in perpetual || 'metricId' in perpetual, false);
    });

    test('end on or after start; a window of two different times; each breakdown attribute once', async () => {
      await refusedCreate([metricBoard({ start: '2026-04-02', end: '2026-04-01' })], /body\[0\]\.end: end must be on or after start/);
      await refusedCreate([metricBoard({ startTime: '09:00', endTime: '09:00:00' })], /body\[0\]\.endTime: endTime must differ from startTime/);
      await refusedCreate([metricBoard({ breakdownAttributes: [city.id, city.id] })], /body\[0\]\.breakdownAttributes: each breakdown attribute may be listed only once/);
      // A window may wrap past midnight, and a one-day board is fine.
      await env.leaderboardAsGiven(metricBoard({ startTime: '22:00', endTime: '02:00', start: '2026-04-01', end: '2026-04-01' }));
    });
  });

  describe('ids must name something in the environment', () => {
    test('an unknown metric, one of another environment, an unknown attribute, an event attribute, an unknown points system', async () => {
      const elsewhere = await fixturesFor(laurel);
      const foreignMetric = await elsewhere.metric({ key: 'lessons' });
      const missing = '00000000-0000-7000-8000-00000000beef';
      await refusedCreate([metricBoard({ metricId: missing })], new RegExp(`body\\[0\\]\\.metricId: no metric has the id ${missing} in this environment`));
      await refusedCreate([metricBoard({ metricId: foreignMetric.id })], /body\[0\]\.metricId: no metric has the id/);
      await refusedCreate([metricBoard({ breakdownAttributes: [city.id, missing] })], new RegExp(`body\\[0\\]\\.breakdownAttributes: no user attribute has the id ${missing}`));
      await refusedCreate([metricBoard({ breakdownAttributes: [source.id] })], /body\[0\]\.breakdownAttributes: attribute .* is an event attribute; breakdowns group users by user attributes/);
      await refusedCreate([{ name: 'XP', key: unique('xp'), rankBy: 'points', pointsSystemId: missing }], /body\[0\]\.pointsSystemId: no points system has the id/);
      const board = await env.leaderboardAsGiven(metricBoard());
      await refusedUpdate([{ id: board.id, metricId: missing }], /body\[0\]\.metricId: no metric has the id/);
    });

    test('one bad item refuses the whole request: the good items are not written either', async () => {
      const good = metricBoard();
      await refusedCreate([good, metricBoard({ metricId: undefined }), good], /body\[1\]\.metricId: metricId is required/);
      assert.equal((await laurel.api('GET', `${LEADERBOARDS}?limit=100`)).body.some((b: any) => b.key === good.key), false);
      const [board, second] = [await env.leaderboardAsGiven(metricBoard()), await env.leaderboardAsGiven(metricBoard())];
      await refusedUpdate([{ id: board.id, name: 'Renamed' }, { id: second.id, end: '2000-01-01' }], /body\[1\]\.end: end must be on or after start/);
      assert.equal((await laurel.api('GET', `${LEADERBOARDS}/${board.id}`)).body.name, 'Lessons');
      // Every broken rule is named, in item order.
      await refusedCreate([metricBoard({ metricId: undefined }), { name: 'S', key: unique('s'), rankBy: 'streak', runUnit: 'day' }], /body\[0\]\.metricId: .*; body\[1\]\.runUnit: .*; body\[1\]\.runInterval: /);
    });
  });

  describe('statuses at creation', () => {
    test('active with a start in the future is refused (it would be scheduled); scheduled is fine and shows scheduled', async () => {
      await refusedCreate([metricBoard({ status: 'active', start: FUTURE })], /body\[0\]\.status: the start date is in the future: such a leaderboard can be scheduled, not active/);
      const scheduled = await env.leaderboardAsGiven(metricBoard({ status: 'scheduled', start: FUTURE }));
      assert.equal(scheduled.status, 'scheduled');
      // Tomorrow (UTC) has already begun in UTC+14, so a board starting then can be active now.
      const tomorrow = await env.leaderboardAsGiven(metricBoard({ status: 'active', start: '2026-03-12' }));
      assert.equal(tomorrow.status, 'active');
      // Scheduled for a start that has come simply goes live.
      assert.equal((await env.leaderboardAsGiven(metricBoard({ status: 'scheduled', start: '2026-03-01' }))).status, 'active');
    });

    test('active or scheduled after the end date has passed everywhere is refused; finished needs an end in the past', async () => {
      await refusedCreate([metricBoard({ status: 'active', start: '2026-03-01', end: PAST })], /body\[0\]\.status: the end date has passed: such a leaderboard can only be finished/);
      await refusedCreate([metricBoard({ status: 'scheduled', start: '2026-03-01', end: PAST })], /body\[0\]\.status: the end date has passed/);
      await refusedCreate([metricBoard({ status: 'finished' })], /body\[0\]\.status: a leaderboard can be created finished only with an end date in the past/);
      await refusedCreate([metricBoard({ status: 'finished', start: '2026-03-01', end: '2026-03-31' })], /created finished only with an end date in the past/);
      const finished = await env.leaderboardAsGiven(metricBoard({ status: 'finished', start: '2026-03-01', end: PAST }));
      assert.equal(finished.status, 'finished');
      // Yesterday's end date is still under way in UTC-12 until 12:00 UTC today: not passed until then.
      clock.set(NOW - 1);
      try {
        assert.equal((await env.leaderboardAsGiven(metricBoard({ status: 'active', start: '2026-03-01', end: '2026-03-10' }))).status, 'active');
      } finally {
        clock.set(NOW);
      }
    });
  });

  describe('what may change in which status', () => {
    test('inactive: everything may change, key and what it ranks included', async () => {
      const board = await env.leaderboardAsGiven(metricBoard({ runUnit: 'day', runInterval: 7 }));
      const key = unique('rekeyed');
      const changed = await env.update(LEADERBOARDS, {
        id: board.id,
        key,
        metricId: other.id,
        breakdownAttributes: [plan.id, city.id],
        runUnit: 'month',
        runInterval: 1,
        start: '2026-01-31',
      });
      assert.deepEqual(
        { key: changed.key, metricId: changed.metricId, breakdownAttributes: changed.breakdownAttributes, runUnit: changed.runUnit, runInterval: changed.runInterval, start: changed.start },
        { key, metricId: other.id, breakdownAttributes: [plan.id, city.id], runUnit: 'month', runInterval: 1, start: '2026-01-31' },
      );
    });

    test('once live: key, rankBy, metricId, breakdowns and runs are fixed; name, description, size, end and window may change', async () => {
      const board = await env.leaderboardAsGiven(metricBoard({ status: 'active', start: '2026-03-01', runUnit: 'day', runInterval: 7, breakdownAttributes: [city.id] }));
      const locked: [string, unknown][] = [
        ['key', unique('new-key')],
        ['rankBy', 'streak'],
        ['metricId', other.id],
        ['breakdownAttributes', [plan.id]],
        ['runUnit', 'month'],
        ['runInterval', 14],
      ];
      for (const [field, value] of locked) {
        const change = field === 'rankBy' ? { id: board.id, rankBy: value, runUnit: null } : { id: board.id, [field]: value };
        await refusedUpdate([change], new RegExp(`body\\[0\\]\\.${field}: ${field} can only change while the leaderboard is inactive`));
      }
      // Sending back what is stored is not a change.
      await env.update(LEADERBOARDS, { id: board.id, key: board.key, rankBy: 'metric', metricId: metric.id, breakdownAttributes: [city.id], runUnit: 'day', runInterval: 7 });
      const changed = await env.update(LEADERBOARDS, { id: board.id, name: 'Renamed', description: 'Now with a description', maxParticipants: 10, end: '2026-12-31', startTime: '06:00', endTime: null });
      assert.deepEqual(
        [changed.name, changed.description, changed.maxParticipants, changed.end, changed.startTime, changed.status],
        ['Renamed', 'Now with a description', 10, '2026-12-31', '06:00', 'active'],
      );
    });

    test('start may move while scheduled, not once started; setting inactive first unlocks everything', async () => {
      const scheduled = await env.leaderboardAsGiven(metricBoard({ status: 'scheduled', start: FUTURE }));
      assert.equal((await env.update(LEADERBOARDS, { id: scheduled.id, start: '2026-03-25' })).start, '2026-03-25');
      // Moving it to a date that has come makes it live, as scheduled boards do.
      assert.equal((await env.update(LEADERBOARDS, { id: scheduled.id, start: '2026-03-10' })).status, 'active');
      await refusedUpdate([{ id: scheduled.id, start: '2026-03-05' }], /body\[0\]\.start: start cannot change once the leaderboard has started/);

      await env.update(LEADERBOARDS, { id: scheduled.id, status: 'inactive' });
      const rewired = await env.update(LEADERBOARDS, { id: scheduled.id, start: '2026-03-05', metricId: other.id, runUnit: 'year', runInterval: 1 });
      assert.deepEqual([rewired.status, rewired.start, rewired.metricId, rewired.runUnit], ['inactive', '2026-03-05', other.id, 'year']);
      assert.equal((await env.update(LEADERBOARDS, { id: scheduled.id, status: 'active' })).status, 'active');
    });

    test('going live: active with a future start is refused, scheduled is not; dates that put a live board past its end are refused', async () => {
      const board = await env.leaderboardAsGiven(metricBoard({ start: FUTURE }));
      await refusedUpdate([{ id: board.id, status: 'active' }], /body\[0\]\.status: the start date is in the future: such a leaderboard can be scheduled, not active/);
      assert.equal((await env.update(LEADERBOARDS, { id: board.id, status: 'scheduled' })).status, 'scheduled');
      await refusedUpdate([{ id: board.id, start: '2026-03-01', end: PAST }], /body\[0\]\.start: the end date has passed: such a leaderboard can only be finished/);

      const live = await env.leaderboardAsGiven(metricBoard({ status: 'active', start: '2026-03-01' }));
      await refusedUpdate([{ id: live.id, end: PAST }], /body\[0\]\.end: the end date has passed: such a leaderboard can only be finished/);
      // An end still under way somewhere is fine.
      assert.equal((await env.update(LEADERBOARDS, { id: live.id, end: '2026-03-11' })).end, '2026-03-11');
    });

    test('finished is the finish action, allowed in any status; a board past its end shows finished', async () => {
      const live = await env.leaderboardAsGiven(metricBoard({ status: 'active', start: '2026-03-01' }));
      assert.equal((await env.update(LEADERBOARDS, { id: live.id, status: 'finished' })).status, 'finished');
      const draft = await env.leaderboardAsGiven(metricBoard());
      assert.equal((await env.update(LEADERBOARDS, { id: draft.id, status: 'finished' })).status, 'finished');

      const ending = await env.leaderboardAsGiven(metricBoard({ status: 'active', start: '2026-03-01', end: '2026-03-12' }));
      clock.set(NOW + 2 * DAY_MS);
      try {
        assert.equal((await laurel.api('GET', `${LEADERBOARDS}/${ending.id}`)).body.status, 'finished');
        // Its name can still change; making it active again is refused (its end has passed).
        assert.equal((await env.update(LEADERBOARDS, { id: ending.id, name: 'Over' })).status, 'finished');
        await env.update(LEADERBOARDS, { id: ending.id, status: 'inactive' });
        await refusedUpdate([{ id: ending.id, status: 'active' }], /body\[0\]\.status: the end date has passed/);
      } finally {
        clock.set(NOW);
      }
    });
  });
});
