import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueTimes, timeAnchor, type TimeSchedule } from '../../../src/engine/points/index.js';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('timeAnchor', () => {
  it('the later of the user creation and the trigger activation', () => {
    assert.equal(timeAnchor(at('2026-01-01T00:00:00Z'), at('2026-03-01T00:00:00Z')), at('2026-03-01T00:00:00Z'));
    assert.equal(timeAnchor(at('2026-04-01T00:00:00Z'), at('2026-03-01T00:00:00Z')), at('2026-04-01T00:00:00Z'));
  });
});

describe('dueTimes, hours: elapsed time from the anchor', () => {
  const anchor = at('2026-03-01T10:20:00Z');
  const every3h: TimeSchedule = { unit: 'hour', interval: 3, anchor, tz: 'Europe/Paris' };

  const cases: { name: string; after: number; until: number; count: number; last: number | null; next: number }[] = [
    { name: 'nothing before the first interval has passed', after: anchor, until: anchor + 3 * HOUR - 1, count: 0, last: null, next: anchor + 3 * HOUR },
    { name: 'due exactly at anchor + 3 h (until is inclusive)', after: anchor, until: anchor + 3 * HOUR, count: 1, last: anchor + 3 * HOUR, next: anchor + 6 * HOUR },
    { name: 'after is exclusive: a run at the due time does not count it again', after: anchor + 3 * HOUR, until: anchor + 5 * HOUR, count: 0, last: null, next: anchor + 6 * HOUR },
    { name: 'a late scheduler catches up on every missed interval', after: anchor + 3 * HOUR, until: anchor + 31 * HOUR, count: 9, last: anchor + 30 * HOUR, next: anchor + 33 * HOUR },
    { name: 'a range before the anchor has none', after: anchor - 10 * HOUR, until: anchor - HOUR, count: 0, last: null, next: anchor + 3 * HOUR },
    { name: 'a range starting before the anchor counts from it', after: anchor - 10 * HOUR, until: anchor + 7 * HOUR, count: 2, last: anchor + 6 * HOUR, next: anchor + 9 * HOUR },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(dueTimes(every3h, c.after, c.until), { count: c.count, last: c.last, next: c.next }));
  }

  it('DST does not stretch an hour interval (Europe/Paris springs forward on 2026-03-29)', () => {
    const before = at('2026-03-28T23:00:00Z'); // 00:00 CET
    const hourly: TimeSchedule = { unit: 'hour', interval: 1, anchor: before, tz: 'Europe/Paris' };
    const r = dueTimes(hourly, before, at('2026-03-29T03:00:00Z')); // 05:00 CEST: 4 real hours later
    assert.equal(r.count, 4);
  });
});

describe('dueTimes, days: local midnights', () => {
  it('a user created at 15:00 with a daily trigger is first due at the next local midnight', () => {
    const anchor = at('2026-05-10T06:00:00Z'); // 15:00 in Tokyo
    const daily: TimeSchedule = { unit: 'day', interval: 1, anchor, tz: 'Asia/Tokyo' };
    const midnight11 = at('2026-05-10T15:00:00Z'); // 05-11 00:00 in Tokyo
    assert.deepEqual(dueTimes(daily, anchor, midnight11 - 1), { count: 0, last: null, next: midnight11 });
    assert.deepEqual(dueTimes(daily, anchor, midnight11), { count: 1, last: midnight11, next: midnight11 + 24 * HOUR });
    assert.deepEqual(dueTimes(daily, midnight11, midnight11 + 24 * HOUR - 1), { count: 0, last: null, next: midnight11 + 24 * HOUR });
  });

  it('every 3 days counts days from the anchor date', () => {
    const anchor = at('2026-05-10T12:00:00Z');
    const every3: TimeSchedule = { unit: 'day', interval: 3, anchor, tz: null };
    assert.deepEqual(dueTimes(every3, anchor, at('2026-05-12T23:59:59Z')), { count: 0, last: null, next: at('2026-05-13T00:00:00Z') });
    assert.deepEqual(dueTimes(every3, anchor, at('2026-05-19T12:00:00Z')), { count: 3, last: at('2026-05-19T00:00:00Z'), next: at('2026-05-22T00:00:00Z') });
  });

  it('an anchor exactly at midnight is not itself due', () => {
    const anchor = at('2026-05-10T00:00:00Z');
    const daily: TimeSchedule = { unit: 'day', interval: 1, anchor, tz: null };
    assert.deepEqual(dueTimes(daily, anchor - 1, anchor), { count: 0, last: null, next: at('2026-05-11T00:00:00Z') });
  });

  it('in America/New_York the days of 23 and 25 hours are still one day each', () => {
    const anchor = at('2026-03-07T17:00:00Z'); // 03-07 12:00 EST
    const daily: TimeSchedule = { unit: 'day', interval: 1, anchor, tz: 'America/New_York' };
    const mar8 = at('2026-03-08T05:00:00Z'); // 00:00 EST
    const mar9 = at('2026-03-09T04:00:00Z'); // 00:00 EDT, 23 hours later
    assert.deepEqual(dueTimes(daily, anchor, mar8), { count: 1, last: mar8, next: mar9 });
    assert.deepEqual(dueTimes(daily, mar8, mar9), { count: 1, last: mar9, next: at('2026-03-10T04:00:00Z') });

    const fallAnchor = at('2026-10-31T16:00:00Z'); // 10-31 12:00 EDT
    const fall: TimeSchedule = { ...daily, anchor: fallAnchor };
    const nov1 = at('2026-11-01T04:00:00Z'); // 00:00 EDT
    const nov2 = at('2026-11-02T05:00:00Z'); // 00:00 EST, 25 hours later
    assert.deepEqual(dueTimes(fall, fallAnchor, nov2 - 1), { count: 1, last: nov1, next: nov2 });
  });

  it('where DST skips midnight, due at the first instant of the day (America/Santiago, 2026-09-06)', () => {
    const anchor = at('2026-09-05T16:00:00Z'); // 09-05 12:00 -04
    const daily: TimeSchedule = { unit: 'day', interval: 1, anchor, tz: 'America/Santiago' };
    assert.equal(dueTimes(daily, anchor, anchor).next, at('2026-09-06T04:00:00Z')); // 01:00 -03
  });

  it('the same instants are due at different midnights in different zones', () => {
    const anchor = at('2026-05-10T12:00:00Z');
    const until = at('2026-05-11T02:00:00Z'); // 05-11 11:00 in Tokyo, 05-10 19:00 in Los Angeles
    assert.equal(dueTimes({ unit: 'day', interval: 1, anchor, tz: 'Asia/Tokyo' }, anchor, until).count, 1);
    assert.equal(dueTimes({ unit: 'day', interval: 1, anchor, tz: 'America/Los_Angeles' }, anchor, until).count, 0);
  });
});
