import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awardPoints, initialPointsState, type PointsInput, type PointsOutcome, type PointsSystemRules, type UserPointsState } from '../../../src/engine/points/index.js';
import {
  achievementTrigger,
  boost,
  lessons,
  level,
  metricTrigger,
  pointsState,
  rules,
  streakTrigger,
  timeTrigger,
  user,
  userCreationTrigger,
} from './helpers.js';

const today = '2026-05-10';
const input = (facts: Partial<PointsInput> = {}): PointsInput => ({ today, user: user(), ...facts });

function applied(outcome: PointsOutcome) {
  assert.equal(outcome.kind, 'applied', JSON.stringify(outcome));
  return outcome as Extract<PointsOutcome, { kind: 'applied' }>;
}

/** Runs a sequence of inputs against one system, as the pipeline would for one user. */
function run(system: PointsSystemRules, inputs: PointsInput[], start: UserPointsState = initialPointsState(system)) {
  let state = start;
  const outcomes = inputs.map((i) => {
    const outcome = applied(awardPoints(state, system, i));
    state = outcome.state;
    return outcome;
  });
  return { state, outcomes };
}

describe('awardPoints: metric events', () => {
  it('"10 points per 3 lessons": awards as the threshold is crossed, one award per trigger per event', () => {
    const system = rules({ triggers: [metricTrigger({ points: 10, metricThreshold: 3 })] });
    const { state, outcomes } = run(system, [input({ event: lessons(2) }), input({ event: lessons(1) }), input({ event: lessons(7) })]);
    assert.deepEqual(outcomes.map((o) => o.awards), [
      [],
      [{ triggerId: 'metric', awarded: 10, total: 10, boostIds: [] }],
      [{ triggerId: 'metric', awarded: 20, total: 30, boostIds: [] }],
    ]);
    assert.deepEqual(outcomes.map((o) => o.added), [0, 10, 20]);
    assert.deepEqual(state, { total: 30, levelId: null, metricTriggers: { metric: { progress: 10, highWater: 10, firings: 3 } } });
  });

  it('a negative event never re-earns: +3, -3, +3 pays once, and takes nothing back', () => {
    const system = rules({ triggers: [metricTrigger({ points: 10, metricThreshold: 3 })] });
    const { state, outcomes } = run(system, [input({ event: lessons(3) }), input({ event: lessons(-3) }), input({ event: lessons(3) })]);
    assert.deepEqual(outcomes.map((o) => o.added), [10, 0, 0]);
    assert.equal(state.total, 10);
    assert.deepEqual(state.metricTriggers.metric, { progress: 3, highWater: 3, firings: 1 });
  });

  it('only events of the trigger\'s metric with every event attribute matching count', () => {
    const system = rules({ triggers: [metricTrigger({ points: 5, eventAttributes: [{ key: 'source', value: 'mobile' }] })] });
    const { state, outcomes } = run(system, [
      input({ event: lessons(1, { source: 'web' }) }),
      input({ event: { metricId: 'words', value: 100, attributes: { source: 'mobile' } } }),
      input({ event: lessons(2, { source: 'mobile' }) }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.added), [0, 0, 10]);
    assert.deepEqual(state.metricTriggers, { metric: { progress: 2, highWater: 2, firings: 2 } }, 'non-matching events are not counted');
  });

  it('inactive triggers and triggers filtered to other users neither award nor count', () => {
    const system = rules({
      triggers: [
        metricTrigger({ id: 'off', status: 'inactive' }),
        metricTrigger({ id: 'premium', userAttributes: [{ key: 'plan', value: 'premium' }] }),
        metricTrigger({ id: 'everyone', points: 1 }),
      ],
    });
    const free = applied(awardPoints(initialPointsState(system), system, input({ user: user('u1', { plan: 'free' }), event: lessons(1) })));
    assert.deepEqual(free.awards.map((a) => a.triggerId), ['everyone']);
    assert.deepEqual(Object.keys(free.state.metricTriggers), ['everyone']);
    const premium = applied(awardPoints(initialPointsState(system), system, input({ user: user('u1', { plan: 'premium' }), event: lessons(1) })));
    assert.deepEqual(premium.awards.map((a) => a.triggerId), ['premium', 'everyone']);
  });

  it('several triggers on one metric: each its own award, in configuration order, totals running', () => {
    const system = rules({ triggers: [metricTrigger({ id: 'per-lesson', points: 2 }), metricTrigger({ id: 'per-5', points: 50, metricThreshold: 5 })] });
    const outcome = applied(awardPoints(initialPointsState(system), system, input({ event: lessons(5) })));
    assert.deepEqual(outcome.awards, [
      { triggerId: 'per-lesson', awarded: 10, total: 10, boostIds: [] },
      { triggerId: 'per-5', awarded: 50, total: 60, boostIds: [] },
    ]);
  });

  it('a deduction trigger (energy spent per lesson) clamps at 0 without blockIfOutOfPoints', () => {
    const system = rules({ triggers: [metricTrigger({ id: 'spend', points: -3 })] });
    const outcome = applied(awardPoints(pointsState({ total: 5 }), system, input({ event: lessons(2) })));
    assert.deepEqual(outcome.awards, [{ triggerId: 'spend', awarded: -5, total: 0, boostIds: [] }]);
    const empty = applied(awardPoints(outcome.state, system, input({ event: lessons(1) })));
    assert.deepEqual(empty.awards, [], 'an award that comes to 0 is not recorded');
    assert.equal(empty.added, 0);
    assert.equal(empty.state.metricTriggers.spend?.firings, 3, 'the event still counted');
  });
});

describe('awardPoints: blockIfOutOfPoints', () => {
  const system = rules({ triggers: [metricTrigger({ id: 'earn', points: 1, metricId: 'minutes' }), metricTrigger({ id: 'spend', points: -10, blockIfOutOfPoints: true })] });

  it('a deduction that would go below 0 rejects the whole event', () => {
    const before = pointsState({ total: 9 });
    const outcome = awardPoints(before, system, input({ event: lessons(1) }));
    assert.deepEqual(outcome, { kind: 'rejected', triggerId: 'spend', total: 9, deduction: -10 });
  });

  it('down to exactly 0 is allowed', () => {
    const outcome = applied(awardPoints(pointsState({ total: 10 }), system, input({ event: lessons(1) })));
    assert.deepEqual(outcome.awards, [{ triggerId: 'spend', awarded: -10, total: 0, boostIds: [] }]);
  });

  it('several firings in one event deduct together', () => {
    assert.equal(awardPoints(pointsState({ total: 25 }), system, input({ event: lessons(3) })).kind, 'rejected');
    assert.equal(applied(awardPoints(pointsState({ total: 30 }), system, input({ event: lessons(3) }))).state.total, 0);
  });

  it('counts the awards made before it in the same write', () => {
    // user_creation's 25 comes first, so a new user can afford the first lesson.
    const withWelcome = rules({ triggers: [userCreationTrigger({ points: 25 }), ...system.triggers] });
    const outcome = applied(awardPoints(initialPointsState(withWelcome), withWelcome, input({ userCreated: true, event: lessons(1) })));
    assert.deepEqual(outcome.awards.map((a) => [a.triggerId, a.awarded, a.total]), [
      ['welcome', 25, 25],
      ['spend', -10, 15],
    ]);
  });

  it('a deduction of a trigger without the flag clamps instead', () => {
    const lenient = rules({ triggers: [metricTrigger({ id: 'spend', points: -10 })] });
    assert.equal(applied(awardPoints(pointsState({ total: 9 }), lenient, input({ event: lessons(1) }))).state.total, 0);
  });

  it('only blocks metric events: the same deduction from a scheduler tick clamps', () => {
    const drain = rules({ triggers: [timeTrigger({ id: 'drain', points: -10, blockIfOutOfPoints: true })] });
    const outcome = applied(awardPoints(pointsState({ total: 4 }), drain, input({ timeTicks: [{ triggerId: 'drain', count: 1 }] })));
    assert.deepEqual(outcome.awards, [{ triggerId: 'drain', awarded: -4, total: 0, boostIds: [] }]);
  });
});

describe('awardPoints: streak, achievement, time and user creation triggers', () => {
  it('a streak trigger pays each time the length reaches a multiple', () => {
    const system = rules({ triggers: [streakTrigger({ points: 50, streakLength: 7 })] });
    const lengths = [6, 7, 8, 14, 1, 7];
    const { outcomes } = run(system, lengths.map((streakReached) => input({ streakReached })));
    assert.deepEqual(outcomes.map((o) => o.added), [0, 50, 0, 50, 0, 50]);
  });

  it('an achievement trigger pays on that achievement\'s completion', () => {
    const system = rules({ triggers: [achievementTrigger({ id: 'for-a1', achievementId: 'a1', points: 100 }), achievementTrigger({ id: 'for-a2', achievementId: 'a2', points: 7 })] });
    const outcome = applied(awardPoints(initialPointsState(system), system, input({ achievementsCompleted: ['a2', 'a1'] })));
    assert.deepEqual(outcome.awards.map((a) => a.triggerId), ['for-a2', 'for-a1'], 'in completion order');
    assert.equal(applied(awardPoints(initialPointsState(system), system, input({ achievementsCompleted: ['a3'] }))).awards.length, 0);
  });

  it('a time tick pays its count, and energy refills only up to maxPoints', () => {
    const system = rules({ maxPoints: 10, triggers: [timeTrigger({ id: 'refill', points: 2 })] });
    const outcome = applied(awardPoints(pointsState({ total: 5 }), system, input({ timeTicks: [{ triggerId: 'refill', count: 4 }] })));
    assert.deepEqual(outcome.awards, [{ triggerId: 'refill', awarded: 5, total: 10, boostIds: [] }]);
    const full = applied(awardPoints(outcome.state, system, input({ timeTicks: [{ triggerId: 'refill', count: 1 }] })));
    assert.deepEqual(full.awards, []);
  });

  it('a tick for a trigger that has been deactivated, or is not a time trigger, pays nothing', () => {
    const system = rules({ triggers: [timeTrigger({ id: 'off', status: 'inactive' }), metricTrigger({ id: 'metric' })] });
    const outcome = applied(awardPoints(initialPointsState(system), system, input({ timeTicks: [{ triggerId: 'off', count: 1 }, { triggerId: 'metric', count: 1 }, { triggerId: 'gone', count: 1 }] })));
    assert.deepEqual(outcome.awards, []);
  });

  it('user_creation pays when the write created the user, and not otherwise', () => {
    const system = rules({ triggers: [userCreationTrigger({ points: 25 })] });
    assert.equal(applied(awardPoints(initialPointsState(system), system, input({ userCreated: true }))).added, 25);
    assert.equal(applied(awardPoints(initialPointsState(system), system, input({ event: lessons(1) }))).added, 0);
  });
});

describe('awardPoints: several facts from one write', () => {
  it('a metric event that created the user, extended the streak to 7 and completed an achievement', () => {
    const system = rules({
      triggers: [
        achievementTrigger({ id: 'ach', achievementId: 'week-one', points: 100 }),
        streakTrigger({ id: 'week', points: 50, streakLength: 7 }),
        metricTrigger({ id: 'lesson', points: 10 }),
        userCreationTrigger({ id: 'welcome', points: 5 }),
      ],
      levels: [level('novice', 0), level('learner', 100)],
    });
    const outcome = applied(
      awardPoints(initialPointsState(system), system, input({ userCreated: true, event: lessons(1), streakReached: 7, achievementsCompleted: ['week-one'] })),
    );
    // Applied in pipeline order: user creation, the event, the streak, the achievements.
    assert.deepEqual(outcome.awards, [
      { triggerId: 'welcome', awarded: 5, total: 5, boostIds: [] },
      { triggerId: 'lesson', awarded: 10, total: 15, boostIds: [] },
      { triggerId: 'week', awarded: 50, total: 65, boostIds: [] },
      { triggerId: 'ach', awarded: 100, total: 165, boostIds: [] },
    ]);
    assert.equal(outcome.added, 165);
    assert.deepEqual(outcome.levelChange, { previous: 'novice', next: 'learner' });
    assert.equal(outcome.state.levelId, 'learner');
  });

  it('no facts: nothing changes', () => {
    const system = rules({ triggers: [metricTrigger()] });
    const before = pointsState({ total: 3 });
    assert.deepEqual(awardPoints(before, system, input()), { kind: 'applied', state: before, awards: [], added: 0, levelChange: null });
  });
});

describe('awardPoints: boosts', () => {
  it('multiply positive awards on the user\'s local date and are recorded on the award', () => {
    const system = rules({ triggers: [metricTrigger({ points: 10 })], boosts: [boost({ id: 'double', multiplier: 2 }), boost({ id: 'june', start: '2026-06-01', end: '2026-06-30', multiplier: 3 })] });
    const may = applied(awardPoints(initialPointsState(system), system, input({ event: lessons(1), today: '2026-05-31' })));
    assert.deepEqual(may.awards, [{ triggerId: 'metric', awarded: 20, total: 20, boostIds: ['double'] }]);
    const june = applied(awardPoints(initialPointsState(system), system, input({ event: lessons(1), today: '2026-06-01' })));
    assert.deepEqual(june.awards, [{ triggerId: 'metric', awarded: 30, total: 30, boostIds: ['june'] }]);
  });

  it('never multiply deductions', () => {
    const system = rules({ triggers: [metricTrigger({ points: -10 })], boosts: [boost({ multiplier: 3 })] });
    const outcome = applied(awardPoints(pointsState({ total: 100 }), system, input({ event: lessons(1) })));
    assert.deepEqual(outcome.awards, [{ triggerId: 'metric', awarded: -10, total: 90, boostIds: [] }]);
  });

  it('a stack multiplies and rounds per firing with the most conservative mode', () => {
    // 7 x 1.5 (up) x 1.1 (nearest) = 11.55 -> nearest 12 per firing; 3 firings -> 36 (not round(34.65) = 35).
    const system = rules({
      triggers: [metricTrigger({ points: 7 })],
      boosts: [boost({ id: 'b1', multiplier: 1.5, rounding: 'up' }), boost({ id: 'b2', multiplier: 1.1, rounding: 'nearest' })],
    });
    const outcome = applied(awardPoints(initialPointsState(system), system, input({ event: lessons(3) })));
    assert.deepEqual(outcome.awards, [{ triggerId: 'metric', awarded: 36, total: 36, boostIds: ['b1', 'b2'] }]);
    const oneByOne = run(system, [1, 1, 1].map((v) => input({ event: lessons(v) })));
    assert.equal(oneByOne.state.total, 36, 'one event of 3 earns what three events of 1 do');
  });

  it('a boosted award is clamped at maxPoints after boosting', () => {
    const system = rules({ maxPoints: 100, triggers: [metricTrigger({ points: 10 })], boosts: [boost({ multiplier: 3 })] });
    const outcome = applied(awardPoints(pointsState({ total: 80 }), system, input({ event: lessons(1) })));
    assert.deepEqual(outcome.awards, [{ triggerId: 'metric', awarded: 20, total: 100, boostIds: ['boost'] }]);
  });

  it('a boost that rounds an award to 0 leaves no award', () => {
    const system = rules({ triggers: [metricTrigger({ points: 1 })], boosts: [boost({ multiplier: 0.5, rounding: 'down' })] });
    assert.deepEqual(applied(awardPoints(initialPointsState(system), system, input({ event: lessons(1) }))).awards, []);
  });

  it('per-user and attribute-filtered boosts apply only to their users', () => {
    const system = rules({
      triggers: [metricTrigger({ points: 10 })],
      boosts: [boost({ id: 'vip', userId: 'u2', multiplier: 2 }), boost({ id: 'lyon', userAttributes: [{ key: 'city', value: 'Lyon' }], multiplier: 1.5 })],
    });
    const award = (u: ReturnType<typeof user>) => applied(awardPoints(initialPointsState(system), system, input({ user: u, event: lessons(1) }))).awards[0];
    assert.deepEqual(award(user('u1', { city: 'Paris' })), { triggerId: 'metric', awarded: 10, total: 10, boostIds: [] });
    assert.deepEqual(award(user('u1', { city: 'Lyon' })), { triggerId: 'metric', awarded: 15, total: 15, boostIds: ['lyon'] });
    assert.deepEqual(award(user('u2', { city: 'Lyon' })), { triggerId: 'metric', awarded: 30, total: 30, boostIds: ['vip', 'lyon'] });
  });
});

describe('awardPoints: maxPoints and levels', () => {
  it('clamps at maxPoints and records the amount applied', () => {
    const system = rules({ maxPoints: 100, triggers: [metricTrigger({ points: 30 })] });
    const { outcomes, state } = run(system, [1, 1, 1, 1, 1].map((v) => input({ event: lessons(v) })));
    assert.deepEqual(outcomes.map((o) => o.awards.map((a) => a.awarded)), [[30], [30], [30], [10], []]);
    assert.equal(state.total, 100);
  });

  it('initialPointsState starts at the level 0 points reaches', () => {
    assert.deepEqual(initialPointsState(rules({ levels: [level('starter', 0), level('pro', 50)] })), { total: 0, levelId: 'starter', metricTriggers: {} });
    assert.deepEqual(initialPointsState(rules({ levels: [level('pro', 50)] })), { total: 0, levelId: null, metricTriggers: {} });
  });

  it('reports a level change only when it changes, both ways', () => {
    const system = rules({ triggers: [metricTrigger({ points: 40 }), metricTrigger({ id: 'penalty', metricId: 'mistakes', points: -30 })], levels: [level('starter', 0), level('pro', 100)] });
    const mistake = { metricId: 'mistakes', value: 1, attributes: {} };
    const { outcomes } = run(system, [input({ event: lessons(1) }), input({ event: lessons(1) }), input({ event: lessons(1) }), input({ event: mistake })]);
    assert.deepEqual(outcomes.map((o) => o.state.total), [40, 80, 120, 90]);
    assert.deepEqual(outcomes.map((o) => o.levelChange), [null, null, { previous: 'starter', next: 'pro' }, { previous: 'pro', next: 'starter' }]);
  });

  it('a write with no award leaves the level alone', () => {
    const system = rules({ triggers: [metricTrigger({ metricThreshold: 5 })], levels: [level('starter', 0)] });
    const outcome = applied(awardPoints(pointsState({ levelId: null }), system, input({ event: lessons(1) })));
    assert.equal(outcome.levelChange, null);
    assert.equal(outcome.state.levelId, null);
  });
});
