import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMonths, currentRun, pastRuns, runAt, runContaining, type Run, type RunSettings } from '../../../src/engine/leaderboards/index.js';
import { addDays, localDate } from '../../../src/engine/streaks/index.js';
import { at, random, runs } from './helpers.js';

const run = (index: number, start: string, end: string | null): Run => ({ index, start, end });

describe('addMonths', () => {
  it('clamps a day the target month lacks to its last day, counting from the given date', () => {
    const table: [string, number, string][] = [
      ['2026-01-31', 1, '2026-02-28'],
      ['2028-01-31', 1, '2028-02-29'],
      ['2026-01-31', 2, '2026-03-31'],
      ['2026-01-31', 3, '2026-04-30'],
      ['2026-03-31', -1, '2026-02-28'],
      ['2026-11-15', 3, '2027-02-15'],
      ['2026-01-15', -13, '2024-12-15'],
      ['2024-02-29', 12, '2025-02-28'],
      ['2024-02-29', 48, '2028-02-29'],
    ];
    for (const [date, n, expected] of table) assert.equal(addMonths(date, n), expected, `${date} + ${n}`);
  });
});

describe('runs of a repeating board', () => {
  it('monthly from the 31st: each run starts on the 31st or the month’s last day, never drifting earlier', () => {
    const monthly = runs('2026-01-31', 'month', 1);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 11].map((k) => runAt(monthly, k)),
      [
        run(0, '2026-01-31', '2026-02-27'),
        run(1, '2026-02-28', '2026-03-30'),
        run(2, '2026-03-31', '2026-04-29'),
        run(3, '2026-04-30', '2026-05-30'),
        run(4, '2026-05-31', '2026-06-29'),
        run(11, '2026-12-31', '2027-01-30'),
      ],
    );
    const table: [string, number][] = [
      ['2026-01-31', 0],
      ['2026-02-27', 0],
      ['2026-02-28', 1],
      ['2026-03-30', 1],
      ['2026-03-31', 2],
      ['2026-04-29', 2],
      ['2026-04-30', 3],
      ['2027-01-30', 11],
      ['2027-01-31', 12],
    ];
    for (const [date, index] of table) assert.equal(runContaining(monthly, date)?.index, index, date);
    // In a leap year the February run starts on the 29th.
    assert.deepEqual(runAt(runs('2028-01-31', 'month', 1), 1), run(1, '2028-02-29', '2028-03-30'));
  });

  it('every 3 months from the 15th: a date before the 15th of a run’s month belongs to the run before', () => {
    const quarterly = runs('2026-01-15', 'month', 3);
    assert.deepEqual(runContaining(quarterly, '2026-04-14'), run(0, '2026-01-15', '2026-04-14'));
    assert.deepEqual(runContaining(quarterly, '2026-04-15'), run(1, '2026-04-15', '2026-07-14'));
    assert.deepEqual(runContaining(quarterly, '2027-01-10'), run(3, '2026-10-15', '2027-01-14'));
  });

  it('yearly from 29 February: 28 February in common years', () => {
    const yearly = runs('2024-02-29', 'year', 1);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((k) => runAt(yearly, k)),
      [
        run(0, '2024-02-29', '2025-02-27'),
        run(1, '2025-02-28', '2026-02-27'),
        run(2, '2026-02-28', '2027-02-27'),
        run(3, '2027-02-28', '2028-02-28'),
        run(4, '2028-02-29', '2029-02-27'),
      ],
    );
    assert.equal(runContaining(yearly, '2028-02-28')?.index, 3);
    assert.equal(runContaining(yearly, '2028-02-29')?.index, 4);
  });

  it('every 2 years, across a leap day', () => {
    const biennial = runs('2026-07-01', 'year', 2);
    assert.deepEqual(runContaining(biennial, '2028-02-29'), run(0, '2026-07-01', '2028-06-30'));
    assert.deepEqual(runContaining(biennial, '2028-07-01'), run(1, '2028-07-01', '2030-06-30'));
  });

  it('weekly is 7 days from the start, whatever the weekday; across a new year', () => {
    const weekly = runs('2025-12-31', 'day', 7); // a Wednesday
    assert.deepEqual(runContaining(weekly, '2026-01-06'), run(0, '2025-12-31', '2026-01-06'));
    assert.deepEqual(runContaining(weekly, '2026-01-07'), run(1, '2026-01-07', '2026-01-13'));
    assert.deepEqual(runContaining(weekly, '2026-03-01'), run(8, '2026-02-25', '2026-03-03'));
  });

  it('daily runs are single days', () => {
    const daily = runs('2026-02-27', 'day', 1);
    assert.deepEqual(runContaining(daily, '2026-03-01'), run(2, '2026-03-01', '2026-03-01'));
  });

  it('the last run is cut at the board’s end; nothing exists outside start..end', () => {
    const weekly = runs('2026-03-02', 'day', 7, '2026-03-20');
    assert.deepEqual(runContaining(weekly, '2026-03-20'), run(2, '2026-03-16', '2026-03-20'));
    assert.equal(runContaining(weekly, '2026-03-21'), null);
    assert.equal(runContaining(weekly, '2026-03-01'), null);
    assert.equal(runAt(weekly, 3), null);
    assert.equal(runAt(weekly, -1), null);
  });

  it('a run= query resolves any date inside a run to that run', () => {
    const weekly = runs('2026-03-02', 'day', 7);
    for (const date of ['2026-03-09', '2026-03-12', '2026-03-15']) assert.deepEqual(runContaining(weekly, date), run(1, '2026-03-09', '2026-03-15'));
  });
});

