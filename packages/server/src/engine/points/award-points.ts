import { applyAward, blocksDeduction } from './apply-award.js';
import { boostedPoints, boostsFor } from './boosts.js';
import { levelChange, levelFor } from './levels.js';
import { countMetricEvent, metricTriggerMatches, noProgress, type MetricEventFact } from './metric-trigger.js';
import { achievementTriggerFires, streakTriggerFires, triggerApplies } from './triggers.js';
import type { Award, LevelChange, MetricTriggerProgress, PointsSystemRules, PointsUser, TriggerRule, UserPointsState } from './types.js';

/** Time triggers the scheduler found due for the user (counted with dueTimes). */
export interface TimeTick {
  triggerId: string;
  count: number;
}

/**
 * Everything one write established that points care about. The pipeline runs its stages in the
 * order streak, achievements, points, levels, leaderboards, so by the points stage one metric
 * event may carry several facts: the event itself, the streak length it took the streak to, and
 * the achievements it completed. Absent facts did not happen.
 */
export interface PointsInput {
  /** The user's local date at the write (their time zone, UTC when none): boosts follow it. */
  today: string;
  user: PointsUser;
  /** This write created the user (user_creation triggers fire, once). */
  userCreated?: boolean;
  /** The metric event this write recorded; its presence makes `blockIfOutOfPoints` apply. */
  event?: MetricEventFact;
  /** The length the streak reached in this write (it started or was extended); absent if it did not grow. */
  streakReached?: number;
  /** Achievements completed in this write, in completion order. */
  achievementsCompleted?: readonly string[];
  /** Time triggers due (a scheduler tick). */
  timeTicks?: readonly TimeTick[];
}

export type PointsOutcome =
  | {
      kind: 'applied';
      state: UserPointsState;
      /** Awards in the order applied; empty when nothing changed the total. */
      awards: Award[];
      /** The sum of the awards: `added` in responses and points.changed. */
      added: number;
      /** Non-null when the level moved: send points.level_changed and include `level` in the response. */
      levelChange: LevelChange | null;
    }
  /** A `blockIfOutOfPoints` trigger would have taken the total below 0: answer 400 and write nothing. */
  | { kind: 'rejected'; triggerId: string; total: number; deduction: number };

/** The state of a user new to a system: 0 points, at whatever level 0 points reaches. */
export function initialPointsState(rules: Pick<PointsSystemRules, 'levels'>): UserPointsState {
  return { total: 0, levelId: levelFor(rules.levels, 0)?.id ?? null, metricTriggers: {} };
}

/**
 * A write's consequences in one points system. Only active triggers whose user-attribute filters
 * match fire (a metric trigger that does not apply to the user does not count the event either).
 * Awards are applied in this order: user creation (the user existed before acting), the metric
 * event's triggers, the streak's, each completed achievement's, then time ticks; within each, in
 * configuration order. One trigger firing several times in one write (an event of 9 against
 * "per 3") makes one award of its points times the firings.
 *
 * Boosts that apply on `today` multiply each firing's positive points and are rounded per firing,
 * so an event of 9 earns what three events of 3 would. Each award is then clamped into
 * [0, maxPoints] and recorded with the amount actually applied; awards that come to 0 are left
 * out. With a metric event, a deduction by a `blockIfOutOfPoints` trigger that would take the
 * total below 0 rejects the whole write. A caller with several systems must check every system
 * before writing any, since one rejection rejects the event in all of them.
 *
 * The level is re-evaluated when an award changed the total.
 */
export function awardPoints(state: UserPointsState, rules: PointsSystemRules, input: PointsInput): PointsOutcome {
  const metricTriggers: Record<string, MetricTriggerProgress> = { ...state.metricTriggers };
  const firings: { trigger: TriggerRule; count: number }[] = [];
  const applicable = rules.triggers.filter((trigger) => triggerApplies(trigger, input.user));

  if (input.userCreated) {
    for (const trigger of applicable) if (trigger.type === 'user_creation') firings.push({ trigger, count: 1 });
  }
  if (input.event) {
    const event = input.event;
    for (const trigger of applicable) {
      if (trigger.type !== 'metric' || !metricTriggerMatches(trigger, event)) continue;
      const counted = countMetricEvent(trigger, metricTriggers[trigger.id] ?? noProgress, event.value);
      metricTriggers[trigger.id] = counted.progress;
      if (counted.fired > 0) firings.push({ trigger, count: counted.fired });
    }
  }
  if (input.streakReached !== undefined) {
    const reached = input.streakReached;
    for (const trigger of applicable) {
      if (trigger.type === 'streak' && streakTriggerFires(trigger, reached)) firings.push({ trigger, count: 1 });
    }
  }
  for (const achievementId of input.achievementsCompleted ?? []) {
    for (const trigger of applicable) {
      if (trigger.type === 'achievement' && achievementTriggerFires(trigger, [achievementId])) firings.push({ trigger, count: 1 });
    }
  }
  for (const tick of input.timeTicks ?? []) {
    const trigger = applicable.find((candidate) => candidate.id === tick.triggerId);
    if (trigger?.type === 'time' && tick.count > 0) firings.push({ trigger, count: tick.count });
  }

  const boosts = boostsFor(rules.boosts, input.user, input.today);
  const awards: Award[] = [];
  let total = state.total;
  for (const { trigger, count } of firings) {
    const applied = trigger.points > 0 ? boosts : [];
    const amount = boostedPoints(trigger.points, applied) * count;
    if (input.event && trigger.blockIfOutOfPoints && blocksDeduction(total, amount)) {
      return { kind: 'rejected', triggerId: trigger.id, total, deduction: amount };
    }
    const result = applyAward(total, amount, rules.maxPoints);
    if (result.applied === 0) continue;
    total = result.total;
    awards.push({ triggerId: trigger.id, awarded: result.applied, total, boostIds: applied.map((boost) => boost.id) });
  }

  const change = awards.length > 0 ? levelChange(state.levelId, rules.levels, total) : null;
  return {
    kind: 'applied',
    state: { total, levelId: change ? change.next : state.levelId, metricTriggers },
    awards,
    added: total - state.total,
    levelChange: change,
  };
}
