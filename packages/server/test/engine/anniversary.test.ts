import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anniversaryDate, yearsSince } from '../../src/engine/achievements/anniversary.js';
import { newlyCompleted, type AchievementRule } from '../../src/engine/achievements/qualify.js';

test('anniversaryDate: the same month and day n years on; 29 February falls on the 28th in other years', () => {
  assert.equal(anniversaryDate('2025-03-12', 1), '2026-03-12');
  assert.equal(anniversaryDate('2024-02-29', 1), '2025-02-28');
  assert.equal(anniversaryDate('2024-02-29', 4), '2028-02-29');
  assert.equal(anniversaryDate('2099-12-31', 1), '2100-12-31');
  assert.equal(anniversaryDate('2096-02-29', 4), '2100-02-28', '2100 is not a leap year');
});

test('yearsSince: whole years up to today, the anniversary day itself counting', () => {
  assert.equal(yearsSince('2025-03-12', '2026-03-11'), 0);
  assert.equal(yearsSince('2025-03-12', '2026-03-12'), 1);
  assert.equal(yearsSince('2024-03-20', '2026-03-19'), 1);
  assert.equal(yearsSince('2024-03-20', '2026-03-20'), 2);
  assert.equal(yearsSince('2024-02-29', '2025-02-27'), 0);
  assert.equal(yearsSince('2024-02-29', '2025-02-28'), 1);
  assert.equal(yearsSince('2026-03-12', '2026-03-12'), 0);
});

test('an anniversary rule holds only when the years since sign-up are known and reach anniversaryYears', () => {
  const rule: AchievementRule = {
    id: 'a',
    trigger: 'anniversary',
    status: 'active',
    metricId: null,
    metricValue: null,
    streakLength: null,
    anniversaryYears: 2,
    prerequisiteIds: [],
    userAttributes: [],
    eventAttributes: [],
  };
  const progress = { attributes: {}, metricTotals: new Map(), filteredTotals: new Map(), streakLength: 0, completed: new Set<string>() };
  assert.deepEqual(newlyCompleted([rule], progress), [], 'not judged without the years (events, API completions)');
  assert.deepEqual(newlyCompleted([rule], { ...progress, yearsSinceSignUp: 1 }), []);
  assert.deepEqual(newlyCompleted([rule], { ...progress, yearsSinceSignUp: 2 }), ['a']);
  assert.deepEqual(newlyCompleted([{ ...rule, status: 'locked' }], { ...progress, yearsSinceSignUp: 5 }), []);
});
