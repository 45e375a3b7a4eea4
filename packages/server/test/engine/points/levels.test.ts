import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareLevels, levelChange, levelFor } from '../../../src/engine/points/index.js';
import { level } from './helpers.js';

const ladder = [level('gold', 500), level('bronze', 0), level('silver', 100)];

describe('levelFor: the highest level whose threshold the total has reached', () => {
  const table: [number, string | null][] = [
    [0, 'bronze'],
    [99, 'bronze'],
    [100, 'silver'],
    [499, 'silver'],
    [500, 'gold'],
    [1_000_000, 'gold'],
  ];
  for (const [total, key] of table) it(`${total} -> ${key}`, () => assert.equal(levelFor(ladder, total)?.key ?? null, key));

  it('null below the lowest threshold and when there are no levels', () => {
    assert.equal(levelFor([level('silver', 100)], 99), null);
    assert.equal(levelFor([], 1000), null);
  });

  it('levels sharing a threshold: the first by key, whatever the configuration order', () => {
    const tied = [level('zeta', 100), level('alpha', 100), level('low', 10)];
    assert.equal(levelFor(tied, 100)?.key, 'alpha');
    assert.equal(levelFor([...tied].reverse(), 150)?.key, 'alpha');
    assert.equal(levelFor(tied, 99)?.key, 'low');
  });

  it('returns the caller\'s own level object', () => {
    const rich = [{ ...level('silver', 100), name: 'Silver', badgeUrl: null }];
    assert.equal(levelFor(rich, 100), rich[0]);
  });
});

describe('compareLevels', () => {
  it('orders by threshold, then key', () => {
    const sorted = [level('b', 100), level('c', 0), level('a', 100)].sort(compareLevels);
    assert.deepEqual(sorted.map((l) => l.key), ['c', 'a', 'b']);
  });
});

describe('levelChange', () => {
  it('null when the level stays', () => {
    assert.equal(levelChange('silver', ladder, 150), null);
    assert.equal(levelChange(null, [], 150), null);
    assert.equal(levelChange(null, [level('silver', 100)], 50), null);
  });

  it('up, down, onto and off the ladder', () => {
    assert.deepEqual(levelChange('silver', ladder, 500), { previous: 'silver', next: 'gold' });
    assert.deepEqual(levelChange('gold', ladder, 120), { previous: 'gold', next: 'silver' });
    assert.deepEqual(levelChange(null, [level('silver', 100)], 100), { previous: null, next: 'silver' });
    assert.deepEqual(levelChange('silver', [level('silver', 100)], 99), { previous: 'silver', next: null });
  });

  it('several levels at once: one change from the first to the last', () => {
    assert.deepEqual(levelChange('bronze', ladder, 900), { previous: 'bronze', next: 'gold' });
  });
});
