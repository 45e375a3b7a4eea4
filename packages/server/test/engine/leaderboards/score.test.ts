import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addToScore,
  countingRun,
  leaderboardValue,
  Ranking,
  streakScore,
  toEntry,
  type RunScore,
} from '../../../src/engine/leaderboards/index.js';
import { at, board } from './helpers.js';

describe('leaderboardValue', () => {
  it('metric totals are floored, after rounding away binary-fraction noise; points and streaks as they are', () => {
    const table: ['metric' | 'points' | 'streak', number, number][] = [
      ['metric', 2.7, 2],
      ['metric', 3, 3],
      ['metric', 0.1 + 0.2 + 0.7, 1],
      ['metric', 0.999_999_999_6, 1],
      ['metric', 0.999_999_999_4, 0],
      ['metric', 0.999_99, 0],
      ['metric', -0.5, -1],
      ['points', 250, 250],
      ['streak', 4, 4],
    ];
    for (const [rankBy, total, value] of table) assert.equal(leaderboardValue(rankBy, total), value, `${rankBy} ${total}`);
  });
});

describe('countingRun', () => {
  const weekly = board({ start: '2026-03-02', end: '2026-03-29', runUnit: 'day', runInterval: 7, startTime: '09:00', endTime: '17:00' });

  it('the run of the user’s local date, when the instant is inside the window on their clock', () => {
    const instant = at('2026-03-09T01:00:00Z');
    assert.equal(countingRun(weekly, instant, 'Asia/Tokyo')?.index, 1, 'Monday 03-09 10:00 in Tokyo');
    assert.equal(countingRun(weekly, instant, 'America/Los_Angeles'), null, 'Sunday 03-08 18:00 in Los Angeles: after the window');
    assert.equal(countingRun(weekly, at('2026-03-08T20:00:00Z'), 'America/Los_Angeles')?.index, 0, 'Sunday 13:00 there: run 0');
  });

  it('nothing before the start, after the end, or while inactive or finished', () => {
    const noon = (date: string) => at(`${date}T12:00:00Z`);
    assert.equal(countingRun(weekly, noon('2026-03-01'), null), null);
    assert.equal(countingRun(weekly, noon('2026-03-29'), null)?.index, 3);
    assert.equal(countingRun(weekly, noon('2026-03-30'), null), null);
    assert.equal(countingRun({ ...weekly, status: 'inactive' }, noon('2026-03-10'), null), null);
    assert.equal(countingRun({ ...weekly, status: 'finished' }, noon('2026-03-10'), null), null);
    assert.equal(countingRun({ ...weekly, status: 'scheduled' }, noon('2026-03-10'), null)?.index, 1);
  });

  it('a perpetual points board counts points earned since its start', () => {
    const xp = board({ rankBy: 'points', metricId: null, pointsSystemId: 'xp', start: '2026-04-01' });
    assert.equal(countingRun(xp, at('2026-03-31T23:00:00Z'), null), null);
    assert.equal(countingRun(xp, at('2026-03-31T23:00:00Z'), 'Europe/Paris')?.index, 0, 'already 04-01 in Paris');
    assert.deepEqual(countingRun(xp, at('2030-01-01T00:00:00Z'), null), { index: 0, start: '2026-04-01', end: null });
  });
});

describe('addToScore and streakScore', () => {
  it('metric: the run total accumulates; reachedAt moves only when the integer value does', () => {
    const steps: [number, number, number, number][] = [
      // amount, at, expected value, expected reachedAt
      [0.5, 1, 0, 1],
      [0.5, 2, 1, 2],
      [0.4, 3, 1, 2],
      [0.6, 4, 2, 4],
      [-1.5, 5, 0, 5],
      [0, 6, 0, 5],
    ];
    let score: RunScore | null = null;
    for (const [amount, time, value, reachedAt] of steps) {
      score = addToScore('metric', score, amount, time);
      assert.deepEqual([score.value, score.reachedAt], [value, reachedAt], `after ${amount} at ${time}`);
    }
  });

  it('points: awards and deductions within the run', () => {
    let score = addToScore('points', null, 50, 1);
    score = addToScore('points', score, -20, 2);
    assert.deepEqual(score, { total: 30, value: 30, reachedAt: 2 });
    assert.equal(addToScore('points', score, -30, 3).value, 0, 'no longer a participant');
  });

  it('streak: the current length; a lost streak (0) leaves the board', () => {
    const three = streakScore(null, 3, 10);
    assert.deepEqual(streakScore(three, 3, 20), { total: 3, value: 3, reachedAt: 10 });
    assert.deepEqual(streakScore(three, 4, 30), { total: 4, value: 4, reachedAt: 30 });
    const ranking = new Ranking(10, [toEntry('ana', three), toEntry('bo', streakScore(null, 5, 11))]);
    assert.deepEqual(ranking.update(toEntry('ana', streakScore(three, 0, 40))).user, {
      userId: 'ana',
      previousRank: 2,
      rank: null,
      previousValue: 3,
      value: null,
    });
    assert.deepEqual(ranking.list(), [{ userId: 'bo', rank: 1, value: 5 }]);
  });

  it('a tie goes to who reached the value first, though the other total is higher', () => {
    const ana = addToScore('metric', addToScore('metric', null, 9.2, 100), 0.9, 200); // 10.1, reached 10 at 200
    const bo = addToScore('metric', null, 10.9, 150); // 10.9, reached 10 at 150
    const ranking = new Ranking(10, [toEntry('ana', ana), toEntry('bo', bo)]);
    assert.deepEqual(ranking.list(), [
      { userId: 'bo', rank: 1, value: 10 },
      { userId: 'ana', rank: 2, value: 10 },
    ]);
  });
});
