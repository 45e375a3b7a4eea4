import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advance, initialState, recordActivity } from '../../../src/engine/streaks/index.js';
import { Sim, rec, settings, state } from './helpers.js';

describe('daily streak', () => {
  it('starts, ignores a second activity the same day, extends, and is lost after a missed day', () => {
    const sim = new Sim(initialState(settings(), '2026-03-01'), settings());

    const first = sim.act('2026-03-02', true, Date.UTC(2026, 2, 2, 9));
    assert.equal(first.change, 'started');
    assert.equal(first.extended, true);
    assert.deepEqual(first.record, rec('2026-03-02', '2026-03-02', 1));
    assert.deepEqual(sim.state, state({ length: 1, started: '2026-03-02', lastPeriodStart: '2026-03-02', lastExtendedAt: Date.UTC(2026, 2, 2, 9) }));

    const again = sim.act('2026-03-02', true, Date.UTC(2026, 2, 2, 18));
    assert.deepEqual({ change: again.change, extended: again.extended, record: again.record }, { change: null, extended: false, record: null });
    assert.equal(sim.state.lastExtendedAt, Date.UTC(2026, 2, 2, 9), 'a second activity in a counted period changes nothing');

    const second = sim.act('2026-03-03', true, Date.UTC(2026, 2, 3, 8));
    assert.equal(second.change, 'extended');
    assert.deepEqual(second.record, rec('2026-03-03', '2026-03-03', 2));
    assert.deepEqual(sim.state, state({ length: 2, started: '2026-03-02', lastPeriodStart: '2026-03-03', lastExtendedAt: Date.UTC(2026, 2, 3, 8) }));

    // 2026-03-04: events that do not meet the conditions.
    const short = sim.act('2026-03-04', false);
    assert.deepEqual({ change: short.change, extended: short.extended }, { change: null, extended: false });
    assert.equal(sim.state.length, 2, 'still alive during the day it must be extended');

    const next = sim.visit('2026-03-05');
    assert.deepEqual(next.changes, [{ kind: 'lost', length: 2 }]);
    assert.deepEqual(next.records, [rec('2026-03-04', '2026-03-04', 0)]);
    assert.deepEqual(sim.state, state());

    const restart = sim.act('2026-03-05', true, Date.UTC(2026, 2, 5, 10));
    assert.equal(restart.change, 'started');
    assert.deepEqual(sim.state, state({ length: 1, started: '2026-03-05', lastPeriodStart: '2026-03-05', lastExtendedAt: Date.UTC(2026, 2, 5, 10) }));
  });

  it('a long absence loses the streak once, with one record for the first missed day only', () => {
    const s = state({ length: 12, started: '2026-02-20', lastPeriodStart: '2026-03-03', lastExtendedAt: 1 });
    const r = advance(s, settings(), { today: '2026-06-30', pauses: [] });
    assert.deepEqual(r.changes, [{ kind: 'lost', length: 12 }]);
    assert.deepEqual(r.records, [rec('2026-03-04', '2026-03-04', 0)]);
    assert.deepEqual(r.state, state());
  });

  it('unmet activity never starts a streak', () => {
    const r = recordActivity(state(), settings(), { today: '2026-03-02', now: 1, met: false });
    assert.deepEqual(r, { state: state(), extended: false, change: null, record: null });
  });

  it('counts 30 consecutive days', () => {
    const sim = new Sim(state(), settings());
    let day = '2026-02-15';
    for (let i = 0; i < 30; i++) {
      sim.act(day);
      day = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    }
    assert.equal(sim.state.length, 30);
    assert.equal(sim.state.started, '2026-02-15');
    assert.equal(sim.state.lastPeriodStart, '2026-03-16');
    assert.deepEqual(sim.changes, []);
  });
});

