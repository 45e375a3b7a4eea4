import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advance, initialState, type FreezeSettings } from '../../../src/engine/streaks/index.js';
import { Sim, rec, settings, state } from './helpers.js';

const freezes = (overrides: Partial<FreezeSettings> = {}): FreezeSettings => ({
  enabled: true,
  initial: 2,
  max: 3,
  autoEarnInterval: null,
  autoEarnAmount: null,
  ...overrides,
});

/** A daily streak of 3 counted through 2026-03-03. */
const active = (extra: Parameters<typeof state>[0] = {}) =>
  state({ length: 3, started: '2026-03-01', lastPeriodStart: '2026-03-03', lastExtendedAt: 7, ...extra });

describe('initialState', () => {
  it('grants the initial freezes, capped at max, and schedules the first automatic grant', () => {
    const s = settings({ freezes: freezes({ initial: 5, max: 3, autoEarnInterval: 7, autoEarnAmount: 1 }) });
    assert.deepEqual(initialState(s, '2026-03-01'), state({ freezes: 3, nextFreezeEarn: '2026-03-08' }));
  });

  it('no freezes and no schedule when freezes are disabled', () => {
    const s = settings({ freezes: { enabled: false, initial: 2, max: 3, autoEarnInterval: 7, autoEarnAmount: 1 } });
    assert.deepEqual(initialState(s, '2026-03-01'), state());
  });

  it('no schedule without an auto-earn amount', () => {
    assert.deepEqual(initialState(settings({ freezes: freezes({ autoEarnInterval: 7 }) }), '2026-03-01'), state({ freezes: 2 }));
  });
});

describe('freezes', () => {
  it('one missed day spends one freeze, keeps the length, then the streak extends', () => {
    const sim = new Sim(active({ freezes: 2 }), settings({ freezes: freezes() }));
    const r = sim.visit('2026-03-05');
    assert.deepEqual(r.changes, [{ kind: 'freeze_consumed', consumed: 1, freezes: 1 }]);
    assert.deepEqual(r.records, [rec('2026-03-04', '2026-03-04', 3, 'freeze')]);
    assert.deepEqual(sim.state, active({ freezes: 1, lastPeriodStart: '2026-03-04' }));
    const next = sim.act('2026-03-05');
    assert.equal(next.change, 'extended');
    assert.equal(sim.state.length, 4);
    assert.equal(sim.state.started, '2026-03-01');
  });

  it('several missed days: one freeze each, merged into one change, then lost when they run out', () => {
    const r = advance(active({ freezes: 2 }), settings({ freezes: freezes() }), { today: '2026-03-07', pauses: [] });
    assert.deepEqual(r.changes, [
      { kind: 'freeze_consumed', consumed: 2, freezes: 0 },
      { kind: 'lost', length: 3 },
    ]);
    assert.deepEqual(r.records, [
      rec('2026-03-04', '2026-03-04', 3, 'freeze'),
      rec('2026-03-05', '2026-03-05', 3, 'freeze'),
      rec('2026-03-06', '2026-03-06', 0),
    ]);
    assert.deepEqual(r.state, state({ freezes: 0 }));
  });

  it('exactly enough freezes keep the streak', () => {
    const r = advance(active({ freezes: 2 }), settings({ freezes: freezes() }), { today: '2026-03-06', pauses: [] });
    assert.deepEqual(r.changes, [{ kind: 'freeze_consumed', consumed: 2, freezes: 0 }]);
    assert.deepEqual(r.state, active({ freezes: 0, lastPeriodStart: '2026-03-05' }));
  });

  it('weekly: one freeze per missed week', () => {
    const s = settings({ frequency: 'weekly', freezes: freezes() });
    const weekly = state({ length: 5, started: '2026-02-01', lastPeriodStart: '2026-03-01', lastExtendedAt: 1, freezes: 1 });
    const r = advance(weekly, s, { today: '2026-03-23', pauses: [] });
    assert.deepEqual(r.changes, [
      { kind: 'freeze_consumed', consumed: 1, freezes: 0 },
      { kind: 'lost', length: 5 },
    ]);
    assert.deepEqual(r.records, [rec('2026-03-08', '2026-03-14', 5, 'freeze'), rec('2026-03-15', '2026-03-21', 0)]);
  });

  it('freezes are not spent when freezes are disabled, even if the user holds some', () => {
    const r = advance(active({ freezes: 2 }), settings(), { today: '2026-03-05', pauses: [] });
    assert.deepEqual(r.changes, [{ kind: 'lost', length: 3 }]);
    assert.equal(r.state.freezes, 2);
  });

  it('nothing is spent without a streak', () => {
    const r = advance(state({ freezes: 2 }), settings({ freezes: freezes() }), { today: '2026-04-01', pauses: [] });
    assert.deepEqual(r, { state: state({ freezes: 2 }), records: [], changes: [] });
  });
});

