import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addDays,
  isValidTimeZone,
  localDate,
  nextPeriod,
  periodContaining,
  periodsBetween,
  previousPeriod,
  startOfLocalDay,
} from '../../../src/engine/streaks/index.js';

const HOUR = 3_600_000;

describe('localDate and startOfLocalDay', () => {
  it('UTC when there is no time zone', () => {
    assert.equal(localDate(Date.UTC(2026, 2, 4, 23, 59, 59, 999), null), '2026-03-04');
    assert.equal(localDate(Date.UTC(2026, 2, 5), null), '2026-03-05');
    assert.equal(startOfLocalDay('2026-03-05', null), Date.UTC(2026, 2, 5));
  });

  it('America/New_York, spring forward (2026-03-08): a 23-hour day starting at 00:00 EST', () => {
    const start = startOfLocalDay('2026-03-08', 'America/New_York');
    assert.equal(start, Date.UTC(2026, 2, 8, 5));
    assert.equal(startOfLocalDay('2026-03-09', 'America/New_York'), Date.UTC(2026, 2, 9, 4));
    assert.equal(startOfLocalDay('2026-03-09', 'America/New_York') - start, 23 * HOUR);
    assert.equal(localDate(start - 1, 'America/New_York'), '2026-03-07');
    assert.equal(localDate(start, 'America/New_York'), '2026-03-08');
    // 02:30 does not exist; 07:30Z is 03:30 EDT, still the 8th.
    assert.equal(localDate(Date.UTC(2026, 2, 8, 7, 30), 'America/New_York'), '2026-03-08');
    assert.equal(localDate(Date.UTC(2026, 2, 9, 3, 59), 'America/New_York'), '2026-03-08');
    assert.equal(localDate(Date.UTC(2026, 2, 9, 4), 'America/New_York'), '2026-03-09');
  });

  it('America/New_York, fall back (2026-11-01): a 25-hour day', () => {
    const start = startOfLocalDay('2026-11-01', 'America/New_York');
    assert.equal(start, Date.UTC(2026, 10, 1, 4));
    assert.equal(startOfLocalDay('2026-11-02', 'America/New_York'), Date.UTC(2026, 10, 2, 5));
    assert.equal(startOfLocalDay('2026-11-02', 'America/New_York') - start, 25 * HOUR);
    assert.equal(localDate(Date.UTC(2026, 10, 2, 4, 30), 'America/New_York'), '2026-11-01'); // 23:30 EST
    assert.equal(localDate(Date.UTC(2026, 10, 2, 5), 'America/New_York'), '2026-11-02');
  });

  it('where DST skips midnight the day starts at the first instant that exists', () => {
    // America/Santiago: 2026-09-06 00:00 -04 jumps to 01:00 -03.
    assert.equal(startOfLocalDay('2026-09-06', 'America/Santiago'), Date.UTC(2026, 8, 6, 4));
    assert.equal(startOfLocalDay('2026-09-05', 'America/Santiago'), Date.UTC(2026, 8, 5, 4));
    assert.equal(localDate(Date.UTC(2026, 8, 6, 3, 59), 'America/Santiago'), '2026-09-05');
    assert.equal(localDate(Date.UTC(2026, 8, 6, 4), 'America/Santiago'), '2026-09-06');
    // Asia/Beirut: 2026-03-29 00:00 +02 jumps to 01:00 +03.
    assert.equal(startOfLocalDay('2026-03-29', 'Asia/Beirut'), Date.UTC(2026, 2, 28, 22));
    assert.equal(localDate(Date.UTC(2026, 2, 28, 21, 59), 'Asia/Beirut'), '2026-03-28');
  });

  it('time zones ahead of and behind UTC', () => {
    const instant = Date.UTC(2026, 4, 10, 20);
    assert.equal(localDate(instant, 'Asia/Tokyo'), '2026-05-11');
    assert.equal(localDate(instant, 'America/Los_Angeles'), '2026-05-10');
    assert.equal(startOfLocalDay('2026-05-11', 'Asia/Tokyo'), Date.UTC(2026, 4, 10, 15));
  });
});

