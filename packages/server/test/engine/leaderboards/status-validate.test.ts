import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dateBeginsAnywhere,
  dateEndsEverywhere,
  ranksOn,
  statusAt,
  validateLeaderboard,
  type FieldError,
  type LeaderboardConfig,
} from '../../../src/engine/leaderboards/index.js';
import { at, board } from './helpers.js';

const fields = (errors: FieldError[]) => errors.map((e) => e.field);

describe('when a date is under way somewhere', () => {
  it('from 10:00 UTC the day before (UTC+14 enters it) to 12:00 UTC the day after (UTC-12 leaves it)', () => {
    assert.equal(dateBeginsAnywhere('2026-03-01'), at('2026-02-28T10:00:00Z'));
    assert.equal(dateEndsEverywhere('2026-03-01'), at('2026-03-02T12:00:00Z'));
    // The instants are where those zones' local dates change.
    assert.equal(new Date(dateBeginsAnywhere('2026-03-01')).toLocaleDateString('en-CA', { timeZone: 'Pacific/Kiritimati' }), '2026-03-01');
    assert.equal(new Date(dateEndsEverywhere('2026-03-01') - 1).toLocaleDateString('en-CA', { timeZone: 'Etc/GMT+12' }), '2026-03-01');
    assert.equal(new Date(dateEndsEverywhere('2026-03-01')).toLocaleDateString('en-CA', { timeZone: 'Etc/GMT+12' }), '2026-03-02');
  });
});

describe('statusAt', () => {
  const b = board({ start: '2026-03-01', end: '2026-03-31' });

  it('scheduled, active, finished from the dates, for every time zone', () => {
    const table: [string, string][] = [
      ['2026-02-28T09:59:59Z', 'scheduled'],
      ['2026-02-28T10:00:00Z', 'active'],
      ['2026-03-15T00:00:00Z', 'active'],
      ['2026-04-01T11:59:59Z', 'active'],
      ['2026-04-01T12:00:00Z', 'finished'],
    ];
    for (const [now, status] of table) assert.equal(statusAt(b, at(now)), status, now);
    assert.equal(statusAt({ ...b, status: 'scheduled' }, at('2026-03-15T00:00:00Z')), 'active', 'a scheduled board goes live by itself');
  });

  it('inactive and finished stand as the admin set them; no end means never finished', () => {
    assert.equal(statusAt({ ...b, status: 'inactive' }, at('2026-03-15T00:00:00Z')), 'inactive');
    assert.equal(statusAt({ ...b, status: 'finished' }, at('2026-03-15T00:00:00Z')), 'finished');
    assert.equal(statusAt(board({ end: null }), at('2099-01-01T00:00:00Z')), 'active');
  });

  it('a repeating board stays active between runs', () => {
    assert.equal(statusAt(board({ runUnit: 'day', runInterval: 7 }), at('2026-01-08T00:00:00Z')), 'active');
  });

  it('ranksOn: live and within start..end on the user’s local date', () => {
    assert.equal(ranksOn(b, '2026-02-28'), false);
    assert.equal(ranksOn(b, '2026-03-01'), true);
    assert.equal(ranksOn(b, '2026-03-31'), true);
    assert.equal(ranksOn(b, '2026-04-01'), false);
    assert.equal(ranksOn({ ...b, status: 'scheduled' }, '2026-03-01'), true);
    assert.equal(ranksOn({ ...b, status: 'inactive' }, '2026-03-10'), false);
    assert.equal(ranksOn({ ...b, status: 'finished' }, '2026-03-10'), false);
  });
});