describe('pauses', () => {
  it('a paused day holds the length and beats a freeze', () => {
    const sim = new Sim(active({ freezes: 1 }), settings({ freezes: freezes() }), [{ start: '2026-03-04', end: '2026-03-04' }]);
    const r = sim.visit('2026-03-05');
    assert.deepEqual(r.changes, []);
    assert.deepEqual(r.records, [rec('2026-03-04', '2026-03-04', 3, 'pause')]);
    assert.deepEqual(sim.state, active({ freezes: 1, lastPeriodStart: '2026-03-04' }));
    // After the pause a missed day spends the freeze as usual.
    const after = sim.visit('2026-03-06');
    assert.deepEqual(after.changes, [{ kind: 'freeze_consumed', consumed: 1, freezes: 0 }]);
  });

  it('a long pause holds every day it covers, then the streak is lost the day after it if not extended', () => {
    const r = advance(active(), settings(), { today: '2026-03-10', pauses: [{ start: '2026-03-04', end: '2026-03-08' }] });
    assert.deepEqual(r.records.map((x) => [x.periodStart, x.length, x.usedPause]), [
      ['2026-03-04', 3, true],
      ['2026-03-05', 3, true],
      ['2026-03-06', 3, true],
      ['2026-03-07', 3, true],
      ['2026-03-08', 3, true],
      ['2026-03-09', 0, false],
    ]);
    assert.deepEqual(r.changes, [{ kind: 'lost', length: 3 }]);
  });

  it('activity during a pause extends normally', () => {
    const sim = new Sim(active(), settings(), [{ start: '2026-03-04', end: '2026-03-10' }]);
    sim.visit('2026-03-05'); // 03-04 paused, held at 3
    const r = sim.act('2026-03-05');
    assert.equal(r.change, 'extended');
    assert.deepEqual(r.record, rec('2026-03-05', '2026-03-05', 4));
    sim.act('2026-03-06');
    assert.equal(sim.state.length, 5);
    // 03-07..03-10 paused, nothing done, held at 5; 03-11 acted on.
    assert.equal(sim.act('2026-03-11').change, 'extended');
    assert.equal(sim.state.length, 6);
    assert.deepEqual(sim.changes, []);
  });

  it('weekly: a pause overlapping any day of a week holds that week', () => {
    const s = settings({ frequency: 'weekly', weekStart: 1 });
    const weekly = state({ length: 2, started: '2026-02-25', lastPeriodStart: '2026-03-02', lastExtendedAt: 1 });
    // Pause on Sunday 03-15 only: the week 03-09..03-15 is held, 03-16..03-22 is lost.
    const r = advance(weekly, s, { today: '2026-03-23', pauses: [{ start: '2026-03-15', end: '2026-03-15' }] });
    assert.deepEqual(r.records, [rec('2026-03-09', '2026-03-15', 2, 'pause'), rec('2026-03-16', '2026-03-22', 0)]);
    assert.deepEqual(r.changes, [{ kind: 'lost', length: 2 }]);
  });

  it('monthly: a pause spanning a month boundary holds both months', () => {
    const s = settings({ frequency: 'monthly' });
    const monthly = state({ length: 2, started: '2025-12-05', lastPeriodStart: '2026-01-01', lastExtendedAt: 1 });
    const r = advance(monthly, s, { today: '2026-04-02', pauses: [{ start: '2026-02-27', end: '2026-03-02' }] });
    assert.deepEqual(r.records, [rec('2026-02-01', '2026-02-28', 2, 'pause'), rec('2026-03-01', '2026-03-31', 2, 'pause')]);
    assert.deepEqual(r.changes, []);
    assert.equal(r.state.lastPeriodStart, '2026-03-01');
  });
});

