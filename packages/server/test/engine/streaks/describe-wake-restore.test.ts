import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  advance,
  describe as describeStreak,
  expires,
  localDate,
  nextWake,
  recordActivity,
  restore,
  restoreWindowStart,
} from '../../../src/engine/streaks/index.js';
import { settings, state } from './helpers.js';

const daily = settings();
const weeklyMonday = settings({ frequency: 'weekly', weekStart: 1 });
const monthly = settings({ frequency: 'monthly' });
const earning = settings({ freezes: { enabled: true, initial: 1, max: 3, autoEarnInterval: 7, autoEarnAmount: 2 } });

describe('expires', () => {
  it('daily: tomorrow once today counts, today when it does not yet, null without a streak', () => {
    const s = state({ length: 2, started: '2026-03-02', lastPeriodStart: '2026-03-03', lastExtendedAt: 1 });
    assert.equal(expires(s, daily, '2026-03-03'), '2026-03-04');
    assert.equal(expires(s, daily, '2026-03-04'), '2026-03-04');
    assert.equal(expires(state(), daily, '2026-03-04'), null);
  });

  it('weekly (Monday start): end of next week, or end of this week', () => {
    const s = state({ length: 1, started: '2026-03-04', lastPeriodStart: '2026-03-02', lastExtendedAt: 1 });
    assert.equal(expires(s, weeklyMonday, '2026-03-04'), '2026-03-15');
    assert.equal(expires(s, weeklyMonday, '2026-03-10'), '2026-03-15');
  });

  it('monthly: end of next month, or end of this month', () => {
    const s = state({ length: 1, started: '2026-01-31', lastPeriodStart: '2026-01-01', lastExtendedAt: 1 });
    assert.equal(expires(s, monthly, '2026-01-31'), '2026-02-28');
    assert.equal(expires(s, monthly, '2026-02-10'), '2026-02-28');
  });

  it('ignores freezes', () => {
    const s = state({ length: 2, started: '2026-03-02', lastPeriodStart: '2026-03-03', lastExtendedAt: 1, freezes: 3 });
    assert.equal(expires(s, earning, '2026-03-04'), '2026-03-04');
  });
});

describe('describe', () => {
  it('without freezes: no freeze fields; the current period is always set', () => {
    assert.deepEqual(describeStreak(state(), weeklyMonday, '2026-03-04'), {
      length: 0,
      frequency: 'weekly',
      started: null,
      periodStart: '2026-03-02',
      periodEnd: '2026-03-08',
      expires: null,
    });
  });

  it('with freezes and auto-earn', () => {
    const s = state({ length: 4, started: '2026-02-28', lastPeriodStart: '2026-03-03', lastExtendedAt: 1, freezes: 2, nextFreezeEarn: '2026-03-08' });
    assert.deepEqual(describeStreak(s, earning, '2026-03-03'), {
      length: 4,
      frequency: 'daily',
      started: '2026-02-28',
      periodStart: '2026-03-03',
      periodEnd: '2026-03-03',
      expires: '2026-03-04',
      freezes: 2,
      maxFreezes: 3,
      freezeAutoEarnInterval: 7,
      freezeAutoEarnAmount: 2,
    });
  });

  it('with freezes but no auto-earn', () => {
    const s = settings({ frequency: 'monthly', freezes: { enabled: true, initial: 1, max: 5, autoEarnInterval: null, autoEarnAmount: null } });
    assert.deepEqual(describeStreak(state({ freezes: 1 }), s, '2026-02-14'), {
      length: 0,
      frequency: 'monthly',
      started: null,
      periodStart: '2026-02-01',
      periodEnd: '2026-02-28',
      expires: null,
      freezes: 1,
      maxFreezes: 5,
    });
  });

  it('reads an advanced state: a lapsed streak shows as lost without persisting anything', () => {
    const s = state({ length: 4, started: '2026-02-28', lastPeriodStart: '2026-03-03', lastExtendedAt: 1 });
    const view = describeStreak(advance(s, daily, { today: '2026-03-06', pauses: [] }).state, daily, '2026-03-06');
    assert.equal(view.length, 0);
    assert.equal(view.expires, null);
  });
});

