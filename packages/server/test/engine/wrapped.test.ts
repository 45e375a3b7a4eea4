import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  activityCounts,
  bestRanking,
  computeWrapped,
  longestStreak,
  monthRange,
  percentChange,
  percentile,
  runsOverlapping,
  weekOf,
  withPercentiles,
  yearRange,
  type WrappedInput,
} from '../../src/engine/wrapped/index.js';

const HOUR = 3_600_000;
const at = (date: string, hour = 12) => Date.parse(`${date}T00:00:00Z`) + hour * HOUR;

describe('wrapped calendar', () => {
  it('years, weeks and months on Temporal: year 1 works, weeks start on the given day', () => {
    assert.deepEqual(yearRange(2024), { start: '2024-01-01', end: '2024-12-31' });
    assert.deepEqual(yearRange(1), { start: '0001-01-01', end: '0001-12-31' });
    // 2026-01-01 is a Thursday.
    assert.deepEqual(weekOf('2026-01-01', 0), { start: '2025-12-28', end: '2026-01-03' });
    assert.deepEqual(weekOf('2026-01-01', 1), { start: '2025-12-29', end: '2026-01-04' });
    assert.deepEqual(weekOf('2026-01-04', 0), { start: '2026-01-04', end: '2026-01-10' });
    assert.deepEqual(monthRange(2024, 1), { start: '2024-02-01', end: '2024-02-29' });
    assert.deepEqual(monthRange(2025, 1), { start: '2025-02-01', end: '2025-02-28' });
  });
});

describe('wrapped figures', () => {
  it("percentChange: the change over the total before, cut to tenths, as Trophy's examples show", () => {
    assert.equal(percentChange(15000, 2500), 20);
    assert.equal(percentChange(5000, 500), 11.1);
    assert.equal(percentChange(5000, 1200), 31.5);
    assert.equal(percentChange(5000, 2000), 66.6);
    assert.equal(percentChange(15000, 12000), 400);
    assert.equal(percentChange(150000, 150000), 100, 'from 0: 100');
    assert.equal(percentChange(-20, -20), -100);
    assert.equal(percentChange(0, 0), 0);
    assert.equal(percentChange(7, 0), 0);
    assert.equal(percentChange(5, -5), -50);
    assert.equal(percentChange(-5, -10), -200, 'a negative total before counts by its size... 5 -> -5 is -10 on 5');
  });

  it('percentile: the share of the active users, the user included, at or below the user', () => {
    assert.equal(percentile(0, 0), 100, 'alone');
    assert.equal(percentile(3, 0), 25, 'the lowest of four');
    assert.equal(percentile(3, 3), 100, 'the top of four');
    assert.equal(percentile(2, 1), 66.6);
  });
});

describe('activityCounts', () => {
  it('days, weeks and months with an event; the most active by number of events, ties to the earliest', () => {
    const dates = ['2026-01-01', '2026-01-01', '2026-01-02', '2026-03-10', '2026-03-10', '2026-03-11', '2026-03-20', '2025-12-31', '2027-01-01'];
    const counts = activityCounts(2026, dates, 0);
    assert.deepEqual(counts, {
      daysActive: 5,
      // Weeks of 2025-12-28 (Jan 1, 2), 2026-03-08 (Mar 10, 11) and 2026-03-15 (Mar 20).
      weeksActive: 3,
      monthsActive: 2,
      // Jan 1 and Mar 10 both have two, the weeks of Dec 28 and Mar 8 three: the earlier wins.
      mostActiveDay: '2026-01-01',
      mostActiveWeek: { start: '2025-12-28', end: '2026-01-03' },
      mostActiveMonth: 2,
    });
  });

  it('a year without events: Jan 1, its week and January', () => {
    assert.deepEqual(activityCounts(2026, [], 1), {
      daysActive: 0,
      weeksActive: 0,
      monthsActive: 0,
      mostActiveDay: '2026-01-01',
      mostActiveWeek: { start: '2025-12-29', end: '2026-01-04' },
      mostActiveMonth: 0,
    });
  });
});