describe('automatic freeze grants', () => {
  const earning = settings({ freezes: freezes({ initial: 0, max: 2, autoEarnInterval: 7, autoEarnAmount: 1 }) });

  it('grants on schedule, never above max, and is idempotent for the same day', () => {
    let s = initialState(earning, '2026-03-01');
    assert.deepEqual(s, state({ freezes: 0, nextFreezeEarn: '2026-03-08' }));

    assert.deepEqual(advance(s, earning, { today: '2026-03-07', pauses: [] }).changes, []);

    const first = advance(s, earning, { today: '2026-03-08', pauses: [] });
    assert.deepEqual(first.changes, [{ kind: 'freeze_earned', earned: 1, freezes: 1 }]);
    assert.deepEqual(first.state, state({ freezes: 1, nextFreezeEarn: '2026-03-15' }));
    const again = advance(first.state, earning, { today: '2026-03-08', pauses: [] });
    assert.deepEqual(again, { state: first.state, records: [], changes: [] });
    s = first.state;

    // 03-15 brings it to the cap; 03-22 and 03-29 grant nothing but still move the schedule.
    const later = advance(s, earning, { today: '2026-03-29', pauses: [] });
    assert.deepEqual(later.changes, [{ kind: 'freeze_earned', earned: 1, freezes: 2 }]);
    assert.deepEqual(later.state, state({ freezes: 2, nextFreezeEarn: '2026-04-05' }));
    assert.deepEqual(advance(later.state, earning, { today: '2026-04-05', pauses: [] }).changes, [], 'no change when at max');
    assert.equal(advance(later.state, earning, { today: '2026-04-05', pauses: [] }).state.nextFreezeEarn, '2026-04-12');
  });

  it('a grant larger than the room left is cut to the cap', () => {
    const big = settings({ freezes: freezes({ max: 3, autoEarnInterval: 1, autoEarnAmount: 5 }) });
    const r = advance(state({ freezes: 1, nextFreezeEarn: '2026-03-02' }), big, { today: '2026-03-02', pauses: [] });
    assert.deepEqual(r.changes, [{ kind: 'freeze_earned', earned: 2, freezes: 3 }]);
    assert.deepEqual(r.state, state({ freezes: 3, nextFreezeEarn: '2026-03-03' }));
  });

  it('consecutive grants in one catch-up are merged into one change', () => {
    const r = advance(state({ freezes: 0, nextFreezeEarn: '2026-03-08' }), settings({ freezes: freezes({ max: 5, autoEarnInterval: 7, autoEarnAmount: 1 }) }), {
      today: '2026-03-22',
      pauses: [],
    });
    assert.deepEqual(r.changes, [{ kind: 'freeze_earned', earned: 3, freezes: 3 }]);
    assert.equal(r.state.nextFreezeEarn, '2026-03-29');
  });

  it('a grant dated the day after a missed day pays for it; the changes stay in time order', () => {
    const r = advance(active({ freezes: 0, nextFreezeEarn: '2026-03-05' }), earning, { today: '2026-03-06', pauses: [] });
    assert.deepEqual(r.changes, [
      { kind: 'freeze_earned', earned: 1, freezes: 1 },
      { kind: 'freeze_consumed', consumed: 1, freezes: 0 },
      { kind: 'lost', length: 3 },
    ]);
    assert.deepEqual(r.records, [rec('2026-03-04', '2026-03-04', 3, 'freeze'), rec('2026-03-05', '2026-03-05', 0)]);
    assert.deepEqual(r.state, state({ freezes: 0, nextFreezeEarn: '2026-03-12' }));
  });

  it('a grant dated two days after a missed day comes too late for it', () => {
    const r = advance(active({ freezes: 0, nextFreezeEarn: '2026-03-06' }), earning, { today: '2026-03-06', pauses: [] });
    assert.deepEqual(r.changes, [
      { kind: 'lost', length: 3 },
      { kind: 'freeze_earned', earned: 1, freezes: 1 },
    ]);
  });

  it('the schedule follows the settings: started when auto-earn is turned on, cleared when off', () => {
    assert.equal(advance(state(), earning, { today: '2026-03-10', pauses: [] }).state.nextFreezeEarn, '2026-03-17');
    assert.equal(advance(state({ nextFreezeEarn: '2026-03-17' }), settings(), { today: '2026-03-20', pauses: [] }).state.nextFreezeEarn, null);
    assert.deepEqual(advance(state({ nextFreezeEarn: '2026-03-17' }), settings(), { today: '2026-03-20', pauses: [] }).changes, []);
  });
});

describe('advance is idempotent', () => {
  it('a second advance to the same day changes nothing, whatever happened in the first', () => {
    const s = settings({ freezes: freezes({ max: 2, autoEarnInterval: 3, autoEarnAmount: 1 }) });
    const pauses = [{ start: '2026-03-10', end: '2026-03-12' }];
    const starts = [
      active({ freezes: 0, nextFreezeEarn: '2026-03-05' }),
      active({ freezes: 2, nextFreezeEarn: '2026-03-20' }),
      state({ freezes: 1, nextFreezeEarn: '2026-03-04' }),
    ];
    for (const start of starts) {
      for (let d = 4; d <= 31; d++) {
        const today = `2026-03-${String(d).padStart(2, '0')}`;
        const once = advance(start, s, { today, pauses });
        const twice = advance(once.state, s, { today, pauses });
        assert.deepEqual(twice, { state: once.state, records: [], changes: [] }, today);
      }
    }
  });

  it('advancing day by day ends where one catch-up does', () => {
    const s = settings({ freezes: freezes({ initial: 1, max: 2, autoEarnInterval: 2, autoEarnAmount: 1 }) });
    const start = active({ freezes: 1, nextFreezeEarn: '2026-03-05' });
    const pauses = [{ start: '2026-03-06', end: '2026-03-06' }];
    const once = advance(start, s, { today: '2026-03-15', pauses });
    const sim = new Sim(start, s, pauses);
    for (let d = 4; d <= 15; d++) sim.visit(`2026-03-${String(d).padStart(2, '0')}`);
    assert.deepEqual(sim.state, once.state);
    assert.deepEqual(sim.records, once.records);
  });
});
