import type { Kysely } from 'kysely';
import type { ActiveRules } from '../../achievements/achievement-queries.js';
import { toUserAchievementResponse } from '../../achievements/achievement-view.js';
import { completionRow, insertCompletionRows } from '../../achievements/completions.js';
import type { EmitInput } from '../../delivery/outbox.js';
import { attributesMatch, newlyCompleted, type AchievementRule } from '../../engine/achievements/qualify.js';
import { buildPayload } from '../../events/catalog.js';
import type { UserAchievementResponse } from '../../events/payloads.js';
import type { AchievementRow, Schema, UserRow } from '../../store/schema.js';
import { currentLength } from '../../streaks/user-streak.js';
import { toWebhookUser } from '../../users/user-store.js';
import type { AchievementsBackdatedChange, MetricEventChange, PipelineInput } from '../change.js';
import { nothing, type Stage, type StageResult, type StateWrite } from '../stage.js';
import type { StreakFacts } from './streak-stage.js';

/** One achievement this write completed. */
export interface CompletedAchievement {
  achievementId: string;
  /** The completion's id (absent for backdated completions, recorded by the walk). */
  completionId?: string;
  /** Trophy's UserAchievementResponse (absent for backdated completions, which nobody is told about). */
  response?: UserAchievementResponse;
}

export interface AchievementFacts {
  /** In completion order: prerequisites before the composites they complete. */
  completed: CompletedAchievement[];
}

const NONE: AchievementFacts = { completed: [] };

/**
 * The second stage: achievements. A metric event adds to the filtered totals of the achievements
 * whose event filters it matches and completes whatever the user now qualifies for, the streak as
 * the streak stage left it included; an API completion records its achievement. Composites cascade.
 * Each completion sends `achievement.completed`, built here only.
 */
export const achievementStage: Stage<{ streak: StreakFacts }, AchievementFacts> = {
  name: 'achievements',
  async run(trx, input, { streak }) {
    const { change } = input;
    switch (change.kind) {
      case 'metric_event':
        return metricEvent(trx, input, change, streak);
      case 'achievement_completed':
        return apiCompletion(trx, input, change.achievement);
      case 'achievements_backdated':
        return backdated(input, change);
      default:
        return nothing(NONE);
    }
  },
};

async function metricEvent(trx: Kysely<Schema>, input: PipelineInput, change: MetricEventChange, streakFacts: StreakFacts): Promise<StageResult<AchievementFacts>> {
  const { environmentId, user } = input;
  const rules = input.config.rules;
  if (rules.rules.length === 0) return nothing(NONE);
  const writes: StateWrite[] = [];

  const filtered = rules.rules.filter(
    (rule) => rule.trigger === 'metric' && rule.metricId === change.metric.id && rule.eventAttributes.length > 0 && attributesMatch(rule.eventAttributes, change.attributes),
  );
  const filteredTotals = new Map<string, number>();
  if (filtered.length > 0) {
    const ids = filtered.map((rule) => rule.id);
    // A new user has no progress yet.
    const stored = input.userCreated
      ? []
      : await trx
          .selectFrom('achievement_progress')
          .select(['achievement_id', 'total'])
          .where('environment_id', '=', environmentId)
          .where('user_id', '=', user.id)
          .where('achievement_id', 'in', ids)
          .execute();
    const before = new Map(stored.map((row) => [row.achievement_id, Number(row.total)]));
    for (const id of ids) filteredTotals.set(id, (before.get(id) ?? 0) + change.value);
    writes.push((w) => addToProgress(w, environmentId, user.id, ids, change.value));
  }

  const streakLength = streakFacts.streak ? currentLength(streakFacts.streak) : 0;
  const crossing = { metricId: change.metric.id, total: change.total, value: change.value, streakLength, lengthBefore: streakFacts.lengthBefore };
  if (!rules.rules.some((rule) => mayCompleteNow(rule, crossing, filteredTotals))) return { facts: NONE, writes, events: [] };
  const done = await completedIds(trx, environmentId, user.id);
  const ids = newlyCompleted(rules.rules, {
    attributes: JSON.parse(user.attributes) as Record<string, string>,
    metricTotals: new Map([[change.metric.id, change.total]]),
    filteredTotals,
    streakLength,
    completed: done,
  });
  return complete(input, ids.map((id) => rules.rows.get(id)!), rules, writes);
}

