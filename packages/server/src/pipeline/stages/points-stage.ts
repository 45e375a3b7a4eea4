import type { Kysely } from 'kysely';
import { awardPoints, initialPointsState, noProgress, type BoostRule, type LevelChange, type MetricTriggerProgress, type PointsInput, type TriggerRule } from '../../engine/points/index.js';
import { localDate } from '../../engine/streaks/index.js';
import { errors } from '../../errors.js';
import type { PointsBoost } from '../../events/payloads.js';
import type { PointsSystemConfig } from '../../points/points-config.js';
import { userBoostRules } from '../../points/points-config.js';
import { hasTimeTriggers, scheduleUserTimeTicks } from '../../points/time-schedule.js';
import {
  insertAwards,
  loadTriggerProgress,
  loadUserPoints,
  recordedAward,
  saveTriggerProgress,
  saveUserPoints,
  type RecordedAward,
  type StoredProgress,
} from '../../points/user-points-store.js';
import type { Schema } from '../../store/schema.js';
import type { PipelineInput } from '../change.js';
import { nothing, type Stage, type StageResult, type StateWrite } from '../stage.js';
import type { AchievementFacts } from './achievement-stage.js';
import type { StreakFacts } from './streak-stage.js';

/** One system whose total this write changed. */
export interface SystemPoints {
  config: PointsSystemConfig;
  /** The awards, in the order applied, with their ids. */
  awards: RecordedAward[];
  /** Their sum: `added`. */
  added: number;
  total: number;
  /** The level the total now reaches (ids); levelChange is set when it moved. */
  levelId: string | null;
  levelChange: LevelChange | null;
  /** The boosts the awards name, by id: the system's own for everyone, and the user's. */
  boosts: ReadonlyMap<string, PointsBoost>;
}

export interface PointsFacts {
  /** Systems whose total changed, in configuration order. */
  systems: SystemPoints[];
}

const NONE: PointsFacts = { systems: [] };

/**
 * The third stage: points. In every active system, the triggers this write can fire (the event's
 * metric, the length the streak reached, the achievements completed, a new user, due time ticks)
 * award or deduct through engine/points awardPoints, with the boosts of the user's local date. A
 * `blockIfOutOfPoints` deduction that a metric event would take below 0 rejects the event (400)
 * before anything is written, in every system. Awards are recorded with their trigger and boosts.
 */
export const pointsStage: Stage<{ streak: StreakFacts; achievements: AchievementFacts }, PointsFacts> = {
  name: 'points',
  async run(trx, input, earlier) {
    const fires = firing(input, earlier);
    const systems = input.config.points.systems.filter((system) => system.rules.triggers.some(fires));
    // Most writes fire nothing: no reads at all then.
    const result = systems.length === 0 ? nothing(NONE) : await award(trx, input, earlier, systems, fires);
    // A new user starts the clocks of the live time triggers; a new time zone moves their midnights.
    if ((input.userCreated || input.tzChanged) && hasTimeTriggers(input.config)) {
      result.writes.push((w) => scheduleUserTimeTicks(w, input.environmentId, input.user, input.config, input.now));
    }
    return result;
  },
};

/** Which triggers this write can fire (their other rules, filters and thresholds, are the engine's). */
function firing(input: PipelineInput, { streak, achievements }: { streak: StreakFacts; achievements: AchievementFacts }): (trigger: TriggerRule) => boolean {
  const { change } = input;
  const completed = new Set(achievements.completed.map((c) => c.achievementId));
  return (trigger) => {
    switch (trigger.type) {
      case 'user_creation':
        return input.userCreated;
      case 'metric':
        return change.kind === 'metric_event' && trigger.metricId === change.metric.id;
      case 'streak':
        return streak.reached !== undefined;
      case 'achievement':
        return completed.has(trigger.achievementId);
      case 'time':
        return change.kind === 'time_tick' && [...change.ticks.values()].some((ticks) => ticks.some((tick) => tick.triggerId === trigger.id));
    }
  };
}

