import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boostedPoints, boostsFor, stackRounding, type Rounding } from '../../../src/engine/points/index.js';
import { localDate } from '../../../src/engine/streaks/index.js';
import { boost, user } from './helpers.js';

const ids = (boosts: { id: string }[]) => boosts.map((b) => b.id);

describe('boostsFor: which boosts apply to a user on a local date', () => {
  const may = boost({ id: 'may', start: '2026-05-01', end: '2026-05-31' });

  it('the window is inclusive at both ends', () => {
    const table: [string, boolean][] = [
      ['2026-04-30', false],
      ['2026-05-01', true],
      ['2026-05-15', true],
      ['2026-05-31', true],
      ['2026-06-01', false],
    ];
    for (const [today, applies] of table) assert.equal(boostsFor([may], user(), today).length === 1, applies, today);
  });

  it('an open-ended boost applies from its start on', () => {
    const open = boost({ id: 'open', start: '2026-05-01', end: null });
    assert.deepEqual(ids(boostsFor([open], user(), '2030-01-01')), ['open']);
    assert.deepEqual(ids(boostsFor([open], user(), '2026-04-30')), []);
  });

  it('a boost not enabled applies to nobody', () => {
    assert.deepEqual(boostsFor([boost({ enabled: false })], user(), '2026-05-10'), []);
  });

  it('global, attribute-filtered and per-user targeting', () => {
    const boosts = [
      boost({ id: 'global' }),
      boost({ id: 'premium', userAttributes: [{ key: 'plan', value: 'premium' }] }),
      boost({ id: 'premium-lyon', userAttributes: [{ key: 'plan', value: 'premium' }, { key: 'city', value: 'Lyon' }] }),
      boost({ id: 'just-u2', userId: 'u2' }),
    ];
    assert.deepEqual(ids(boostsFor(boosts, user('u1', { plan: 'free' }), '2026-05-10')), ['global']);
    assert.deepEqual(ids(boostsFor(boosts, user('u1', { plan: 'premium' }), '2026-05-10')), ['global', 'premium']);
    assert.deepEqual(ids(boostsFor(boosts, user('u1', { plan: 'premium', city: 'Lyon' }), '2026-05-10')), ['global', 'premium', 'premium-lyon']);
    assert.deepEqual(ids(boostsFor(boosts, user('u2', { plan: 'free' }), '2026-05-10')), ['global', 'just-u2']);
  });

  it('follows each user\'s own calendar: one instant, two local dates', () => {
    const instant = Date.UTC(2026, 4, 31, 20); // 06-01 05:00 in Tokyo, 05-31 13:00 in Los Angeles
    assert.deepEqual(ids(boostsFor([may], user(), localDate(instant, 'Asia/Tokyo'))), []);
    assert.deepEqual(ids(boostsFor([may], user(), localDate(instant, 'America/Los_Angeles'))), ['may']);
    const early = Date.UTC(2026, 3, 30, 16); // 05-01 01:00 in Tokyo, 04-30 09:00 in Los Angeles
    assert.deepEqual(ids(boostsFor([may], user(), localDate(early, 'Asia/Tokyo'))), ['may']);
    assert.deepEqual(ids(boostsFor([may], user(), localDate(early, 'America/Los_Angeles'))), []);
  });

  it('across DST the boundary stays at local midnight (America/New_York, window ending 2026-03-08)', () => {
    const weekend = boost({ start: '2026-03-07', end: '2026-03-08' });
    const tz = 'America/New_York';
    assert.equal(boostsFor([weekend], user(), localDate(Date.UTC(2026, 2, 9, 3, 59), tz)).length, 1); // 03-08 23:59 EDT
    assert.equal(boostsFor([weekend], user(), localDate(Date.UTC(2026, 2, 9, 4), tz)).length, 0); // 03-09 00:00 EDT
  });
});

describe('stackRounding: the most conservative mode wins', () => {
  const table: [Rounding[], Rounding][] = [
    [[], 'down'],
    [['up'], 'up'],
    [['nearest'], 'nearest'],
    [['up', 'nearest'], 'nearest'],
    [['up', 'down'], 'down'],
    [['nearest', 'up', 'down'], 'down'],
    [['up', 'up'], 'up'],
  ];
  for (const [modes, expected] of table) {
    it(`${modes.join(' + ') || 'none'} -> ${expected}`, () => assert.equal(stackRounding(modes.map((rounding) => ({ rounding }))), expected));
  }
});

describe('boostedPoints', () => {
  const b = (multiplier: number, rounding: Rounding = 'down') => ({ multiplier, rounding });

  const table: { name: string; points: number; boosts: ReturnType<typeof b>[]; expected: number }[] = [
    { name: 'no boosts', points: 10, boosts: [], expected: 10 },
    { name: 'double', points: 10, boosts: [b(2)], expected: 20 },
    { name: 'multipliers multiply: 2 x 1.5 x 3 = 9x', points: 10, boosts: [b(2), b(1.5), b(3)], expected: 90 },
    { name: 'down: 7 x 1.5 = 10.5 -> 10', points: 7, boosts: [b(1.5, 'down')], expected: 10 },
    { name: 'up: 7 x 1.5 = 10.5 -> 11', points: 7, boosts: [b(1.5, 'up')], expected: 11 },
    { name: 'nearest: 1.2 -> 1', points: 1, boosts: [b(1.2, 'nearest')], expected: 1 },
    { name: 'nearest: 1.7 -> 2', points: 1, boosts: [b(1.7, 'nearest')], expected: 2 },
    { name: 'nearest: halves up, 5 x 1.5 = 7.5 -> 8', points: 5, boosts: [b(1.5, 'nearest')], expected: 8 },
    { name: 'rounded once, after multiplying: 3 x 1.5 x 1.5 = 6.75 -> 7 up (not 5 -> 8)', points: 3, boosts: [b(1.5, 'up'), b(1.5, 'up')], expected: 7 },
    { name: 'a stack with all three rounds down: 7 x 1.5 (up) x 1.1 (nearest) x 1.2 (down) = 13.86 -> 13', points: 7, boosts: [b(1.5, 'up'), b(1.1, 'nearest'), b(1.2, 'down')], expected: 13 },
    { name: 'mixed up + nearest rounds nearest: 7 x 1.5 (up) x 1.1 (nearest) = 11.55 -> 12', points: 7, boosts: [b(1.5, 'up'), b(1.1, 'nearest')], expected: 12 },
    { name: 'mixed down + up rounds down: 3 x 1.5 (up) x 1.5 (down) = 6.75 -> 6', points: 3, boosts: [b(1.5, 'up'), b(1.5, 'down')], expected: 6 },
    { name: 'a multiplier below 1: 10 x 0.5 = 5', points: 10, boosts: [b(0.5)], expected: 5 },
    { name: 'may round to 0: 1 x 0.5 down', points: 1, boosts: [b(0.5, 'down')], expected: 0 },
    { name: 'float noise: 100 x 1.15 = 115 down (not 114)', points: 100, boosts: [b(1.15, 'down')], expected: 115 },
    { name: 'float noise: 10 x 1.1 = 11 up (not 12)', points: 10, boosts: [b(1.1, 'up')], expected: 11 },
    { name: 'float noise: 3 x 1.1 = 3.3 up -> 4', points: 3, boosts: [b(1.1, 'up')], expected: 4 },
    { name: 'deductions are never boosted', points: -10, boosts: [b(3, 'up')], expected: -10 },
  ];
  for (const c of table) {
    it(c.name, () => assert.equal(boostedPoints(c.points, c.boosts), c.expected));
  }
});