describe('weekly streak', () => {
  it('Sunday start: any day of a week counts it once, a skipped week loses it', () => {
    const s = settings({ frequency: 'weekly', weekStart: 0 });
    const sim = new Sim(state(), s);
    assert.equal(sim.act('2026-03-04').change, 'started'); // Wednesday, week 03-01..03-07
    assert.deepEqual(sim.state, state({ length: 1, started: '2026-03-04', lastPeriodStart: '2026-03-01', lastExtendedAt: Date.parse('2026-03-04T12:00:00Z') }));
    assert.equal(sim.act('2026-03-07').change, null); // Saturday, same week
    const sunday = sim.act('2026-03-08'); // a new week
    assert.equal(sunday.change, 'extended');
    assert.deepEqual(sunday.record, rec('2026-03-08', '2026-03-14', 2));
    // Nothing in 03-15..03-21; still alive on its last day.
    assert.deepEqual(sim.visit('2026-03-21').changes, []);
    const lost = sim.visit('2026-03-22');
    assert.deepEqual(lost.changes, [{ kind: 'lost', length: 2 }]);
    assert.deepEqual(lost.records, [rec('2026-03-15', '2026-03-21', 0)]);
    assert.equal(sim.state.length, 0);
  });

  it('Monday start: Sunday is the end of the same week, Monday the next', () => {
    const s = settings({ frequency: 'weekly', weekStart: 1 });
    const sim = new Sim(state(), s);
    assert.equal(sim.act('2026-03-04').change, 'started'); // week 03-02..03-08
    assert.equal(sim.state.lastPeriodStart, '2026-03-02');
    assert.equal(sim.act('2026-03-08').change, null);
    const monday = sim.act('2026-03-09');
    assert.equal(monday.change, 'extended');
    assert.deepEqual(monday.record, rec('2026-03-09', '2026-03-15', 2));
    // Acting on the Sunday that ends the following week still keeps it.
    assert.equal(sim.act('2026-03-22').change, 'extended');
    assert.equal(sim.state.length, 3);
    assert.equal(sim.state.lastPeriodStart, '2026-03-16');
  });
});

describe('monthly streak', () => {
  it('runs across February by calendar month', () => {
    const s = settings({ frequency: 'monthly' });
    const sim = new Sim(state(), s);
    assert.equal(sim.act('2026-01-31').change, 'started');
    assert.equal(sim.state.lastPeriodStart, '2026-01-01');
    const feb = sim.act('2026-02-28');
    assert.equal(feb.change, 'extended');
    assert.deepEqual(feb.record, rec('2026-02-01', '2026-02-28', 2));
    assert.equal(sim.act('2026-03-01').change, 'extended');
    assert.equal(sim.act('2026-03-31').change, null);
    // No activity in April.
    assert.deepEqual(sim.visit('2026-04-30').changes, []);
    const may = sim.visit('2026-05-01');
    assert.deepEqual(may.changes, [{ kind: 'lost', length: 3 }]);
    assert.deepEqual(may.records, [rec('2026-04-01', '2026-04-30', 0)]);
  });

  it('a leap February is a period of its own', () => {
    const sim = new Sim(state(), settings({ frequency: 'monthly' }));
    sim.act('2028-01-15');
    const feb = sim.act('2028-02-29');
    assert.deepEqual(feb.record, rec('2028-02-01', '2028-02-29', 2));
    assert.equal(sim.act('2028-03-01').change, 'extended');
  });
});

describe('settings changed under an active streak', () => {
  it('a daily lastPeriodStart is read as the week that contains it after a switch to weekly', () => {
    const s = state({ length: 4, started: '2026-03-01', lastPeriodStart: '2026-03-04', lastExtendedAt: 1 });
    const weekly = settings({ frequency: 'weekly', weekStart: 1 });
    assert.deepEqual(advance(s, weekly, { today: '2026-03-12', pauses: [] }).changes, []);
    assert.equal(recordActivity(s, weekly, { today: '2026-03-06', now: 2, met: true }).change, null, 'that week is already counted');
    const next = recordActivity(s, weekly, { today: '2026-03-12', now: 2, met: true });
    assert.equal(next.change, 'extended');
    assert.equal(next.state.lastPeriodStart, '2026-03-09');
    assert.deepEqual(advance(s, weekly, { today: '2026-03-16', pauses: [] }).changes, [{ kind: 'lost', length: 4 }]);
  });

  it('recordActivity on a state not advanced over a gap starts over instead of bridging it', () => {
    const s = state({ length: 4, started: '2026-03-01', lastPeriodStart: '2026-03-04', lastExtendedAt: 1 });
    const r = recordActivity(s, settings(), { today: '2026-03-09', now: 5, met: true });
    assert.equal(r.change, 'started');
    assert.deepEqual(r.state, state({ length: 1, started: '2026-03-09', lastPeriodStart: '2026-03-09', lastExtendedAt: 5 }));
  });
});
