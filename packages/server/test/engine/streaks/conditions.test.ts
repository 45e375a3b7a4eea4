import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conditionsMet, type StreakCondition } from '../../../src/engine/streaks/index.js';

const conditions: StreakCondition[] = [
  { metricId: 'lessons', threshold: 2 },
  { metricId: 'minutes', threshold: 30 },
];

describe('conditionsMet', () => {
  it('AND needs every condition, compared with >=', () => {
    assert.equal(conditionsMet(conditions, 'AND', new Map([['lessons', 2], ['minutes', 30]])), true);
    assert.equal(conditionsMet(conditions, 'AND', new Map([['lessons', 5], ['minutes', 29.5]])), false);
    assert.equal(conditionsMet(conditions, 'AND', new Map([['lessons', 5]])), false, 'a metric without events sums to 0');
  });

  it('OR needs any one', () => {
    assert.equal(conditionsMet(conditions, 'OR', new Map([['lessons', 2]])), true);
    assert.equal(conditionsMet(conditions, 'OR', new Map([['minutes', 31]])), true);
    assert.equal(conditionsMet(conditions, 'OR', new Map([['lessons', 1], ['minutes', 29]])), false);
    assert.equal(conditionsMet(conditions, 'OR', new Map()), false);
  });

  it('sums of other metrics do not count', () => {
    assert.equal(conditionsMet(conditions, 'OR', new Map([['other', 100]])), false);
  });

  it('an empty condition list is never met', () => {
    assert.equal(conditionsMet([], 'AND', new Map([['lessons', 10]])), false);
    assert.equal(conditionsMet([], 'OR', new Map([['lessons', 10]])), false);
  });

  it('negative sums can fall short of a threshold', () => {
    assert.equal(conditionsMet([{ metricId: 'lessons', threshold: 1 }], 'AND', new Map([['lessons', -3]])), false);
  });
});
