import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergePointsChanged } from '../../src/engine/points/index.js';
import { THROTTLE_WINDOW_MS, flushThrottle, idleThrottle, offerThrottle, throttleIdle, type ThrottleState } from '../../src/engine/throttle.js';

const MIN = 60_000;
const latest = <P>(_older: P, newer: P) => newer;

describe('offerThrottle and flushThrottle: leading edge, then one trailing delivery per window', () => {
  it('the first change is sent at once', () => {
    const r = offerThrottle<string>(idleThrottle, 'a', 0, latest);
    assert.deepEqual(r.decision, { kind: 'send', payload: 'a' });
    assert.deepEqual(r.state, { lastSentAt: 0, pending: null });
  });

  it('changes within the window are held for its end, then sent as one', () => {
    let state: ThrottleState<string> = offerThrottle<string>(idleThrottle, 'a', 0, latest).state;
    const b = offerThrottle(state, 'b', 1 * MIN, latest);
    assert.deepEqual(b.decision, { kind: 'hold', at: 15 * MIN, pending: 'b' });
    const c = offerThrottle(b.state, 'c', 14 * MIN, latest);
    assert.deepEqual(c.decision, { kind: 'hold', at: 15 * MIN, pending: 'c' }, 'the same due time for the whole window');
    state = c.state;

    assert.deepEqual(flushThrottle(state, 15 * MIN - 1), { state, send: null }, 'not before the window ends');
    const flushed = flushThrottle(state, 15 * MIN);
    assert.equal(flushed.send, 'c');
    assert.deepEqual(flushed.state, { lastSentAt: 15 * MIN, pending: null });
  });

  it('the trailing delivery opens a window of its own: at most one delivery per 15 minutes', () => {
    let state: ThrottleState<string> = offerThrottle<string>(idleThrottle, 'a', 0, latest).state;
    state = offerThrottle(state, 'b', 5 * MIN, latest).state;
    state = flushThrottle(state, 15 * MIN).state;
    const d = offerThrottle(state, 'd', 20 * MIN, latest);
    assert.deepEqual(d.decision, { kind: 'hold', at: 30 * MIN, pending: 'd' });
  });

  it('a quiet window: nothing trails, and the next change after it is sent at once', () => {
    const state: ThrottleState<string> = offerThrottle<string>(idleThrottle, 'a', 0, latest).state;
    assert.deepEqual(flushThrottle(state, 15 * MIN), { state, send: null });
    assert.deepEqual(offerThrottle(state, 'b', 15 * MIN, latest).decision, { kind: 'send', payload: 'b' }, 'the window end is exclusive');
  });

  it('a trailing delivery that has not run yet goes out with the next change, merged', () => {
    let state: ThrottleState<number[]> = offerThrottle<number[]>(idleThrottle, [1], 0, (a, b) => [...a, ...b]).state;
    state = offerThrottle(state, [2], 10 * MIN, (a, b) => [...a, ...b]).state;
    const late = offerThrottle(state, [3], 16 * MIN, (a, b) => [...a, ...b]);
    assert.deepEqual(late.decision, { kind: 'send', payload: [2, 3] });
    assert.deepEqual(flushThrottle(late.state, 16 * MIN + 1).send, null, 'the late job then finds nothing to send');
  });

  it('a custom window', () => {
    const state: ThrottleState<string> = offerThrottle<string>(idleThrottle, 'a', 0, latest, 1000).state;
    assert.equal(offerThrottle(state, 'b', 999, latest, 1000).decision.kind, 'hold');
    assert.equal(offerThrottle(state, 'b', 1000, latest, 1000).decision.kind, 'send');
  });

  it('throttleIdle: forgettable once nothing is pending and the window is over', () => {
    const sent: ThrottleState<string> = offerThrottle<string>(idleThrottle, 'a', 0, latest).state;
    assert.equal(throttleIdle(sent, THROTTLE_WINDOW_MS - 1), false);
    assert.equal(throttleIdle(sent, THROTTLE_WINDOW_MS), true);
    const held = offerThrottle(sent, 'b', MIN, latest).state;
    assert.equal(throttleIdle(held, 2 * THROTTLE_WINDOW_MS), false);
    assert.equal(throttleIdle(idleThrottle, 0), true);
  });
});

describe('points.changed: summed added, collected awards, latest state', () => {
  type Payload = { total: number; added: number; awards: string[]; level?: string | null };

  it('merges a window of changes into the trailing payload', () => {
    let state: ThrottleState<Payload> = idleThrottle;
    const offer = (payload: Payload, now: number) => {
      const r = offerThrottle(state, payload, now, mergePointsChanged);
      state = r.state;
      return r.decision;
    };
    assert.equal(offer({ total: 10, added: 10, awards: ['a1'] }, 0).kind, 'send');
    offer({ total: 15, added: 5, awards: ['a2'] }, 2 * MIN);
    offer({ total: 12, added: -3, awards: ['a3'], level: 'bronze' }, 4 * MIN);
    const last = offer({ total: 20, added: 8, awards: ['a4', 'a5'] }, 6 * MIN);
    const expected = { total: 20, added: 10, awards: ['a2', 'a3', 'a4', 'a5'], level: 'bronze' };
    assert.deepEqual(last, { kind: 'hold', at: 15 * MIN, pending: expected });
    assert.deepEqual(flushThrottle(state, 15 * MIN).send, expected);
  });

  it('the latest level change wins, and no level when none changed', () => {
    assert.deepEqual(mergePointsChanged<Payload>({ total: 1, added: 1, awards: [], level: 'a' }, { total: 2, added: 1, awards: [], level: 'b' }).level, 'b');
    assert.deepEqual(mergePointsChanged<Payload>({ total: 1, added: 1, awards: [], level: 'a' }, { total: 0, added: -1, awards: [], level: null }).level, null);
    assert.equal('level' in mergePointsChanged<Payload>({ total: 1, added: 1, awards: [] }, { total: 2, added: 1, awards: [] }), false);
  });
});