describe('longestStreak', () => {
  const year = yearRange(2026);
  const day = (date: string, length: number) => ({ periodStart: date, periodEnd: date, length });

  it('the highest length of the year, walked back to its first period; a later, shorter streak does not count', () => {
    const records = [day('2026-02-01', 1), day('2026-02-02', 2), day('2026-02-03', 3), day('2026-02-04', 0), day('2026-02-10', 1), day('2026-02-11', 2)];
    assert.deepEqual(longestStreak(records, 'daily', year, new Set()), {
      length: 3,
      frequency: 'daily',
      periodStart: '2026-02-01',
      periodEnd: '2026-02-03',
      started: '2026-02-01',
    });
  });

  it('a frozen period keeps the length and the streak; a gap ends it; one begun the year before keeps its length', () => {
    const records = [day('2025-12-30', 1), day('2025-12-31', 2), day('2026-01-01', 3), day('2026-01-02', 3), day('2026-01-03', 4), day('2026-01-09', 1)];
    assert.deepEqual(longestStreak(records, 'daily', year, new Set()), {
      length: 4,
      frequency: 'daily',
      periodStart: '2025-12-30',
      periodEnd: '2026-01-03',
      started: '2025-12-30',
    });
    // Only the year before: nothing in this year.
    assert.deepEqual(longestStreak(records.slice(0, 2), 'daily', year, new Set()), { length: 0, frequency: 'daily', periodStart: null, periodEnd: null, started: null });
  });

  it('weekly: started is the first active day of the first week', () => {
    const records = [
      { periodStart: '2026-03-01', periodEnd: '2026-03-07', length: 1 },
      { periodStart: '2026-03-08', periodEnd: '2026-03-14', length: 2 },
    ];
    assert.deepEqual(longestStreak(records, 'weekly', year, new Set(['2026-03-04', '2026-03-09'])), {
      length: 2,
      frequency: 'weekly',
      periodStart: '2026-03-01',
      periodEnd: '2026-03-14',
      started: '2026-03-04',
    });
  });
});

describe('bestRanking and runsOverlapping', () => {
  const weekly = { start: '2026-01-05', end: null, runUnit: 'day' as const, runInterval: 7 };

  it("the runs of a board that share a day with the year, cut at the board's end", () => {
    const runs = runsOverlapping(weekly, yearRange(2026));
    assert.equal(runs.length, 52);
    assert.deepEqual(runs[0], { index: 0, start: '2026-01-05', end: '2026-01-11' });
    assert.deepEqual(runs[51], { index: 51, start: '2026-12-28', end: '2027-01-03' });
    assert.deepEqual(runsOverlapping({ ...weekly, end: '2026-01-20' }, yearRange(2026)).map((run) => [run.start, run.end]), [
      ['2026-01-05', '2026-01-11'],
      ['2026-01-12', '2026-01-18'],
      ['2026-01-19', '2026-01-20'],
    ]);
    assert.deepEqual(runsOverlapping(weekly, yearRange(2025)), []);
    assert.deepEqual(runsOverlapping({ start: '2024-06-01', end: null, runUnit: null, runInterval: null }, yearRange(2026)), [{ index: 0, start: '2024-06-01', end: null }]);
  });

  it('the lowest rank in the period, counting the rank held when it began; null ranks and other runs do not count', () => {
    const run = (runStart: string, runEnd: string) => (date: string, rank: number | null, value: number | null) => ({ runStart, runEnd, date, rank, value });
    const first = run('2026-03-02', '2026-03-08');
    const second = run('2026-03-09', '2026-03-15');
    const standings = [first('2026-03-02', 5, 10), first('2026-03-04', 2, 30), first('2026-03-07', null, null), second('2026-03-10', 3, 12)];
    assert.deepEqual(bestRanking(standings, { start: '2026-03-05', end: '2026-03-05' }), { runStart: '2026-03-02', runEnd: '2026-03-08', rank: 2, value: 30 }, 'held since the 4th');
    assert.equal(bestRanking(standings, { start: '2026-03-08', end: '2026-03-09' }), null, 'pushed out on the 7th, nothing yet in the next run');
    assert.deepEqual(bestRanking(standings, { start: '2026-03-01', end: '2026-03-31' }), { runStart: '2026-03-02', runEnd: '2026-03-08', rank: 2, value: 30 });
    assert.deepEqual(bestRanking(standings, { start: '2026-03-11', end: '2026-03-12' }), { runStart: '2026-03-09', runEnd: '2026-03-15', rank: 3, value: 12 });
    // A run that ended before the period does not carry over.
    assert.equal(bestRanking([first('2026-03-02', 1, 5)], { start: '2026-03-09', end: '2026-03-20' }), null);
  });
});