async function award(
  trx: Kysely<Schema>,
  input: PipelineInput,
  { streak, achievements }: { streak: StreakFacts; achievements: AchievementFacts },
  systems: readonly PointsSystemConfig[],
  fires: (trigger: TriggerRule) => boolean,
): Promise<StageResult<PointsFacts>> {
  const { environmentId, user, now, change } = input;
  const metricTriggers = systems.flatMap((system) => system.rules.triggers.filter((trigger) => trigger.type === 'metric' && fires(trigger)));
  // A new user has no state yet, nor boosts of their own (those are given to existing users).
  const fresh = input.userCreated;
  const stored = fresh ? new Map() : await loadUserPoints(trx, environmentId, user.id, systems.map((system) => system.system.id));
  const progress = fresh || metricTriggers.length === 0 ? new Map<string, StoredProgress>() : await loadTriggerProgress(trx, environmentId, user.id, metricTriggers.map((t) => t.id));
  const boostsMayApply = systems.some((system) => system.rules.triggers.some((trigger) => trigger.points > 0 && fires(trigger)));
  const ownBoosts = fresh || !boostsMayApply ? new Map() : await userBoostRules(trx, environmentId, user.id);

  const attributes = JSON.parse(user.attributes) as Record<string, string>;
  const today = localDate(now, user.tz);
  const pointsInput: PointsInput = { today, user: { id: user.id, attributes }, userCreated: input.userCreated };
  if (change.kind === 'metric_event') pointsInput.event = { metricId: change.metric.id, value: change.value, attributes: change.attributes };
  if (streak.reached !== undefined) pointsInput.streakReached = streak.reached;
  if (achievements.completed.length > 0) pointsInput.achievementsCompleted = achievements.completed.map((c) => c.achievementId);

  const results: SystemPoints[] = [];
  const progressRows: Parameters<typeof saveTriggerProgress>[1][number][] = [];
  for (const config of systems) {
    const systemId = config.system.id;
    const own: { rule: BoostRule; boost: PointsBoost }[] = ownBoosts.get(systemId) ?? [];
    const before = stored.get(systemId) ?? initialPointsState(config.rules);
    const counted: Record<string, MetricTriggerProgress> = {};
    for (const trigger of config.rules.triggers) {
      const row = progress.get(trigger.id);
      // Progress counted before the trigger's latest activation does not count.
      if (row && row.activatedAt === config.activatedAt.get(trigger.id)) counted[trigger.id] = row;
    }
    const systemInput = change.kind === 'time_tick' ? { ...pointsInput, timeTicks: change.ticks.get(systemId) ?? [] } : pointsInput;
    const outcome = awardPoints(
      { total: before.total, levelId: before.levelId, metricTriggers: counted },
      { ...config.rules, boosts: [...config.rules.boosts, ...own.map((o) => o.rule)] },
      systemInput,
    );
    if (outcome.kind === 'rejected') {
      throw errors.business(
        `Not enough ${config.system.name} points: this event would deduct ${-outcome.deduction} from a total of ${outcome.total}, and its trigger refuses events that would take the total below 0`,
      );
    }
    for (const [triggerId, next] of Object.entries(outcome.state.metricTriggers)) {
      const previous = counted[triggerId] ?? noProgress;
      if (next.progress === previous.progress && next.highWater === previous.highWater && next.firings === previous.firings) continue;
      progressRows.push({ environmentId, userId: user.id, systemId, triggerId, progress: { ...next, activatedAt: config.activatedAt.get(triggerId) ?? now } });
    }
    if (outcome.awards.length === 0) continue;
    results.push({
      config,
      awards: outcome.awards.map((a) => recordedAward(a, systemId)),
      added: outcome.added,
      total: outcome.state.total,
      levelId: outcome.state.levelId,
      levelChange: outcome.levelChange,
      boosts: new Map([...config.boosts, ...own.map((o): [string, PointsBoost] => [o.boost.id, o.boost])]),
    });
  }

  const writes: StateWrite[] = [];
  if (progressRows.length > 0) writes.push((w) => saveTriggerProgress(w, progressRows, now));
  if (results.length > 0) {
    const totals = results.map((r) => ({ environmentId, userId: user.id, systemId: r.config.system.id, total: r.total, levelId: r.levelId }));
    writes.push((w) => saveUserPoints(w, totals, now));
    writes.push((w) => insertAwards(w, environmentId, user.id, results.flatMap((r) => r.awards), today, now));
  }
  return { facts: { systems: results }, writes, events: [] };
}
