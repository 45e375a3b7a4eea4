import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  eventLeaderboardFields,
  historyView,
  Ranking,
  rankingPage,
  snapshotRow,
  userStanding,
  validatePage,
  webhookRankings,
  type HistoryRow,
} from '../../../src/engine/leaderboards/index.js';
import { entry } from './helpers.js';

describe('snapshotRow: one row per day on which the standing changed', () => {
  it('a first change opens a row with no previous standing; a later change that day updates it', () => {
    const first = snapshotRow(null, '2025-01-13', 5, 1000);
    assert.deepEqual(first, { date: '2025-01-13', previousRank: null, rank: 5, previousValue: null, value: 1000 });
    assert.deepEqual(snapshotRow(first, '2025-01-13', 4, 1200), {
      date: '2025-01-13',
      previousRank: null,
      rank: 4,
      previousValue: null,
      value: 1200,
    });
  });

  it('a new day carries the latest row’s standing as previous; no row when nothing changed', () => {
    const latest: HistoryRow = { date: '2025-01-13', previousRank: null, rank: 5, previousValue: null, value: 1000 };
    assert.deepEqual(snapshotRow(latest, '2025-01-14', 3, 3000), { date: '2025-01-14', previousRank: 5, rank: 3, previousValue: 1000, value: 3000 });
    assert.equal(snapshotRow(latest, '2025-01-15', 5, 1000), null);
    assert.equal(snapshotRow(null, '2025-01-15', null, null), null, 'never on the board');
  });

  it('shifted by others: the rank changes, the value stays; off the board both are null', () => {
    const latest: HistoryRow = { date: '2025-01-14', previousRank: 5, rank: 3, previousValue: 1000, value: 3000 };
    assert.deepEqual(snapshotRow(latest, '2025-01-16', 4, 3000), { date: '2025-01-16', previousRank: 3, rank: 4, previousValue: 3000, value: 3000 });
    assert.deepEqual(snapshotRow(latest, '2025-01-16', null, 3000), {
      date: '2025-01-16',
      previousRank: 3,
      rank: null,
      previousValue: 3000,
      value: null,
    });
  });
});

describe('historyView', () => {
  const row = (date: string, rank: number): HistoryRow => ({ date, previousRank: null, rank, previousValue: null, value: 10 });
  const rows = [row('2025-01-15', 1), row('2025-01-13', 2), row('2025-01-14', 3)];
  it('the latest numEvents rows, oldest first, with the deprecated midnight-UTC timestamp', () => {
    assert.deepEqual(historyView(rows, 2).map((r) => [r.date, r.timestamp]), [
      ['2025-01-14', '2025-01-14T00:00:00.000Z'],
      ['2025-01-15', '2025-01-15T00:00:00.000Z'],
    ]);
    assert.equal(historyView(rows).length, 3, 'default 10');
    assert.deepEqual(historyView(rows, 0), []);
  });
});

describe('views', () => {
  const ranking = new Ranking(50, Array.from({ length: 30 }, (_, i) => entry(`u${i + 1}`, 300 - i, i)));

  it('webhook payloads carry the top 10', () => {
    assert.deepEqual(webhookRankings(ranking).map((r) => r.rank), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(webhookRankings(new Ranking(5, [entry('a', 1)])), [{ userId: 'a', rank: 1, value: 1 }]);
  });

  it('a page by offset and limit, or counted from a user', () => {
    assert.deepEqual(rankingPage(ranking, { offset: 10, limit: 2 }), [
      { userId: 'u11', rank: 11, value: 290 },
      { userId: 'u12', rank: 12, value: 289 },
    ]);
    assert.deepEqual(rankingPage(ranking, { offset: 0, limit: 2, userId: 'u20' }).map((r) => r.rank), [20, 21]);
    assert.deepEqual(rankingPage(ranking, { offset: 3, limit: 2, userId: 'u20' }).map((r) => r.rank), [23, 24]);
    assert.deepEqual(rankingPage(ranking, { offset: 0, limit: 5, userId: 'u29' }).map((r) => r.rank), [29, 30]);
    assert.deepEqual(rankingPage(ranking, { offset: 0, limit: 5, userId: 'nobody' }), [], 'an unranked user gives an empty page');
  });

  it('page rules: offset >= 0, limit 0..maxParticipants', () => {
    assert.deepEqual(validatePage({ offset: 0, limit: 50 }, 50), []);
    assert.deepEqual(validatePage({ offset: 0, limit: 0 }, 50), []);
    assert.deepEqual(validatePage({ offset: -1, limit: 51 }, 50).map((e) => e.field), ['offset', 'limit']);
    assert.deepEqual(validatePage({ offset: 1.5, limit: 2.5 }, 50).map((e) => e.field), ['offset', 'limit']);
  });

  it('a user’s standing: rank and value, or both null', () => {
    assert.deepEqual(userStanding(ranking, 'u3'), { rank: 3, value: 298 });
    assert.deepEqual(userStanding(ranking, 'nobody'), { rank: null, value: null });
  });

  it('a metric event’s fields: the run, the ranks before and after, the threshold, the breakdown values', () => {
    const run = { index: 2, start: '2026-03-16', end: '2026-03-22' };
    const change = { userId: 'u', previousRank: null, rank: 7, previousValue: null, value: 12 };
    assert.deepEqual(eventLeaderboardFields(run, change, 0), { start: '2026-03-16', end: '2026-03-22', rank: 7, previousRank: null, threshold: 0 });
    assert.deepEqual(eventLeaderboardFields(run, change, 3, [{ key: 'city', value: 'London' }]), {
      start: '2026-03-16',
      end: '2026-03-22',
      rank: 7,
      previousRank: null,
      threshold: 3,
      breakdownAttributeValues: [{ key: 'city', value: 'London' }],
      breakdownAttributeValue: 'London',
    });
    const two = eventLeaderboardFields(run, change, 3, [
      { key: 'city', value: 'London' },
      { key: 'plan', value: 'pro' },
    ]);
    assert.equal(two.breakdownAttributeValue, undefined, 'the deprecated field only for a single attribute');
  });
});
