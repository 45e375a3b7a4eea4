import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inWindow, localSecondsOfDay, parseTimeOfDay, type TimeWindow } from '../../../src/engine/leaderboards/index.js';
import { at } from './helpers.js';

const MINUTE = 60_000;
const w = (startTime: string | null, endTime: string | null): TimeWindow => ({ startTime, endTime });

/** Minutes of a UTC day range (from, from + hours) whose instant counts in the window. */
function countedMinutes(window: TimeWindow, fromIso: string, hours: number, tz: string): number {
  let count = 0;
  for (let t = at(fromIso), end = t + hours * 60 * MINUTE; t < end; t += MINUTE) if (inWindow(window, t, tz)) count++;
  return count;
}

describe('parseTimeOfDay', () => {
  it('HH:mm and HH:mm:ss, 00:00 to 23:59:59', () => {
    const table: [string, number | undefined][] = [
      ['00:00', 0],
      ['09:30', 34_200],
      ['23:59:59', 86_399],
      ['17:00:00', 61_200],
      ['24:00', undefined],
      ['9:00', undefined],
      ['12:60', undefined],
      ['12:00:60', undefined],
      ['12:00:00.5', undefined],
      ['', undefined],
    ];
    for (const [text, seconds] of table) assert.equal(parseTimeOfDay(text), seconds, text);
  });
});

describe('inWindow', () => {
  it('start inclusive, end exclusive (UTC when the user has no time zone)', () => {
    const table: [TimeWindow, string, boolean][] = [
      [w('09:00', '17:00'), '08:59:59', false],
      [w('09:00', '17:00'), '09:00:00', true],
      [w('09:00', '17:00'), '16:59:59', true],
      [w('09:00', '17:00'), '17:00:00', false],
      [w('18:00', null), '17:59:59', false],
      [w('18:00', null), '18:00:00', true],
      [w('18:00', null), '23:59:59', true],
      [w('18:00', null), '00:00:00', false],
      [w(null, '06:00'), '00:00:00', true],
      [w(null, '06:00'), '05:59:59', true],
      [w(null, '06:00'), '06:00:00', false],
      [w(null, null), '03:00:00', true],
      [w('22:00', '02:00'), '21:59:59', false],
      [w('22:00', '02:00'), '22:00:00', true],
      [w('22:00', '02:00'), '23:59:59', true],
      [w('22:00', '02:00'), '00:00:00', true],
      [w('22:00', '02:00'), '01:59:59', true],
      [w('22:00', '02:00'), '02:00:00', false],
      [w('22:00', '02:00'), '12:00:00', false],
      [w('09:00:30', '09:01'), '09:00:29', false],
      [w('09:00:30', '09:01'), '09:00:30', true],
    ];
    for (const [window, time, expected] of table) {
      assert.equal(inWindow(window, at(`2026-05-10T${time}Z`), null), expected, `${JSON.stringify(window)} at ${time}`);
    }
  });

  it('on the user’s wall clock: 09:00-17:00 in Tokyo is 00:00-08:00 UTC', () => {
    const tokyo = w('09:00', '17:00');
    assert.equal(inWindow(tokyo, at('2026-05-09T23:59:59Z'), 'Asia/Tokyo'), false);
    assert.equal(inWindow(tokyo, at('2026-05-10T00:00:00Z'), 'Asia/Tokyo'), true);
    assert.equal(inWindow(tokyo, at('2026-05-10T07:59:59Z'), 'Asia/Tokyo'), true);
    assert.equal(inWindow(tokyo, at('2026-05-10T08:00:00Z'), 'Asia/Tokyo'), false);
    assert.equal(inWindow(tokyo, at('2026-05-10T08:00:00Z'), 'America/Los_Angeles'), false, '01:00 in Los Angeles');
    assert.equal(inWindow(tokyo, at('2026-05-10T17:00:00Z'), 'America/Los_Angeles'), true, '10:00 in Los Angeles');
  });

  it('a window wrapping past midnight counts 4 hours a day in any zone', () => {
    assert.equal(countedMinutes(w('22:00', '02:00'), '2026-05-10T00:00:00Z', 24, 'Asia/Kolkata'), 240);
    assert.equal(countedMinutes(w('22:00', '02:00'), '2026-05-10T00:00:00Z', 24, 'UTC'), 240);
  });

  it('DST spring forward (New York, 2026-03-08): a window inside the skipped hour matches nothing', () => {
    // The local day 03-08 runs 05:00Z-04:00Z (23 hours); 02:00-03:00 local does not exist.
    assert.equal(countedMinutes(w('02:00', '03:00'), '2026-03-08T05:00:00Z', 23, 'America/New_York'), 0);
    assert.equal(countedMinutes(w('01:00', '04:00'), '2026-03-08T05:00:00Z', 23, 'America/New_York'), 120);
    assert.equal(inWindow(w('01:00', '04:00'), at('2026-03-08T07:00:00Z'), 'America/New_York'), true, '03:00 EDT');
    assert.equal(localSecondsOfDay(at('2026-03-08T07:00:00Z'), 'America/New_York'), 3 * 3600);
  });

  it('DST fall back (New York, 2026-11-01): a window in the repeated hour matches both passes', () => {
    // The local day 11-01 runs 04:00Z-05:00Z the next day (25 hours); 01:00-02:00 happens twice.
    assert.equal(countedMinutes(w('01:00', '02:00'), '2026-11-01T04:00:00Z', 25, 'America/New_York'), 120);
    assert.equal(inWindow(w('01:00', '02:00'), at('2026-11-01T05:30:00Z'), 'America/New_York'), true, '01:30 EDT');
    assert.equal(inWindow(w('01:00', '02:00'), at('2026-11-01T06:30:00Z'), 'America/New_York'), true, '01:30 EST');
    assert.equal(inWindow(w('01:00', '02:00'), at('2026-11-01T07:00:00Z'), 'America/New_York'), false, '02:00 EST');
  });

  it('midnight is 00:00, never 24:00', () => {
    assert.equal(localSecondsOfDay(at('2026-05-10T00:00:00Z'), null), 0);
    assert.equal(localSecondsOfDay(at('2026-05-10T15:00:00Z'), 'Asia/Tokyo'), 0);
  });
});