describe('addDays', () => {
  it('crosses months, leap days and years', () => {
    assert.equal(addDays('2026-02-28', 1), '2026-03-01');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addDays('2026-01-01', -1), '2025-12-31');
    assert.equal(addDays('2026-03-10', -90), '2025-12-10');
    assert.equal(addDays('2026-03-10', 0), '2026-03-10');
  });
});

describe('periods', () => {
  it('daily: the day itself', () => {
    assert.deepEqual(periodContaining('2026-03-04', 'daily', 0), { start: '2026-03-04', end: '2026-03-04' });
    assert.deepEqual(nextPeriod({ start: '2026-02-28', end: '2026-02-28' }, 'daily', 0), { start: '2026-03-01', end: '2026-03-01' });
  });

  it('weekly, Sunday start (2026-03-01 is a Sunday)', () => {
    const week = { start: '2026-03-01', end: '2026-03-07' };
    for (const day of ['2026-03-01', '2026-03-04', '2026-03-07']) assert.deepEqual(periodContaining(day, 'weekly', 0), week);
    assert.deepEqual(periodContaining('2026-03-08', 'weekly', 0), { start: '2026-03-08', end: '2026-03-14' });
    assert.deepEqual(nextPeriod(week, 'weekly', 0), { start: '2026-03-08', end: '2026-03-14' });
    assert.deepEqual(previousPeriod(week, 'weekly', 0), { start: '2026-02-22', end: '2026-02-28' });
  });

  it('weekly, Monday and Saturday starts', () => {
    assert.deepEqual(periodContaining('2026-03-01', 'weekly', 1), { start: '2026-02-23', end: '2026-03-01' });
    assert.deepEqual(periodContaining('2026-03-02', 'weekly', 1), { start: '2026-03-02', end: '2026-03-08' });
    assert.deepEqual(periodContaining('2026-03-08', 'weekly', 1), { start: '2026-03-02', end: '2026-03-08' });
    assert.deepEqual(periodContaining('2026-03-06', 'weekly', 6), { start: '2026-02-28', end: '2026-03-06' });
    assert.deepEqual(periodContaining('2026-03-07', 'weekly', 6), { start: '2026-03-07', end: '2026-03-13' });
    // A week across the new year.
    assert.deepEqual(periodContaining('2026-01-01', 'weekly', 0), { start: '2025-12-28', end: '2026-01-03' });
  });

  it('monthly: calendar months, February included', () => {
    assert.deepEqual(periodContaining('2026-02-14', 'monthly', 0), { start: '2026-02-01', end: '2026-02-28' });
    assert.deepEqual(periodContaining('2028-02-29', 'monthly', 0), { start: '2028-02-01', end: '2028-02-29' });
    assert.deepEqual(nextPeriod({ start: '2026-01-01', end: '2026-01-31' }, 'monthly', 0), { start: '2026-02-01', end: '2026-02-28' });
    assert.deepEqual(previousPeriod({ start: '2026-03-01', end: '2026-03-31' }, 'monthly', 0), { start: '2026-02-01', end: '2026-02-28' });
    assert.deepEqual(nextPeriod({ start: '2026-12-01', end: '2026-12-31' }, 'monthly', 0), { start: '2027-01-01', end: '2027-01-31' });
  });

  it('periodsBetween lists the periods strictly between two others', () => {
    assert.deepEqual(
      periodsBetween({ start: '2026-01-01', end: '2026-01-31' }, { start: '2026-04-01', end: '2026-04-30' }, 'monthly', 0),
      [{ start: '2026-02-01', end: '2026-02-28' }, { start: '2026-03-01', end: '2026-03-31' }],
    );
    assert.deepEqual(periodsBetween({ start: '2026-03-04', end: '2026-03-04' }, { start: '2026-03-05', end: '2026-03-05' }, 'daily', 0), []);
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA names and links', () => {
    for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'Europe/Kiev']) {
      assert.equal(isValidTimeZone(tz), true, tz);
    }
  });

  it('refuses unknown names, offsets and ISO strings', () => {
    for (const tz of ['', 'Nope/Zone', 'Mars/Olympus_Mons', '+05:00', '-03:00', 'Z', '2020-01-01T00:00Z', '2020-01-01T00:00[Europe/Paris]', 'America/New York']) {
      assert.equal(isValidTimeZone(tz), false, tz);
    }
  });
});