describe('nextWake', () => {
  it('daily, UTC: the start of the day after the next one', () => {
    const s = state({ length: 2, started: '2026-03-02', lastPeriodStart: '2026-03-03', lastExtendedAt: 1 });
    assert.equal(nextWake(s, daily, '2026-03-03', null), Date.UTC(2026, 2, 5));
    assert.equal(nextWake(s, daily, '2026-03-04', null), Date.UTC(2026, 2, 5));
  });

  it('weekly in Asia/Tokyo: midnight Tokyo after the following week ends', () => {
    const s = state({ length: 1, started: '2026-03-04', lastPeriodStart: '2026-03-02', lastExtendedAt: 1 });
    assert.equal(nextWake(s, weeklyMonday, '2026-03-04', 'Asia/Tokyo'), Date.UTC(2026, 2, 15, 15)); // 03-16 00:00 JST
  });

  it('monthly: the first of the month after next', () => {
    const s = state({ length: 1, started: '2026-01-31', lastPeriodStart: '2026-01-01', lastExtendedAt: 1 });
    assert.equal(nextWake(s, monthly, '2026-01-31', null), Date.UTC(2026, 2, 1));
  });

  it('the earlier of the streak deadline and the next freeze grant', () => {
    const s = state({ length: 2, started: '2026-03-02', lastPeriodStart: '2026-03-03', lastExtendedAt: 1, nextFreezeEarn: '2026-03-04' });
    assert.equal(nextWake(s, earning, '2026-03-03', 'America/New_York'), Date.UTC(2026, 2, 4, 5));
    assert.equal(nextWake({ ...s, nextFreezeEarn: '2026-03-09' }, earning, '2026-03-03', 'America/New_York'), Date.UTC(2026, 2, 5, 5));
  });

  it('only the freeze grant without a streak; null when nothing can happen', () => {
    assert.equal(nextWake(state({ nextFreezeEarn: '2026-03-08' }), earning, '2026-03-03', null), Date.UTC(2026, 2, 8));
    assert.equal(nextWake(state(), earning, '2026-03-03', null), Date.UTC(2026, 2, 10), 'the grant advance would schedule');
    assert.equal(nextWake(state(), daily, '2026-03-03', null), null);
  });

  it('is exactly when advance starts to change something', () => {
    const tz = 'America/Santiago';
    const s = state({ length: 3, started: '2026-09-02', lastPeriodStart: '2026-09-04', lastExtendedAt: 1 });
    const wake = nextWake(s, daily, '2026-09-04', tz);
    assert.equal(wake, Date.UTC(2026, 8, 6, 4)); // 09-06 starts at 01:00 -03, midnight does not exist
    const at = (ms: number) => advance(s, daily, { today: localDate(ms, tz), pauses: [] }).changes;
    assert.deepEqual(at(wake! - 1), []);
    assert.deepEqual(at(wake!), [{ kind: 'lost', length: 3 }]);
  });
});

describe('restore', () => {
  it('daily: a lost streak comes back at the window maximum, to be extended today', () => {
    const lost = state({ freezes: 1 });
    const r = restore(lost, daily, { today: '2026-03-10', maxLengthInWindow: 5 });
    assert.deepEqual(r, state({ length: 5, started: '2026-03-05', lastPeriodStart: '2026-03-09', freezes: 1 }));
    assert.deepEqual(advance(r!, daily, { today: '2026-03-10', pauses: [] }).changes, []);
    const act = recordActivity(r!, daily, { today: '2026-03-10', now: 99, met: true });
    assert.equal(act.change, 'extended');
    assert.equal(act.state.length, 6);
    assert.equal(advance(r!, daily, { today: '2026-03-11', pauses: [] }).changes[0]?.kind, 'lost', 'not extended today: lost again');
  });

  it('stamps lastExtendedAt with now when given', () => {
    assert.equal(restore(state(), daily, { today: '2026-03-10', maxLengthInWindow: 1, now: 42 })?.lastExtendedAt, 42);
    assert.equal(restore(state(), daily, { today: '2026-03-10', maxLengthInWindow: 1 })?.started, '2026-03-09');
  });

  it('nothing to restore: no length in the window, or already as long', () => {
    assert.equal(restore(state(), daily, { today: '2026-03-10', maxLengthInWindow: 0 }), null);
    const s = state({ length: 5, started: '2026-03-05', lastPeriodStart: '2026-03-09', lastExtendedAt: 1 });
    assert.equal(restore(s, daily, { today: '2026-03-10', maxLengthInWindow: 5 }), null);
    assert.equal(restore(s, daily, { today: '2026-03-10', maxLengthInWindow: 3 }), null);
  });

  it('a current period already counted stays counted', () => {
    const s = state({ length: 2, started: '2026-03-09', lastPeriodStart: '2026-03-10', lastExtendedAt: 1 });
    assert.deepEqual(restore(s, daily, { today: '2026-03-10', maxLengthInWindow: 5 }), state({ length: 5, started: '2026-03-06', lastPeriodStart: '2026-03-10', lastExtendedAt: 1 }));
  });

  it('weekly and monthly count back whole periods', () => {
    assert.deepEqual(
      restore(state(), weeklyMonday, { today: '2026-03-04', maxLengthInWindow: 3 }),
      state({ length: 3, started: '2026-02-09', lastPeriodStart: '2026-02-23' }),
    );
    assert.deepEqual(
      restore(state(), monthly, { today: '2026-03-15', maxLengthInWindow: 2 }),
      state({ length: 2, started: '2026-01-01', lastPeriodStart: '2026-02-01' }),
    );
  });
});

describe('restoreWindowStart', () => {
  it('daily: 90 days back', () => {
    assert.equal(restoreWindowStart('daily', '2026-03-10', 0), '2025-12-10');
  });

  it('weekly: the week that contains 1 January (a Thursday in 2026)', () => {
    assert.equal(restoreWindowStart('weekly', '2026-07-15', 0), '2025-12-28');
    assert.equal(restoreWindowStart('weekly', '2026-07-15', 1), '2025-12-29');
    assert.equal(restoreWindowStart('weekly', '2026-07-15', 4), '2026-01-01');
  });

  it('monthly: 1 January of last year', () => {
    assert.equal(restoreWindowStart('monthly', '2026-03-10', 0), '2025-01-01');
    assert.equal(restoreWindowStart('monthly', '2026-12-31', 0), '2025-01-01');
  });
});