/** The API completion of `achievement` (checked by the entry point) and the composites it completes. */
async function apiCompletion(trx: Kysely<Schema>, input: PipelineInput, achievement: AchievementRow): Promise<StageResult<AchievementFacts>> {
  const { environmentId, user } = input;
  const rules = input.config.rules;
  const done = input.userCreated ? new Set<string>() : await completedIds(trx, environmentId, user.id);
  // Composites cascade from the completion alone: the metric and streak rules had their chance when the user acted.
  const cascade = newlyCompleted(rules.rules, {
    attributes: JSON.parse(user.attributes) as Record<string, string>,
    metricTotals: new Map(),
    filteredTotals: new Map(),
    streakLength: 0,
    completed: new Set([...done, achievement.id]),
  }).filter((id) => rules.rows.get(id)?.trigger === 'achievement');
  return complete(input, [achievement, ...cascade.map((id) => rules.rows.get(id)!)], rules, []);
}

/**
 * Backdating (Trophy's reading 20): every active achievement the user already meets, composites
 * cascading, with the rules as they are now; recorded as backdated at the time of the change that
 * started the walk, and told to nobody (no webhook, no response).
 */
function backdated(input: PipelineInput, change: AchievementsBackdatedChange): StageResult<AchievementFacts> {
  const { environmentId, user } = input;
  const ids = newlyCompleted(input.config.rules.rules, { ...change.progress, attributes: JSON.parse(user.attributes) as Record<string, string> });
  if (ids.length === 0) return nothing(NONE);
  const rows = ids.map((id) => completionRow(environmentId, user.id, id, change.at, true));
  return { facts: { completed: ids.map((achievementId) => ({ achievementId })) }, writes: [async (w) => void (await insertCompletionRows(w, rows))], events: [] };
}

/** Records the completions (an achievement already held is skipped by the insert) and sends `achievement.completed` for each. */
function complete(input: PipelineInput, rows: readonly AchievementRow[], rules: ActiveRules, writes: StateWrite[]): StageResult<AchievementFacts> {
  if (rows.length === 0) return { facts: NONE, writes, events: [] };
  const { environmentId, user, now } = input;
  const completionRows = rows.map((row) => completionRow(environmentId, user.id, row.id, now, false));
  writes.push(async (w) => void (await insertCompletionRows(w, completionRows)));
  const completed = rows.map((row, i) => ({
    achievementId: row.id,
    completionId: completionRows[i]!.id,
    response: toUserAchievementResponse(row, row.metric_id ? rules.metricNames.get(row.metric_id) : undefined, now),
  }));
  return { facts: { completed }, writes, events: completed.map((c) => completedEvent(environmentId, user, c.response)) };
}

/** The one place `achievement.completed` is built. */
function completedEvent(environmentId: string, user: UserRow, achievement: UserAchievementResponse): EmitInput {
  return { environmentId, type: 'achievement.completed', payload: buildPayload('achievement.completed', { user: toWebhookUser(user), achievement }) };
}

async function completedIds(trx: Kysely<Schema>, environmentId: string, userId: string): Promise<Set<string>> {
  const rows = await trx.selectFrom('user_achievements').select('achievement_id').where('environment_id', '=', environmentId).where('user_id', '=', userId).execute();
  return new Set(rows.map((row) => row.achievement_id));
}

async function addToProgress(trx: Kysely<Schema>, environmentId: string, userId: string, achievementIds: readonly string[], value: number): Promise<void> {
  await trx
    .insertInto('achievement_progress')
    .values(achievementIds.map((id) => ({ environment_id: environmentId, user_id: userId, achievement_id: id, total: value })))
    .onConflict((oc) => oc.columns(['environment_id', 'user_id', 'achievement_id']).doUpdateSet((eb) => ({ total: eb('achievement_progress.total', '+', eb.ref('excluded.total')) })))
    .execute();
}

interface Crossing {
  metricId: string;
  total: number;
  value: number;
  streakLength: number;
  /** The streak length before this event counted (after catching up). */
  lengthBefore: number;
}

/**
 * Whether this event took the user across the rule's threshold. Only a crossing can complete an
 * achievement here (composites only cascade from a completion): someone already past a threshold
 * when its achievement went live got it by backdating. Lets most events skip the completions read.
 */
function mayCompleteNow(rule: AchievementRule, crossing: Crossing, filteredTotals: ReadonlyMap<string, number>): boolean {
  if (rule.trigger === 'metric' && rule.metricId === crossing.metricId && rule.metricValue !== null) {
    const after = rule.eventAttributes.length > 0 ? filteredTotals.get(rule.id) : crossing.total;
    return after !== undefined && after >= rule.metricValue && after - crossing.value < rule.metricValue;
  }
  if (rule.trigger === 'streak' && rule.streakLength !== null) {
    return crossing.streakLength >= rule.streakLength && crossing.lengthBefore < rule.streakLength;
  }
  return false;
}
