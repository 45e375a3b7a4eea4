import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  finishedDueAt,
  nextDueWebhook,
  runAt,
  startedDueAt,
  type DueWebhook,
  type LeaderboardConfig,
  type Run,
} from '../../../src/engine/leaderboards/index.js';
import { addDays, localDate } from '../../../src/engine/streaks/index.js';
import { at, board, random } from './helpers.js';

/** Every webhook nextDueWebhook yields, walking from `from`. */
function walk(b: LeaderboardConfig, from: number, max = 100): DueWebhook[] {
  const due: DueWebhook[] = [];
  for (let next = nextDueWebhook(b, from); next !== null && due.length < max; next = nextDueWebhook(b, next.at)) due.push(next);
  return due;
}

const show = (d: DueWebhook) => `${d.type.slice('leaderboard.'.length)} ${d.run.index} ${new Date(d.at).toISOString()}`;

describe('run webhook times', () => {
  const run: Run = { index: 1, start: '2026-03-09', end: '2026-03-15' };

  it('started at 10:00 UTC the day before the run starts, when UTC+14 enters it', () => {
    assert.equal(startedDueAt(run), at('2026-03-08T10:00:00Z'));
    assert.equal(localDate(startedDueAt(run), 'Pacific/Kiritimati'), '2026-03-09');
    assert.equal(localDate(startedDueAt(run) - 1, 'Pacific/Kiritimati'), '2026-03-08');
  });

  it('finished at 13:00:00 UTC the day after the run ends, an hour after UTC-12 has left it', () => {
    assert.equal(finishedDueAt(run), at('2026-03-16T13:00:00Z'));
    assert.equal(localDate(at('2026-03-16T11:59:59Z'), 'Etc/GMT+12'), '2026-03-15');
    assert.equal(localDate(at('2026-03-16T12:00:00Z'), 'Etc/GMT+12'), '2026-03-16');
    assert.equal(finishedDueAt({ index: 0, start: '2026-01-01', end: null }), null);
  });
});

describe('nextDueWebhook', () => {
  it('weekly board with an end: each run’s started and finished, in time order', () => {
    const weekly = board({ start: '2026-03-02', end: '2026-03-20', runUnit: 'day', runInterval: 7 });
    assert.deepEqual(walk(weekly, at('2026-01-01T00:00:00Z')).map(show), [
      'started 0 2026-03-01T10:00:00.000Z',
      'started 1 2026-03-08T10:00:00.000Z',
      'finished 0 2026-03-09T13:00:00.000Z',
      'started 2 2026-03-15T10:00:00.000Z',
      'finished 1 2026-03-16T13:00:00.000Z',
      'finished 2 2026-03-21T13:00:00.000Z',
    ]);
  });

  it('strictly after the given instant: a scheduler that has sent one asks for the next', () => {
    const weekly = board({ start: '2026-03-02', runUnit: 'day', runInterval: 7 });
    assert.equal(show(nextDueWebhook(weekly, at('2026-03-08T10:00:00Z')) as DueWebhook), 'finished 0 2026-03-09T13:00:00.000Z');
    assert.equal(show(nextDueWebhook(weekly, at('2026-03-08T09:59:59Z')) as DueWebhook), 'started 1 2026-03-08T10:00:00.000Z');
    // Run 65 is 2027-05-31..06-06.
    assert.equal(show(nextDueWebhook(weekly, at('2027-05-31T12:00:00Z')) as DueWebhook), 'finished 64 2027-05-31T13:00:00.000Z');
    assert.equal(show(nextDueWebhook(weekly, at('2027-06-01T00:00:00Z')) as DueWebhook), 'started 66 2027-06-06T10:00:00.000Z');
  });

  it('monthly from the 31st follows the clamped run dates', () => {
    const monthly = board({ start: '2026-01-31', runUnit: 'month', runInterval: 1 });
    assert.deepEqual(walk(monthly, at('2026-02-01T00:00:00Z'), 4).map(show), [
      'started 1 2026-02-27T10:00:00.000Z',
      'finished 0 2026-02-28T13:00:00.000Z',
      'started 2 2026-03-30T10:00:00.000Z',
      'finished 1 2026-03-31T13:00:00.000Z',
    ]);
  });

  it('perpetual boards: started once, finished once when there is an end', () => {
    assert.deepEqual(walk(board({ start: '2026-05-01' }), at('2026-04-01T00:00:00Z')).map(show), ['started 0 2026-04-30T10:00:00.000Z']);
    assert.deepEqual(walk(board({ start: '2026-05-01', end: '2026-05-31' }), at('2026-04-01T00:00:00Z')).map(show), [
      'started 0 2026-04-30T10:00:00.000Z',
      'finished 0 2026-06-01T13:00:00.000Z',
    ]);
  });

  it('nothing for an inactive board or one an admin finished; nothing once all is sent', () => {
    assert.equal(nextDueWebhook(board({ status: 'inactive' }), 0), null);
    assert.equal(nextDueWebhook(board({ status: 'finished' }), 0), null);
    assert.equal(nextDueWebhook(board({ end: '2026-01-31' }), at('2026-02-01T13:00:00Z')), null);
  });

  it('seeded random boards: one started and one finished per run, each at its run’s time, in order', () => {
    const rng = random(35);
    for (let trial = 0; trial < 60; trial++) {
      const unit = (['day', 'month', 'year'] as const)[rng.int(3)] as 'day' | 'month' | 'year';
      const start = addDays('2026-01-01', rng.int(400));
      const b = board({ start, end: addDays(start, rng.int(unit === 'year' ? 1500 : 200)), runUnit: unit, runInterval: 1 + rng.int(4) });
      const due = walk(b, at(`${addDays(start, -3)}T00:00:00Z`), 10_000);
      const expected: string[] = [];
      for (let k = 0, run = runAt(b, 0); run !== null; run = runAt(b, ++k)) {
        const iso = (ms: number) => new Date(ms).toISOString();
        expected.push(`started ${k} ${iso(startedDueAt(run))}`, `finished ${k} ${iso(finishedDueAt(run) as number)}`);
      }
      const label = JSON.stringify(b);
      assert.deepEqual([...due.map(show)].sort(), [...expected].sort(), label);
      for (let i = 1; i < due.length; i++) assert.ok((due[i] as DueWebhook).at > (due[i - 1] as DueWebhook).at, label);
    }
  });
});
