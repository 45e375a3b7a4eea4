import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boostStatusAt, boostStatusOn, boostWebhookTimes, boostWindow } from '../../../src/engine/points/index.js';
import { boost } from './helpers.js';

const at = (iso: string) => Date.parse(iso);

describe('boostStatusOn: in one user\'s calendar', () => {
  const may = boost({ start: '2026-05-01', end: '2026-05-31' });
  const table: [string, string][] = [
    ['2026-04-30', 'scheduled'],
    ['2026-05-01', 'active'],
    ['2026-05-31', 'active'],
    ['2026-06-01', 'finished'],
  ];
  for (const [today, status] of table) it(`${today} -> ${status}`, () => assert.equal(boostStatusOn(may, today), status));

  it('an open-ended boost never finishes', () => {
    assert.equal(boostStatusOn(boost({ end: null }), '2099-12-31'), 'active');
  });
});

describe('a global or attribute-filtered boost: live while its dates are live anywhere', () => {
  const may = boost({ start: '2026-05-01', end: '2026-05-31' });

  it('from the start date in UTC+14 (10:00 UTC the day before) to its end in UTC-12 (12:00 UTC the day after)', () => {
    assert.deepEqual(boostWindow(may, 'Europe/Paris'), { startsAt: at('2026-04-30T10:00:00Z'), endsAt: at('2026-06-01T12:00:00Z') });
    assert.equal(boostStatusAt(may, at('2026-04-30T09:59:59Z'), null), 'scheduled');
    assert.equal(boostStatusAt(may, at('2026-04-30T10:00:00Z'), null), 'active');
    assert.equal(boostStatusAt(may, at('2026-06-01T11:59:59Z'), null), 'active');
    assert.equal(boostStatusAt(may, at('2026-06-01T12:00:00Z'), null), 'finished');
  });

  it('its webhooks: started 10:00 UTC the day before, finished 13:00 UTC the day after', () => {
    assert.deepEqual(boostWebhookTimes(may, 'Asia/Tokyo'), { started: at('2026-04-30T10:00:00Z'), finished: at('2026-06-01T13:00:00Z') });
    assert.deepEqual(boostWebhookTimes(boost({ start: '2026-05-01', end: null }), null), { started: at('2026-04-30T10:00:00Z'), finished: null });
  });

  it('the start date in UTC+14 is the start of the boost window of that zone', () => {
    // Pacific/Kiritimati is UTC+14: its users are the first to have the boost.
    assert.equal(boostWindow(may, null).startsAt, Date.parse('2026-05-01T00:00:00+14:00'));
    assert.equal(boostWindow(may, null).endsAt, Date.parse('2026-06-01T00:00:00-12:00'));
  });

  it('attribute filters do not change the timing', () => {
    const filtered = boost({ start: '2026-05-01', end: '2026-05-31', userAttributes: [{ key: 'plan', value: 'premium' }] });
    assert.deepEqual(boostWebhookTimes(filtered, 'America/New_York'), boostWebhookTimes(may, null));
  });
});

describe('a per-user boost: the exact start and end in the user\'s zone', () => {
  const mine = boost({ start: '2026-03-07', end: '2026-03-08', userId: 'u1' });

  it('America/New_York across spring-forward: starts 00:00 EST, ends 00:00 EDT', () => {
    const tz = 'America/New_York';
    const window = { startsAt: at('2026-03-07T05:00:00Z'), endsAt: at('2026-03-09T04:00:00Z') };
    assert.deepEqual(boostWindow(mine, tz), window);
    assert.deepEqual(boostWebhookTimes(mine, tz), { started: window.startsAt, finished: window.endsAt });
    assert.equal(boostStatusAt(mine, window.startsAt - 1, tz), 'scheduled');
    assert.equal(boostStatusAt(mine, window.startsAt, tz), 'active');
    assert.equal(boostStatusAt(mine, window.endsAt - 1, tz), 'active');
    assert.equal(boostStatusAt(mine, window.endsAt, tz), 'finished');
  });

  it('a user without a time zone: UTC', () => {
    assert.deepEqual(boostWebhookTimes(mine, null), { started: at('2026-03-07T00:00:00Z'), finished: at('2026-03-09T00:00:00Z') });
  });

  it('Asia/Tokyo: the same dates, nine hours earlier', () => {
    assert.deepEqual(boostWindow(mine, 'Asia/Tokyo'), { startsAt: at('2026-03-06T15:00:00Z'), endsAt: at('2026-03-08T15:00:00Z') });
  });

  it('open-ended: never finishes', () => {
    const open = boost({ start: '2026-03-07', end: null, userId: 'u1' });
    assert.deepEqual(boostWebhookTimes(open, 'Asia/Tokyo'), { started: at('2026-03-06T15:00:00Z'), finished: null });
    assert.equal(boostStatusAt(open, at('2099-01-01T00:00:00Z'), 'Asia/Tokyo'), 'active');
  });
});
