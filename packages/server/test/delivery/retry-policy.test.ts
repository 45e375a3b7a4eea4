import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JITTER, nextRetryDelay, retryAfterMs } from '../../src/delivery/retry-policy.js';

const MINUTE = 60_000;
/** Trophy's documented policy, Laurel's default: 3 retries at 1, 2 and 4 minutes. */
const trophy = [1 * MINUTE, 2 * MINUTE, 4 * MINUTE];
const middle = () => 0.5;

describe('nextRetryDelay', () => {
  it('follows the schedule, one entry per failed attempt, then stops', () => {
    const delays = [1, 2, 3, 4].map((attempts) => nextRetryDelay({ attempts, scheduleMs: trophy, retryAfterMs: null, random: middle }));
    assert.deepEqual(delays, [1 * MINUTE, 2 * MINUTE, 4 * MINUTE, null]);
  });

  it('a custom schedule sets both the delays and the number of retries', () => {
    const schedule = [5_000, 5 * MINUTE, 30 * MINUTE];
    const delays = [1, 2, 3, 4].map((attempts) => nextRetryDelay({ attempts, scheduleMs: schedule, retryAfterMs: null, random: middle }));
    assert.deepEqual(delays, [5_000, 5 * MINUTE, 30 * MINUTE, null]);
  });

  it('an empty schedule means no retries at all', () => {
    assert.equal(nextRetryDelay({ attempts: 1, scheduleMs: [], retryAfterMs: null, random: middle }), null);
  });

  it(`jitters by at most ±${JITTER * 100}% and spreads values across that range`, () => {
    assert.equal(nextRetryDelay({ attempts: 1, scheduleMs: trophy, retryAfterMs: null, random: () => 0 }), 0.8 * MINUTE);
    assert.equal(nextRetryDelay({ attempts: 1, scheduleMs: trophy, retryAfterMs: null, random: () => 0.999_999 }), 1.2 * MINUTE);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const delay = nextRetryDelay({ attempts: 2, scheduleMs: trophy, retryAfterMs: null, random: Math.random }) ?? Number.NaN;
      assert.ok(delay >= 0.8 * 2 * MINUTE && delay <= 1.2 * 2 * MINUTE, `${delay} is within ±20% of 2 minutes`);
      seen.add(delay);
    }
    assert.ok(seen.size > 100, 'a burst of failures is spread out, not retried in lockstep');
  });

  describe('Retry-After', () => {
    const withRetryAfter = (retryAfterMs: number, random = middle) =>
      nextRetryDelay({ attempts: 1, scheduleMs: trophy, retryAfterMs, random });

    it('is honoured when it asks for a delay between the scheduled one and twice that', () => {
      assert.equal(withRetryAfter(90_000), 90_000);
      assert.equal(withRetryAfter(2 * MINUTE), 2 * MINUTE);
      // Whatever the jitter, the receiver never hears from us before it asked.
      for (const r of [0, 0.25, 0.75, 0.999]) assert.ok((withRetryAfter(70_000, () => r) ?? 0) >= 70_000);
    });

    it('cannot park a delivery for longer than twice the scheduled delay', () => {
      assert.equal(withRetryAfter(3_600_000), 2 * MINUTE);
      assert.equal(withRetryAfter(3_600_000, () => 0.999), 2 * MINUTE);
    });

    it('cannot make us retry sooner than the (jittered) schedule', () => {
      assert.equal(withRetryAfter(0), MINUTE);
      assert.equal(withRetryAfter(1_000, () => 0), 0.8 * MINUTE);
    });

    it('does not extend the schedule: after the last retry there is none, whatever the header says', () => {
      assert.equal(nextRetryDelay({ attempts: 4, scheduleMs: trophy, retryAfterMs: 10_000, random: middle }), null);
    });
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');

  it('reads delta-seconds', () => {
    assert.equal(retryAfterMs('120', now), 120_000);
    assert.equal(retryAfterMs(' 0 ', now), 0);
  });

  it('reads an HTTP-date against the given clock', () => {
    assert.equal(retryAfterMs(new Date(now + 90_000).toUTCString(), now), 90_000);
  });

  it('clamps a date in the past to 0', () => {
    assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', now), 0);
  });

  it('ignores an absent, empty or unreadable header', () => {
    for (const header of [null, '', '1.5', '-5', 'soon']) assert.equal(retryAfterMs(header, now), null, String(header));
  });
});
