import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addToScore,
  countingRun,
  eventLeaderboardFields,
  GroupedRankings,
  groupKey,
  groupValues,
  nextDueWebhook,
  statusAt,
  toEntry,
  webhookRankings,
  type RunScore,
} from '../../../src/engine/leaderboards/index.js';
import { at, board } from './helpers.js';

/**
 * The rules composed the way the write path will: a weekly "words per city" board, capped at 2 per
 * city, counting 08:00-20:00 local time. Scores and rankings are kept per run.
 */
describe('a weekly board with a breakdown by city, as the write path composes the rules', () => {
  const weekly = board({
    start: '2026-03-02',
    runUnit: 'day',
    runInterval: 7,
    maxParticipants: 2,
    breakdownAttributes: ['city'],
    startTime: '08:00',
    endTime: '20:00',
  });
  const users: Record<string, { tz: string; city: string }> = {
    ana: { tz: 'Europe/London', city: 'London' },
    bo: { tz: 'Europe/London', city: 'London' },
    cy: { tz: 'Europe/London', city: 'London' },
    ken: { tz: 'Asia/Tokyo', city: 'Tokyo' },
  };
  const scores = new Map<string, RunScore>(); // key: run index + user
  const rankings = new Map<number, GroupedRankings>(); // per run

  function event(userId: string, value: number, iso: string) {
    const user = users[userId] as { tz: string; city: string };
    const instant = at(iso);
    const run = countingRun(weekly, instant, user.tz);
    if (run === null) return null;
    const key = `${run.index} ${userId}`;
    const score = addToScore('metric', scores.get(key) ?? null, value, instant);
    scores.set(key, score);
    let ranking = rankings.get(run.index);
    if (ranking === undefined) rankings.set(run.index, (ranking = new GroupedRankings(weekly.maxParticipants)));
    const group = groupKey(weekly.breakdownAttributes, { city: user.city }) as string;
    const update = ranking.update(group, toEntry(userId, score));
    const threshold = ranking.group(group).threshold();
    return { run, update, response: eventLeaderboardFields(run, update.user, threshold, groupValues(weekly.breakdownAttributes, group)) };
  }

  const cityRanking = (runIndex: number, city: string) =>
    (rankings.get(runIndex) ?? new GroupedRankings(weekly.maxParticipants)).group(JSON.stringify([city]));

  it('ranks per city and run, within the local window, with the cap per city', () => {
    assert.equal(statusAt(weekly, at('2026-03-01T09:59:59Z')), 'scheduled');
    assert.equal(nextDueWebhook(weekly, at('2026-03-01T00:00:00Z'))?.at, at('2026-03-01T10:00:00Z'));

    // Ken's Monday 03-02 starts 9 hours before London's; 07:59 Tokyo is before the window.
    assert.equal(event('ken', 5, '2026-03-01T22:59:00Z'), null);
    const ken = event('ken', 5, '2026-03-01T23:00:00Z'); // 08:00 Tokyo, Monday
    assert.deepEqual(ken?.response, {
      start: '2026-03-02',
      end: '2026-03-08',
      rank: 1,
      previousRank: null,
      threshold: 0,
      breakdownAttributeValues: [{ key: 'city', value: 'Tokyo' }],
      breakdownAttributeValue: 'Tokyo',
    });

    event('ana', 10.5, '2026-03-02T09:00:00Z');
    event('bo', 7, '2026-03-02T10:00:00Z');
    // London is full (2): cy's 7 ties bo's and does not enter; the threshold is 7.
    assert.deepEqual(event('cy', 7, '2026-03-02T11:00:00Z')?.response.rank, null);
    // cy's 8 beats it: bo is evicted (a rank_changed for bo), and the threshold rises to 8.
    const cy = event('cy', 1, '2026-03-02T12:00:00Z');
    assert.equal(cy?.response.rank, 2);
    assert.equal(cy?.response.threshold, 8);
    assert.deepEqual(cy?.update.others, [{ userId: 'bo', previousRank: 2, rank: null, previousValue: 7, value: null, group: '["London"]' }]);
    // Tokyo is unaffected by London's cap.
    assert.deepEqual(webhookRankings(cityRanking(0, 'Tokyo')), [{ userId: 'ken', rank: 1, value: 5 }]);
    assert.deepEqual(webhookRankings(cityRanking(0, 'London')), [
      { userId: 'ana', rank: 1, value: 10 },
      { userId: 'cy', rank: 2, value: 8 },
    ]);
  });

  it('the next run starts empty, at each user’s local Monday', () => {
    // Sunday 03-08 23:30 in London is still run 0; Ken is already in run 1 (Monday 08:30 Tokyo).
    assert.equal(event('ana', 1, '2026-03-08T19:30:00Z')?.run.index, 0);
    const ken = event('ken', 2, '2026-03-08T23:30:00Z');
    assert.equal(ken?.run.index, 1);
    assert.equal(ken?.response.rank, 1);
    assert.deepEqual(cityRanking(1, 'London').list(), []);
    assert.deepEqual(cityRanking(0, 'London').list().map((r) => [r.userId, r.value]), [
      ['ana', 11],
      ['cy', 8],
    ]);
  });
});
