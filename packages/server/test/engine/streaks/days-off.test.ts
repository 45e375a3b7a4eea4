import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expires, isDayOff, weekday } from '../../../src/engine/streaks/index.js';
import { Sim, rec, settings, state } from './helpers.js';

// 2026-03-06 is a Friday, 03-07 Saturday, 03-08 Sunday, 03-09 Monday.
const weekend = settings({ daysOff: [0, 6] });

describe('weekday', () => {
  it("numbers days as JavaScript's Date.getDay", () => {
    for (const date of ['1970-01-01', '2026-03-06', '2026-03-07', '2026-03-08', '2028-02-29', '1969-12-31']) {
      assert.equal(weekday(date), new Date(`${date}T00:00:00Z`).getUTCDay(), date);
    }
  });

  it('only daily streaks have days off', () => {
    assert.equal(isDayOff('2026-03-07', weekend), true);
    assert.equal(isDayOff('2026-03-06', weekend), false);
    assert.equal(isDayOff('2026-03-07', settings({ frequency: 'weekly', daysOff: [6] })), false);
  });
});

describe('days off', () => {
  it('a weekend without activity holds the streak: no freeze, no loss, Monday extends it', () => {
    const sim = new Sim(state(), weekend);
    sim.act('2026-03-05');
    sim.act('2026-03-06');
    const monday = sim.act('2026-03-09');
    assert.deepEqual(monday.advanced.changes, []);
    assert.deepEqual(monday.advanced.records, [rec('2026-03-07', '2026-03-07', 2), rec('2026-03-08', '2026-03-08', 2)]);
    assert.equal(monday.change, 'extended');
    assert.equal(sim.state.length, 3);
    assert.equal(sim.state.started, '2026-03-05');
  });

  it('activity on a day off still extends the streak', () => {
    const sim = new Sim(state(), weekend);
    sim.act('2026-03-06');
    const saturday = sim.act('2026-03-07');
    assert.equal(saturday.change, 'extended');
    assert.equal(sim.state.length, 2);
    sim.act('2026-03-09');
    assert.equal(sim.state.length, 3);
  });

  it('a working day missed after the days off still breaks it, and no freeze is spent on the days off', () => {
    const freezes = { enabled: true, initial: 1, max: 1, autoEarnInterval: null, autoEarnAmount: null };
    const sim = new Sim(state({ freezes: 1 }), settings({ daysOff: [0, 6], freezes }));
    sim.act('2026-03-06');
    // Saturday and Sunday hold; Monday is missed: the one freeze pays for it; Tuesday is lost.
    const wednesday = sim.visit('2026-03-11');
    assert.deepEqual(wednesday.records, [
      rec('2026-03-07', '2026-03-07', 1),
      rec('2026-03-08', '2026-03-08', 1),
      rec('2026-03-09', '2026-03-09', 1, 'freeze'),
      rec('2026-03-10', '2026-03-10', 0),
    ]);
    assert.deepEqual(wednesday.changes, [
      { kind: 'freeze_consumed', consumed: 1, freezes: 0 },
      { kind: 'lost', length: 1 },
    ]);
  });

  it('without days off the same weekend breaks the streak (the rule is what holds it)', () => {
    const sim = new Sim(state(), settings());
    sim.act('2026-03-06');
    const monday = sim.act('2026-03-09');
    assert.deepEqual(monday.advanced.changes, [{ kind: 'lost', length: 1 }]);
    assert.equal(monday.change, 'started');
  });

  it('a weekly streak ignores days off', () => {
    const weekly = settings({ frequency: 'weekly', daysOff: [0, 1, 2, 3, 4, 5] });
    const sim = new Sim(state(), weekly);
    sim.act('2026-03-02');
    const later = sim.visit('2026-03-16');
    assert.deepEqual(later.changes, [{ kind: 'lost', length: 1 }]);
  });

  it('expires skips the days off: counted on Friday, acting on Monday still keeps it', () => {
    const sim = new Sim(state(), weekend);
    sim.act('2026-03-06');
    assert.equal(expires(sim.state, weekend, '2026-03-06'), '2026-03-09');
    // On Saturday (not counted, a day off) the last day to act is still Monday.
    sim.visit('2026-03-07');
    assert.equal(expires(sim.state, weekend, '2026-03-07'), '2026-03-09');
    assert.equal(expires(sim.state, settings(), '2026-03-07'), '2026-03-07');
  });
});