describe('validateLeaderboard at creation', () => {
  const now = at('2026-03-10T15:00:00Z');
  const create = (overrides: Partial<LeaderboardConfig>) => validateLeaderboard(board({ start: '2026-03-10', ...overrides }), null, now);

  it('accepts the defaults and each rankBy with its source', () => {
    assert.deepEqual(create({}), []);
    assert.deepEqual(create({ rankBy: 'points', metricId: null, pointsSystemId: 'xp' }), []);
    assert.deepEqual(create({ rankBy: 'streak', metricId: null }), []);
    assert.deepEqual(create({ runUnit: 'month', runInterval: 1, end: '2026-12-31', startTime: '22:00', endTime: '02:00:30' }), []);
  });

  it('maxParticipants is an integer in 1..1000', () => {
    for (const ok of [1, 500, 1000]) assert.deepEqual(create({ maxParticipants: ok }), [], String(ok));
    for (const bad of [0, -1, 1001, 2.5, Number.NaN]) assert.deepEqual(fields(create({ maxParticipants: bad })), ['maxParticipants'], String(bad));
  });

  it('the ranking source must match rankBy', () => {
    assert.deepEqual(fields(create({ metricId: null })), ['metricId']);
    assert.deepEqual(fields(create({ rankBy: 'points' })), ['metricId', 'pointsSystemId']);
    assert.deepEqual(fields(create({ rankBy: 'streak', metricId: null, pointsSystemId: 'xp' })), ['pointsSystemId']);
  });

  it('runUnit and runInterval come together; streak boards must be perpetual', () => {
    assert.deepEqual(fields(create({ runUnit: 'day', runInterval: null })), ['runInterval']);
    assert.deepEqual(fields(create({ runUnit: null, runInterval: 7 })), ['runInterval']);
    for (const bad of [0, 1.5, 10_001]) assert.deepEqual(fields(create({ runUnit: 'day', runInterval: bad })), ['runInterval'], String(bad));
    const streak = create({ rankBy: 'streak', metricId: null, runUnit: 'day', runInterval: 7 });
    assert.deepEqual(fields(streak), ['runUnit']);
    assert.match((streak[0] as FieldError).message, /cannot repeat/);
  });

  it('dates, time windows and breakdowns', () => {
    assert.deepEqual(fields(create({ start: '2026-03-20', end: '2026-03-19', status: 'scheduled' })), ['end']);
    assert.deepEqual(create({ end: '2026-03-10' }), [], 'a one-day board');
    assert.deepEqual(fields(create({ startTime: '24:00' })), ['startTime']);
    assert.deepEqual(fields(create({ endTime: '9:00' })), ['endTime']);
    assert.deepEqual(fields(create({ startTime: '09:00', endTime: '09:00:00' })), ['endTime'], 'an empty window');
    assert.deepEqual(fields(create({ breakdownAttributes: ['city', 'city'] })), ['breakdownAttributes']);
  });

  it('a board that starts in the future is scheduled, not active', () => {
    // 2026-03-12 begins anywhere at 2026-03-11T10:00Z.
    assert.deepEqual(fields(create({ start: '2026-03-12' })), ['status']);
    assert.deepEqual(create({ start: '2026-03-12', status: 'scheduled' }), []);
    assert.deepEqual(create({ start: '2026-03-11' }), [], '03-11 has already begun in UTC+14 at 15:00Z on 03-10');
    assert.deepEqual(create({ start: '2026-03-01', status: 'scheduled' }), [], 'scheduled with a past start simply goes live');
    assert.deepEqual(create({ start: '2026-03-12', status: 'inactive' }), []);
  });

  it('finished at creation only with an end date in the past (for every time zone)', () => {
    assert.deepEqual(create({ start: '2026-02-01', end: '2026-03-09', status: 'finished' }), [], '03-09 ended in UTC-12 at 12:00Z on 03-10');
    assert.deepEqual(fields(create({ start: '2026-02-01', end: '2026-03-10', status: 'finished' })), ['status'], 'today in UTC');
    assert.deepEqual(fields(create({ status: 'finished' })), ['status'], 'no end date');
    assert.deepEqual(fields(create({ start: '2026-02-01', end: '2026-03-08', status: 'active' })), ['status']);
    assert.deepEqual(fields(create({ start: '2026-02-01', end: '2026-03-08', status: 'scheduled' })), ['status']);
  });
});

describe('validateLeaderboard on update', () => {
  const now = at('2026-03-10T15:00:00Z');
  const live = board({ start: '2026-03-01', runUnit: 'day', runInterval: 7, breakdownAttributes: ['city'] });
  const update = (previous: LeaderboardConfig, patch: Partial<LeaderboardConfig>) => validateLeaderboard({ ...previous, ...patch }, previous, now);

  it('key, rankBy and the ranking and run settings change only while inactive', () => {
    const table: Partial<LeaderboardConfig>[] = [
      { key: 'renamed' },
      { rankBy: 'points', metricId: null, pointsSystemId: 'xp' },
      { metricId: 'metric-other' },
      { breakdownAttributes: ['country'] },
      { runUnit: 'month', runInterval: 1 },
      { runInterval: 14 },
    ];
    for (const patch of table) {
      const errors = update(live, patch);
      assert.ok(errors.length > 0, JSON.stringify(patch));
      for (const error of errors) assert.ok(Object.keys(patch).includes(error.field), `${JSON.stringify(patch)}: ${error.field}`);
      assert.deepEqual(update({ ...live, status: 'inactive' }, patch), [], `inactive: ${JSON.stringify(patch)}`);
    }
    assert.deepEqual(update({ ...live, status: 'inactive' }, { key: 'renamed', status: 'active' }), [], 'in the same change that activates it');
  });

  it('other fields stay editable on a live board', () => {
    assert.deepEqual(update(live, { maxParticipants: 10, startTime: '09:00', end: '2026-06-30' }), []);
  });

  it('start changes only before the board has started', () => {
    assert.deepEqual(fields(update(live, { start: '2026-03-02' })), ['start']);
    const scheduled = board({ start: '2026-04-01', status: 'scheduled' });
    assert.deepEqual(update(scheduled, { start: '2026-04-08' }), []);
    assert.deepEqual(fields(update(scheduled, { status: 'active' })), ['status'], 'still in the future');
  });

  it('finished is the finish action, allowed on a live board; an end moved into the past is refused', () => {
    assert.deepEqual(update(live, { status: 'finished' }), []);
    assert.deepEqual(fields(update(live, { end: '2026-03-05' })), ['end']);
    assert.deepEqual(update(live, { end: '2026-03-05', status: 'finished' }), []);
  });
});
