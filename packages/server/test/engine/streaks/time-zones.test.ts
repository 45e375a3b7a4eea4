import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advance, expires, localDate, nextWake, recordActivity, type StreakState } from '../../../src/engine/streaks/index.js';
import { settings, state } from './helpers.js';

const daily = settings();

/** What the server does for an event at `instant` for a user in `tz`. */
function actAt(s: StreakState, instant: number, tz: string | null) {
  const today = localDate(instant, tz);
  const advanced = advance(s, daily, { today, pauses: [] });
  return { today, advanced, ...recordActivity(advanced.state, daily, { today, now: instant, met: true }) };
}

describe('daily streak across DST in America/New_York', () => {
  const tz = 'America/New_York';

  it('kept across the spring-forward night, though only 23 hours pass between the activities', () => {
    const sat = actAt(state(), Date.UTC(2026, 2, 8, 4, 30), tz); // Sat 03-07 23:30 EST
    assert.equal(sat.today, '2026-03-07');
    assert.equal(sat.change, 'started');
    const sun = actAt(sat.state, Date.UTC(2026, 2, 9, 3, 30), tz); // Sun 03-08 23:30 EDT
    assert.equal(sun.today, '2026-03-08');
    assert.equal(sun.change, 'extended');
    assert.equal(sun.state.length, 2);
    // The next settlement is at the start of Tuesday 03-10 (EDT, 04:00Z).
    assert.equal(nextWake(sun.state, daily, sun.today, tz), Date.UTC(2026, 2, 10, 4));
  });

  it('kept across the fall-back night; a 25-hour day still counts once', () => {
    const sat = actAt(state(), Date.UTC(2026, 10, 1, 3, 30), tz); // Sat 10-31 23:30 EDT
    assert.equal(sat.today, '2026-10-31');
    const early = actAt(sat.state, Date.UTC(2026, 10, 1, 4, 30), tz); // Sun 11-01 00:30 EDT
    assert.equal(early.change, 'extended');
    const late = actAt(early.state, Date.UTC(2026, 10, 2, 4, 30), tz); // Sun 11-01 23:30 EST, 25 h after 00:00
    assert.equal(late.today, '2026-11-01');
    assert.equal(late.change, null);
    // Lost only once Monday 11-02 has fully ended: the start of 11-03 EST is 05:00Z.
    assert.equal(nextWake(late.state, daily, late.today, tz), Date.UTC(2026, 10, 3, 5));
    assert.deepEqual(advance(late.state, daily, { today: localDate(Date.UTC(2026, 10, 3, 4, 59), tz), pauses: [] }).changes, []);
    assert.deepEqual(advance(late.state, daily, { today: localDate(Date.UTC(2026, 10, 3, 5), tz), pauses: [] }).changes, [
      { kind: 'lost', length: 2 },
    ]);
  });
});

describe('time zone changes', () => {
  it('Asia/Tokyo -> America/Los_Angeles keeps a streak met yesterday (Tokyo) alive', () => {
    const met = actAt(state(), Date.UTC(2026, 4, 10, 3), 'Asia/Tokyo'); // 05-10 12:00 in Tokyo
    assert.equal(met.today, '2026-05-10');
    const instant = Date.UTC(2026, 4, 11, 20); // 05-12 05:00 in Tokyo, 05-11 13:00 in Los Angeles
    // Had the user stayed in Tokyo, 05-11 would have been missed.
    assert.deepEqual(advance(met.state, daily, { today: localDate(instant, 'Asia/Tokyo'), pauses: [] }).changes, [{ kind: 'lost', length: 1 }]);
    // In Los Angeles it is still 05-11: the streak is alive and can be extended.
    const la = actAt(met.state, instant, 'America/Los_Angeles');
    assert.equal(la.today, '2026-05-11');
    assert.deepEqual(la.advanced.changes, []);
    assert.equal(expires(met.state, daily, la.today), '2026-05-11');
    assert.equal(la.change, 'extended');
    assert.equal(la.state.length, 2);
  });

  it('moving behind the last counted day neither counts a day twice nor loses the streak', () => {
    const met = actAt(state(), Date.UTC(2026, 4, 10, 23), 'Asia/Tokyo'); // 05-11 08:00 in Tokyo
    assert.equal(met.today, '2026-05-11');
    const la = actAt(met.state, Date.UTC(2026, 4, 11, 0), 'America/Los_Angeles'); // 05-10 17:00 in Los Angeles
    assert.equal(la.today, '2026-05-10');
    assert.deepEqual(la.advanced.changes, []);
    assert.equal(la.change, null);
    assert.equal(la.state.length, 1);
    assert.equal(expires(la.state, daily, la.today), '2026-05-12');
    const next = actAt(la.state, Date.UTC(2026, 4, 12, 19), 'America/Los_Angeles'); // 05-12 12:00 in Los Angeles
    assert.equal(next.change, 'extended');
    assert.equal(next.state.length, 2);
  });
});
