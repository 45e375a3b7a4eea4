import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyAward, blocksDeduction } from '../../../src/engine/points/index.js';

describe('applyAward: totals clamped to [0, maxPoints], the amount actually applied', () => {
  const table: { name: string; total: number; amount: number; max: number | null; expected: { total: number; applied: number } }[] = [
    { name: 'no cap', total: 10, amount: 5, max: null, expected: { total: 15, applied: 5 } },
    { name: 'below the cap', total: 10, amount: 5, max: 100, expected: { total: 15, applied: 5 } },
    { name: 'up to the cap exactly', total: 95, amount: 5, max: 100, expected: { total: 100, applied: 5 } },
    { name: 'clamped at the cap: 95 + 10 applies 5', total: 95, amount: 10, max: 100, expected: { total: 100, applied: 5 } },
    { name: 'at the cap: nothing to apply', total: 100, amount: 10, max: 100, expected: { total: 100, applied: 0 } },
    { name: 'a deduction at the cap', total: 100, amount: -30, max: 100, expected: { total: 70, applied: -30 } },
    { name: 'down to 0 exactly', total: 10, amount: -10, max: null, expected: { total: 10 - 10, applied: -10 } },
    { name: 'clamped at 0: 3 - 10 applies -3', total: 3, amount: -10, max: null, expected: { total: 0, applied: -3 } },
    { name: 'at 0: nothing to deduct', total: 0, amount: -10, max: 100, expected: { total: 0, applied: 0 } },
    { name: 'above a cap lowered later, a gain applies nothing', total: 150, amount: 10, max: 100, expected: { total: 150, applied: 0 } },
    { name: 'above a cap lowered later, a loss still applies in full', total: 150, amount: -20, max: 100, expected: { total: 130, applied: -20 } },
    { name: 'a cap of 1', total: 0, amount: 5, max: 1, expected: { total: 1, applied: 1 } },
  ];
  for (const c of table) it(c.name, () => assert.deepEqual(applyAward(c.total, c.amount, c.max), c.expected));
});

describe('blocksDeduction', () => {
  const table: [number, number, boolean][] = [
    [10, -10, false],
    [10, -11, true],
    [0, -1, true],
    [0, 5, false],
    [3, 0, false],
  ];
  for (const [total, amount, blocks] of table) {
    it(`${total} ${amount < 0 ? '-' : '+'} ${Math.abs(amount)} -> ${blocks ? 'blocked' : 'allowed'}`, () => assert.equal(blocksDeduction(total, amount), blocks));
  }
});