describe('computeWrapped', () => {
  type A = { id: string; achievedAt: string };
  type L = { key: string; start: string; end: string | null };
  const input = (overrides: Partial<WrappedInput<A, L>> = {}): WrappedInput<A, L> => ({
    year: 2026,
    tz: 'America/New_York',
    weekStart: 0,
    metrics: [
      { id: 'm-words', key: 'words', name: 'Words', units: 'words' },
      { id: 'm-lessons', key: 'lessons', name: 'Lessons', units: null },
    ],
    priorSums: [
      { metricId: 'm-words', attributes: {}, sum: 100 },
      { metricId: 'm-words', attributes: { device: 'ios' }, sum: 50 },
    ],
    events: [
      // 2026-03-10 02:00 UTC is still the 9th in New York.
      { metricId: 'm-words', value: 10, attributes: { device: 'ios' }, at: at('2026-03-10', 2) },
      { metricId: 'm-words', value: 20, attributes: { device: 'web' }, at: at('2026-03-10', 15) },
      { metricId: 'm-words', value: 30, attributes: {}, at: at('2026-03-10', 16) },
      { metricId: 'm-lessons', value: 1, attributes: {}, at: at('2026-06-01') },
      // An archived metric's event: activity, but not listed.
      { metricId: 'm-old', value: 5, attributes: {}, at: at('2026-06-02') },
    ],
    points: [{ id: 'p-xp', key: 'xp', name: 'XP', description: null, totalBefore: 40, awards: [{ awarded: 60, total: 100, at: at('2026-03-10', 15) }] }],
    achievements: [
      { at: at('2026-03-10', 15), view: { id: 'a1', achievedAt: '2026-03-10T15:00:00.000Z' } },
      { at: at('2026-06-01'), view: { id: 'a2', achievedAt: '2026-06-01T12:00:00.000Z' } },
    ],
    leaderboards: [
      {
        key: 'weekly',
        view: { key: 'weekly', start: '2026-01-04', end: null },
        standings: [{ runStart: '2026-03-08', runEnd: '2026-03-14', date: '2026-03-10', rank: 1, value: 50 }],
      },
    ],
    streak: { frequency: 'daily', records: [{ periodStart: '2026-03-09', periodEnd: '2026-03-09', length: 1 }, { periodStart: '2026-03-10', periodEnd: '2026-03-10', length: 2 }] },
    ...overrides,
  });

  it('counts in the user\'s time zone; totals at the period end, changes in it, attributes apart; achievements and best ranks per period', () => {
    const { activity, percentileQueries } = computeWrapped(input());
    assert.equal(activity.daysActive, 4, 'Mar 9 and 10 in New York, Jun 1 and 2');
    assert.equal(activity.weeksActive, 2);
    assert.equal(activity.monthsActive, 2);
    const day = activity.mostActiveDay;
    assert.equal(day.date, '2026-03-10');
    assert.deepEqual(day.metrics['words'], {
      name: 'Words',
      units: 'words',
      currentTotal: 210,
      changeThisPeriod: 50,
      percentChange: 31.2,
      byAttribute: {
        device: {
          ios: { name: 'Words', units: 'words', currentTotal: 60, changeThisPeriod: 0, percentChange: 0 },
          web: { name: 'Words', units: 'words', currentTotal: 20, changeThisPeriod: 20, percentChange: 100 },
        },
      },
    });
    assert.deepEqual(day.metrics['lessons'], { name: 'Lessons', units: null, currentTotal: 0, changeThisPeriod: 0, percentChange: 0, byAttribute: {} });
    assert.deepEqual(Object.keys(day.metrics), ['words', 'lessons'], 'active metrics only');
    assert.deepEqual(day.points['xp'], { name: 'XP', description: null, currentTotal: 100, changeThisPeriod: 60, percentChange: 150 });
    assert.deepEqual(day.achievements, [{ id: 'a1', achievedAt: '2026-03-10T15:00:00.000Z' }]);
    assert.deepEqual(day.leaderboards['weekly'], { key: 'weekly', start: '2026-03-08', end: '2026-03-14', rank: 1, value: 50 });

    assert.deepEqual([activity.mostActiveWeek.start, activity.mostActiveWeek.end], ['2026-03-08', '2026-03-14']);
    assert.equal(activity.mostActiveWeek.metrics['words']!.changeThisPeriod, 60, 'the 9th counts in the week');
    assert.equal(activity.mostActiveMonth.month, 2);
    const year = activity.entireYear;
    assert.deepEqual([year.metrics['words']!.currentTotal, year.metrics['words']!.changeThisPeriod], [210, 60]);
    assert.deepEqual(year.metrics['lessons']!.currentTotal, 1);
    assert.deepEqual(year.achievements.map((a) => a.id), ['a1', 'a2']);
    assert.deepEqual(year.longestStreak, { length: 2, frequency: 'daily', periodStart: '2026-03-09', periodEnd: '2026-03-10', started: '2026-03-09' });
    assert.ok(!('percentileThisPeriod' in activity.mostActiveDay.metrics['words']!), 'no percentile for a day');

    // A percentile per metric and system for the week, the month and the year, never the day.
    assert.equal(percentileQueries.length, 9);
    assert.deepEqual(
      percentileQueries.filter((q) => q.key === 'words').map((q) => [q.period, q.range.start, q.range.end, q.own]),
      [
        ['mostActiveWeek', '2026-03-08', '2026-03-14', 60],
        ['mostActiveMonth', '2026-03-01', '2026-03-31', 60],
        ['entireYear', '2026-01-01', '2026-12-31', 60],
      ],
    );
    const answered = withPercentiles(
      activity,
      percentileQueries.map((query) => ({ query, others: 3, othersAtMost: query.kind === 'points' ? 3 : 1 })),
    );
    assert.equal(answered.mostActiveWeek.metrics['words']!.percentileThisPeriod, 50);
    assert.equal(answered.entireYear.points['xp']!.percentileThisPeriod, 100);
    assert.equal(answered.mostActiveDay.metrics['words']!.percentileThisPeriod, undefined);
    assert.equal(activity.entireYear.metrics['words']!.percentileThisPeriod, undefined, 'the input is not changed');
  });

  it('the most active week at the turn of the year keeps its dates but counts only its days in the year', () => {
    const { activity, percentileQueries } = computeWrapped(
      input({
        tz: null,
        priorSums: [{ metricId: 'm-words', attributes: {}, sum: 7 }],
        events: [
          { metricId: 'm-words', value: 1, attributes: {}, at: at('2026-01-01') },
          { metricId: 'm-words', value: 2, attributes: {}, at: at('2026-01-02') },
        ],
        points: [],
        achievements: [],
        leaderboards: [],
        streak: { frequency: 'weekly', records: [] },
      }),
    );
    assert.deepEqual([activity.mostActiveWeek.start, activity.mostActiveWeek.end], ['2025-12-28', '2026-01-03']);
    assert.deepEqual(activity.mostActiveWeek.metrics['words'], { name: 'Words', units: 'words', currentTotal: 10, changeThisPeriod: 3, percentChange: 42.8, byAttribute: {} });
    assert.deepEqual(percentileQueries[0]!.range, { start: '2026-01-01', end: '2026-01-03' });
    assert.deepEqual(activity.entireYear.longestStreak, { length: 0, frequency: 'weekly', periodStart: null, periodEnd: null, started: null });
    assert.deepEqual(activity.entireYear.leaderboards, {});
  });
});
