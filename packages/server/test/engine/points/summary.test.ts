import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pointsSummary, summaryBucket, summaryCeiling, summaryRanges } from '../../../src/engine/points/index.js';

const bounds = (ranges: { from: number; to: number }[]) => ranges.map((r) => [r.from, r.to]);

describe('summaryCeiling: the top total rounded up to a power of 10, at least 10', () => {
  const table: [number, number][] = [
    [0, 10],
    [1, 10],
    [9, 10],
    [10, 10],
    [11, 100],
    [100, 100],
    [101, 1000],
    [600, 1000],
    [1000, 1000],
    [1001, 10_000],
    [999_999, 1_000_000],
  ];
  for (const [top, ceiling] of table) it(`${top} -> ${ceiling}`, () => assert.equal(summaryCeiling(top), ceiling));
});

describe('summaryRanges', () => {
  it('a top of 600: 0-0, then 1-100 ... 901-1000', () => {
    assert.deepEqual(bounds(summaryRanges(600)), [
      [0, 0],
      [1, 100],
      [101, 200],
      [201, 300],
      [301, 400],
      [401, 500],
      [501, 600],
      [601, 700],
      [701, 800],
      [801, 900],
      [901, 1000],
    ]);
  });

  it('a top of 0 or 1: ten one-point ranges', () => {
    const expected = [[0, 0], ...Array.from({ length: 10 }, (_, i) => [i + 1, i + 1])];
    assert.deepEqual(bounds(summaryRanges(0)), expected);
    assert.deepEqual(bounds(summaryRanges(1)), expected);
  });

  it('always 11 ranges that cover 0..M without gaps or overlaps', () => {
    for (const top of [0, 7, 10, 55, 100, 4321, 10_000]) {
      const ranges = summaryRanges(top);
      assert.equal(ranges.length, 11);
      for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]!.from, ranges[i - 1]!.to + 1);
      assert.equal(ranges[10]!.to, summaryCeiling(top));
      assert.ok(ranges.every((r) => r.users === 0));
    }
  });
});

describe('summaryBucket', () => {
  const table: [number, number][] = [
    [0, 0],
    [1, 1],
    [100, 1],
    [101, 2],
    [999, 10],
    [1000, 10],
  ];
  for (const [total, bucket] of table) it(`${total} of 1000 -> range ${bucket}`, () => assert.equal(summaryBucket(total, 1000), bucket));
});

describe('pointsSummary', () => {
  it('counts users into the ranges, bounds inclusive', () => {
    const summary = pointsSummary([0, 0, 1, 100, 101, 600, 250]);
    assert.deepEqual(
      summary.map((r) => r.users),
      [2, 2, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    );
    assert.equal(summary.reduce((n, r) => n + r.users, 0), 7);
  });

  it('a top exactly on a power of 10 lands in the last range', () => {
    const summary = pointsSummary([1000, 5]);
    assert.deepEqual(summary[10], { from: 901, to: 1000, users: 1 });
    assert.deepEqual(summary[1], { from: 1, to: 100, users: 1 });
  });

  it('no users, or all at 0', () => {
    assert.deepEqual(pointsSummary([]).map((r) => r.users), Array(11).fill(0));
    assert.deepEqual(pointsSummary([0, 0]).map((r) => r.users), [2, ...Array(10).fill(0)]);
  });
});