describe('perpetual boards', () => {
  it('one run from start to end, or forever', () => {
    assert.deepEqual(runContaining(runs('2026-01-01', null, null), '2031-05-05'), run(0, '2026-01-01', null));
    assert.deepEqual(runContaining(runs('2026-01-01', null, null, '2026-06-30'), '2026-06-30'), run(0, '2026-01-01', '2026-06-30'));
    assert.equal(runContaining(runs('2026-01-01', null, null), '2025-12-31'), null);
    assert.equal(runAt(runs('2026-01-01', null, null), 1), null);
  });
});

describe('currentRun and pastRuns', () => {
  const weekly = runs('2026-03-02', 'day', 7, '2026-03-20');

  it('the current run is the first before the start, the last after the end', () => {
    assert.deepEqual(currentRun(weekly, '2026-02-01'), run(0, '2026-03-02', '2026-03-08'));
    assert.deepEqual(currentRun(weekly, '2026-03-10'), run(1, '2026-03-09', '2026-03-15'));
    assert.deepEqual(currentRun(weekly, '2026-05-01'), run(2, '2026-03-16', '2026-03-20'));
  });

  it('past runs: those that ended before today, newest first, limited', () => {
    assert.deepEqual(pastRuns(weekly, '2026-03-15', 10), [run(0, '2026-03-02', '2026-03-08')]);
    assert.deepEqual(pastRuns(weekly, '2026-03-16', 10), [run(1, '2026-03-09', '2026-03-15'), run(0, '2026-03-02', '2026-03-08')]);
    assert.deepEqual(pastRuns(weekly, '2026-03-16', 1), [run(1, '2026-03-09', '2026-03-15')]);
    assert.deepEqual(pastRuns(weekly, '2026-04-01', 10).map((r) => r.index), [2, 1, 0]);
    assert.deepEqual(pastRuns(weekly, '2026-03-02', 10), []);
    assert.deepEqual(pastRuns(weekly, '2026-01-01', 10), []);
    assert.deepEqual(pastRuns(runs('2026-01-01', null, null), '2030-01-01', 10), []);
    assert.deepEqual(pastRuns(runs('2026-01-01', null, null, '2026-02-01'), '2026-02-02', 10), [run(0, '2026-01-01', '2026-02-01')]);
  });
});

describe('runs follow each user’s local date', () => {
  it('at one instant a Tokyo user is in the next weekly run while a Los Angeles user is still in the previous one', () => {
    const weekly = runs('2026-03-02', 'day', 7);
    const instant = at('2026-03-08T20:00:00Z');
    assert.equal(runContaining(weekly, localDate(instant, 'Asia/Tokyo'))?.index, 1); // 03-09 05:00
    assert.equal(runContaining(weekly, localDate(instant, 'America/Los_Angeles'))?.index, 0); // 03-08 13:00
    assert.equal(runContaining(weekly, localDate(instant, null))?.index, 0); // UTC without a time zone
  });

  it('a monthly run’s first day begins at local midnight, also across DST (New York, 2026-03-08)', () => {
    const monthly = runs('2026-01-08', 'month', 1);
    assert.equal(runContaining(monthly, localDate(at('2026-03-08T04:59:00Z'), 'America/New_York'))?.index, 1); // 03-07 23:59 EST
    assert.equal(runContaining(monthly, localDate(at('2026-03-08T05:00:00Z'), 'America/New_York'))?.index, 2); // 03-08 00:00 EST
  });
});

describe('runs against a day-by-day walk (seeded random settings)', () => {
  it('contiguous runs of at least one day, and runContaining agrees with walking the calendar', () => {
    const rng = random(14);
    for (let trial = 0; trial < 150; trial++) {
      const unit = (['day', 'month', 'year'] as const)[rng.int(3)] as 'day' | 'month' | 'year';
      const interval = 1 + rng.int(unit === 'year' ? 2 : 14);
      const start = addDays('2024-01-01', rng.int(1500));
      const end = rng.int(3) === 0 ? null : addDays(start, rng.int(900));
      const settings: RunSettings = runs(start, unit, interval, end);
      let k = 0;
      let current = runAt(settings, 0) as Run;
      const label = JSON.stringify(settings);
      assert.equal(current.start, start, label);
      for (let d = start, i = 0; i < 900 && (end === null || d <= end); d = addDays(d, 1), i++) {
        if (current.end !== null && d > current.end) {
          const next = runAt(settings, ++k) as Run;
          assert.equal(next.start, addDays(current.end, 1), `${label} run ${k} follows run ${k - 1}`);
          current = next;
        }
        assert.ok(current.end === null || current.start <= current.end, label);
        assert.deepEqual(runContaining(settings, d), current, `${label} ${d}`);
      }
    }
  });
});
