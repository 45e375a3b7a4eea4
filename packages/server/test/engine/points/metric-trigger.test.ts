import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countMetricEvent, metricTriggerMatches, noProgress, type MetricTriggerProgress } from '../../../src/engine/points/index.js';
import { lessons, metricTrigger } from './helpers.js';

/** Feeds events one by one; returns the firings of each and the final accounting. */
function feed(threshold: number, values: number[], start: MetricTriggerProgress = noProgress) {
  const trigger = metricTrigger({ metricThreshold: threshold });
  let progress = start;
  const fired: number[] = [];
  for (const value of values) {
    const r = countMetricEvent(trigger, progress, value);
    progress = r.progress;
    fired.push(r.fired);
  }
  return { fired, progress };
}

describe('countMetricEvent: one firing per metricThreshold units of progress', () => {
  const cases: { name: string; threshold: number; values: number[]; fired: number[]; end: MetricTriggerProgress }[] = [
    { name: 'threshold 1: each unit', threshold: 1, values: [1, 1, 2], fired: [1, 1, 2], end: { progress: 4, highWater: 4, firings: 4 } },
    { name: '"10 points per 3 tasks": fires on the 3rd and 6th', threshold: 3, values: [1, 1, 1, 1, 1, 1], fired: [0, 0, 1, 0, 0, 1], end: { progress: 6, highWater: 6, firings: 2 } },
    { name: 'one event crossing several thresholds fires several times', threshold: 3, values: [9], fired: [3], end: { progress: 9, highWater: 9, firings: 3 } },
    { name: 'remainders carry over', threshold: 3, values: [2, 2, 2], fired: [0, 1, 1], end: { progress: 6, highWater: 6, firings: 2 } },
    { name: 'a value of 0 changes nothing', threshold: 3, values: [0], fired: [0], end: { progress: 0, highWater: 0, firings: 0 } },
    { name: 'decimal values sum without float noise (0.1 x 30 = 3)', threshold: 3, values: Array(30).fill(0.1), fired: [...Array(29).fill(0), 1], end: { progress: 3, highWater: 3, firings: 1 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = feed(c.threshold, c.values);
      assert.deepEqual(r.fired, c.fired);
      assert.deepEqual(r.progress, c.end);
    });
  }
});

describe('countMetricEvent: negative events and the high-water mark', () => {
  it('+3, -3, +3 with threshold 3 fires once: climbing back to the mark earns nothing', () => {
    const r = feed(3, [3, -3, 3]);
    assert.deepEqual(r.fired, [1, 0, 0]);
    assert.deepEqual(r.progress, { progress: 3, highWater: 3, firings: 1 });
  });

  it('progress beyond the mark after a dip earns again', () => {
    const r = feed(3, [3, -2, 2, 3]);
    assert.deepEqual(r.fired, [1, 0, 0, 1]);
    assert.deepEqual(r.progress, { progress: 6, highWater: 6, firings: 2 });
  });

  it('progress below zero never fires and never lowers the mark', () => {
    const r = feed(2, [-5, 3, 4]);
    assert.deepEqual(r.fired, [0, 0, 1]);
    assert.deepEqual(r.progress, { progress: 2, highWater: 2, firings: 1 });
  });

  it('a negative event never takes back firings', () => {
    const r = feed(1, [5, -5]);
    assert.deepEqual(r.fired, [5, 0]);
    assert.deepEqual(r.progress, { progress: 0, highWater: 5, firings: 5 });
  });
});

describe('countMetricEvent: a changed threshold applies to the mark', () => {
  it('a lower threshold pays for the mark already reached on the next event', () => {
    // 6 units under "per 3" fired twice; under "per 2" the mark of 6 is worth 3, plus the new unit's 0.
    const r = feed(2, [1], { progress: 6, highWater: 6, firings: 2 });
    assert.deepEqual(r.fired, [1]);
    assert.deepEqual(r.progress, { progress: 7, highWater: 7, firings: 3 });
  });

  it('a higher threshold fires nothing until the mark catches up with the firings made', () => {
    const r = feed(5, [4, 5, 1], { progress: 6, highWater: 6, firings: 2 });
    // The mark: 10 (2 due, 2 made), 15 (3 due), 16.
    assert.deepEqual(r.fired, [0, 1, 0]);
    assert.deepEqual(r.progress, { progress: 16, highWater: 16, firings: 3 });
  });
});

describe('metricTriggerMatches', () => {
  const filtered = metricTrigger({
    eventAttributes: [
      { key: 'source', value: 'mobile' },
      { key: 'lang', value: 'fr' },
    ],
  });

  it('needs the same metric', () => {
    assert.equal(metricTriggerMatches(metricTrigger(), lessons(1)), true);
    assert.equal(metricTriggerMatches(metricTrigger(), { metricId: 'words', value: 1, attributes: {} }), false);
  });

  it('needs every event-attribute filter to match', () => {
    assert.equal(metricTriggerMatches(filtered, lessons(1, { source: 'mobile', lang: 'fr', extra: 'x' })), true);
    assert.equal(metricTriggerMatches(filtered, lessons(1, { source: 'mobile' })), false);
    assert.equal(metricTriggerMatches(filtered, lessons(1, { source: 'web', lang: 'fr' })), false);
    assert.equal(metricTriggerMatches(filtered, lessons(1)), false);
  });
});
