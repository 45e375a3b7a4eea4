import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { achievementTriggerFires, streakTriggerFires, triggerApplies } from '../../../src/engine/points/index.js';
import { achievementTrigger, metricTrigger, streakTrigger, user } from './helpers.js';

describe('triggerApplies', () => {
  it('only active triggers fire', () => {
    assert.equal(triggerApplies(metricTrigger({ status: 'active' }), user()), true);
    assert.equal(triggerApplies(metricTrigger({ status: 'inactive' }), user()), false);
    assert.equal(triggerApplies(metricTrigger({ status: 'archived' }), user()), false);
  });

  it('every user-attribute filter must match', () => {
    const trigger = metricTrigger({
      userAttributes: [
        { key: 'plan', value: 'premium' },
        { key: 'city', value: 'Lyon' },
      ],
    });
    assert.equal(triggerApplies(trigger, user('u1', { plan: 'premium', city: 'Lyon' })), true);
    assert.equal(triggerApplies(trigger, user('u1', { plan: 'premium' })), false);
    assert.equal(triggerApplies(trigger, user('u1', { plan: 'free', city: 'Lyon' })), false);
    assert.equal(triggerApplies(metricTrigger(), user('u1', { plan: 'free' })), true, 'no filters match everyone');
  });
});

describe('streakTriggerFires: each positive multiple of streakLength', () => {
  const every7 = streakTrigger({ streakLength: 7 });
  const table: [number, boolean][] = [
    [0, false],
    [1, false],
    [6, false],
    [7, true],
    [8, false],
    [14, true],
    [21, true],
    [700, true],
  ];
  for (const [reached, fires] of table) {
    it(`length ${reached} -> ${fires ? 'fires' : 'nothing'}`, () => assert.equal(streakTriggerFires(every7, reached), fires));
  }

  it('streakLength 1 fires on every day of the streak, from its start', () => {
    assert.deepEqual([1, 2, 3].map((length) => streakTriggerFires(streakTrigger({ streakLength: 1 }), length)), [true, true, true]);
  });
});

describe('achievementTriggerFires', () => {
  it('on completion of that achievement only', () => {
    const trigger = achievementTrigger({ achievementId: 'a1' });
    assert.equal(achievementTriggerFires(trigger, ['a0', 'a1']), true);
    assert.equal(achievementTriggerFires(trigger, ['a2']), false);
    assert.equal(achievementTriggerFires(trigger, []), false);
  });
});
